import { z } from 'zod';
import type { BoardEvent } from './board/events.ts';
import type { BoardView } from './board/visibility.ts';
import type { WireError } from './errors.ts';
import { Id, type Role } from './roles.ts';

/** Bumped on any incompatible change of the messages below. */
export const PROTOCOL_VERSION = 1;

/** The Socket.IO namespace of the live board. */
export const BOARD_NAMESPACE = '/board';

/** A command larger than this (as JSON) is refused with PAYLOAD_TOO_LARGE. */
export const MAX_COMMAND_BYTES = 16 * 1024;

/** At most this many events are replayed on resume; beyond it the client gets a snapshot. */
export const MAX_RESUME_EVENTS = 500;

/**
 * A session id: a UUID, canonicalised to lower case at the edge. Postgres matches UUIDs in any case,
 * but rooms, caches and queues are keyed by the string, so one session must have one spelling.
 */
export const SessionId = z.string().uuid().transform((id) => id.toLowerCase());

/** Client → server: join a session's board, optionally resuming after `lastSeq`. */
export const JoinRequest = z
  .object({ sessionId: SessionId, lastSeq: z.number().int().nonnegative().optional() })
  .strict();
export type JoinRequest = z.infer<typeof JoinRequest>;

/** Client → server: a command for a joined session. `id` is the idempotency key. */
export const CommandRequest = z.object({ sessionId: SessionId, id: Id, command: z.unknown() }).strict();
export type CommandRequest = z.infer<typeof CommandRequest>;


/** Client → server: leave a session's board. */
export const LeaveRequest = z.object({ sessionId: SessionId }).strict();
export type LeaveRequest = z.infer<typeof LeaveRequest>;

/** Server → client: one event of the log, for a role allowed to see it. */
export interface EventMessage {
  readonly sessionId: string;
  readonly seq: number;
  /** Seq of the previous event this role received; a client whose last seq is lower has missed one. */
  readonly prevSeq: number;
  readonly event: BoardEvent;
}

interface JoinedBase {
  readonly ok: true;
  /** The server's PROTOCOL_VERSION; a client built for another version should reload. */
  readonly protocol: number;
  readonly sessionId: string;
  readonly role: Role;
  /** The log position the client is at after applying this answer. */
  readonly seq: number;
  /** The server's clock (epoch ms), to correct timers for skew. */
  readonly serverTime: number;
}

/** Answer to `join`: a snapshot of the role's view, or the events missed since `lastSeq`. */
export type JoinResult =
  | (JoinedBase & { readonly mode: 'snapshot'; readonly state: BoardView })
  | (JoinedBase & { readonly mode: 'resume'; readonly events: readonly EventMessage[] })
  | { readonly ok: false; readonly error: WireError };

/** Answer to `command`. `duplicate` is true when the id was seen before and nothing new happened. */
export type CommandResult =
  | { readonly ok: true; readonly seq: number; readonly serverTime: number; readonly duplicate: boolean }
  | { readonly ok: false; readonly error: WireError };

export type LeaveResult = { readonly ok: true } | { readonly ok: false; readonly error: WireError };

/** Socket.IO event map, client → server. */
export interface ClientToServerEvents {
  join: (req: JoinRequest, ack: (res: JoinResult) => void) => void;
  command: (req: CommandRequest, ack: (res: CommandResult) => void) => void;
  leave: (req: LeaveRequest, ack: (res: LeaveResult) => void) => void;
}

/** Whether a connection is up, or dropped and expected back (within the reconnect grace). */
export type PresenceState = 'connected' | 'reconnecting';

/** One person connected to a session's board, as clinicians see them. */
export interface PresencePerson {
  /** Stable per person: an account id, or a roster member id. */
  readonly key: string;
  readonly role: Role;
  /** A clinician's display name, or a member's alias. */
  readonly name: string;
  readonly state: PresenceState;
}

/**
 * Who is at the board now. Clinicians see everyone; members see other members by alias only, and that
 * an observer is present (consent) but never who, nor any clinician's name.
 */
export type PresenceView =
  | { readonly sessionId: string; readonly audience: 'clinician'; readonly people: readonly PresencePerson[] }
  | {
      readonly sessionId: string;
      readonly audience: 'member';
      readonly members: readonly { readonly alias: string; readonly state: PresenceState }[];
      readonly facilitators: number;
      readonly observed: boolean;
    };

/** Socket.IO event map, server → client. */
export interface ServerToClientEvents {
  event: (msg: EventMessage) => void;
  /** Who is connected now; sent on every change and on join. Not part of the event log. */
  presence: (view: PresenceView) => void;
  /** A message the server could not answer through an ack (none was given). */
  protocol_error: (error: WireError) => void;
  /** The server ends this connection's access (logout, expiry, revoked invite). */
  revoked: (error: WireError) => void;
}
