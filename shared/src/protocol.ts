import { z } from 'zod';
import { BoardEvent } from './board/events.ts';
import { BoardView } from './board/visibility.ts';
import { WireError } from './errors.ts';
import { Id, Role, type Frozen } from './roles.ts';
import { CrisisAlert } from './safety/alerts.ts';

/**
 * Bumped on any incompatible change of the messages below. A client sends the version it was built
 * for with every `join`; the server refuses another with UNSUPPORTED_PROTOCOL, and the page reloads.
 * 2: `join` carries `protocol`; HTTP commands refuse with the error body; COMMAND_ID_TAKEN,
 * DUPLICATE_ID; instants in UTC.
 */
export const PROTOCOL_VERSION = 2;

/** The Socket.IO namespace of the live board. */
export const BOARD_NAMESPACE = '/board';

/** A command larger than this (as JSON) is refused with PAYLOAD_TOO_LARGE. */
export const MAX_COMMAND_BYTES = 16 * 1024;

/** At most this many events are replayed on resume; beyond it the client gets a snapshot. */
export const MAX_RESUME_EVENTS = 500;

/**
 * A UUID naming a session, group or account, canonicalised to lower case at the edge. Postgres
 * matches UUIDs in any case, but rooms, caches and queues are keyed by the string, so one thing must
 * have one spelling.
 */
export const Uuid = z.string().uuid().toLowerCase();

/** Epoch milliseconds of the server's clock. */
const ServerTime = z.number().int().nonnegative().describe('The server\'s clock (epoch ms) when it answered, to correct timers for skew.');
/** A position in a role's numbering of the log. */
const Seq = z.number().int().nonnegative();

/** Client → server: join a session's board, optionally resuming after `lastSeq`. */
export const JoinRequest = z
  .object({
    sessionId: Uuid,
    protocol: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('The PROTOCOL_VERSION the client was built for. Send it: a join without it is taken for a version-1 client.'),
    lastSeq: Seq.optional().describe('The `seq` the client is at: resume from here (omit for a snapshot).'),
    lastPrivateSeq: Seq.optional().describe('Members: the `seq` of their private stream they are at, resumed with `lastSeq`.')
  })
  .strict();
export type JoinRequest = z.infer<typeof JoinRequest>;

/** Client → server: a command for a joined session. `id` is the idempotency key. */
export const CommandRequest = z
  .object({
    sessionId: Uuid,
    id: Id.describe('Idempotency key, chosen by the client: one per user action, reused for every retry of it.'),
    command: z.unknown().describe('One of the commands, discriminated by `type`.')
  })
  .strict();
export type CommandRequest = z.infer<typeof CommandRequest>;

/** Client → server: leave a session's board. */
export const LeaveRequest = z.object({ sessionId: Uuid }).strict();
export type LeaveRequest = z.infer<typeof LeaveRequest>;

/** Server → client: one event of the log, for a role allowed to see it. */
export const EventMessage = z
  .object({
    sessionId: Uuid,
    seq: z.number().int().positive().describe('The event\'s position in this role\'s numbering of the log.'),
    prevSeq: Seq.describe('The `seq` of the previous event this role was sent (0 for the first): a client whose last seq is lower has missed one.'),
    event: BoardEvent
  })
  .strict();
export type EventMessage = Frozen<z.infer<typeof EventMessage>>;

const Failure = z.object({ ok: z.literal(false), error: WireError }).strict();

/** A member's private stream in a join answer: its position, and what they missed of it (resume). */
const PrivateStream = z
  .object({
    seq: Seq.describe('The position in this member\'s private numbering after this answer.'),
    events: z.array(EventMessage).describe('Private events missed since `lastPrivateSeq` (resume); empty in a snapshot, whose state holds them.')
  })
  .strict()
  .describe('Members only: what is for this member alone, numbered apart (1, 2, 3 … per member).');

const joined = {
  ok: z.literal(true),
  protocol: z.number().int().describe('The server\'s PROTOCOL_VERSION.'),
  sessionId: Uuid,
  role: Role.describe('Decided by the server: a member token gives `member`; a clinician gets their role in the session\'s group.'),
  seq: Seq.describe('The position the client is at after applying this answer.'),
  serverTime: ServerTime,
  private: PrivateStream.optional()
};

/** Answer to `join`: a snapshot of the role's view, or the events missed since `lastSeq`. */
export const JoinResult = z.union([
  z.object({ ...joined, mode: z.literal('snapshot'), state: BoardView }).strict(),
  z.object({ ...joined, mode: z.literal('resume'), events: z.array(EventMessage).describe('The events this role missed, in order.') }).strict(),
  Failure
]);
export type JoinResult = Frozen<z.infer<typeof JoinResult>>;

/** Answer to `command`. `duplicate` is true when the id was seen before and nothing new happened. */
export const CommandResult = z.union([
  z
    .object({
      ok: z.literal(true),
      seq: Seq.describe('The log position of the command\'s last event (for members, in members\' numbering).'),
      serverTime: ServerTime,
      duplicate: z.boolean().describe('This id was applied before; nothing new happened now.')
    })
    .strict(),
  Failure
]);
export type CommandResult = Frozen<z.infer<typeof CommandResult>>;

export const LeaveResult = z.union([z.object({ ok: z.literal(true) }).strict(), Failure]);
export type LeaveResult = Frozen<z.infer<typeof LeaveResult>>;

/** Whether a connection is up, or dropped and expected back (within the reconnect grace). */
export const PresenceState = z.enum(['connected', 'reconnecting']);
export type PresenceState = z.infer<typeof PresenceState>;

/** One person connected to a session's board, as clinicians see them. */
export const PresencePerson = z
  .object({
    key: z.string().describe('Stable per person: an account id, or a roster member id.'),
    role: Role,
    name: z.string().describe('A clinician\'s display name, or a member\'s alias.'),
    state: PresenceState
  })
  .strict();
export type PresencePerson = Frozen<z.infer<typeof PresencePerson>>;

/**
 * Who is at the board now. Clinicians see everyone; members see other members by alias only, and that
 * an observer is present (consent) but never who, nor any clinician's name.
 */
export const PresenceView = z.discriminatedUnion('audience', [
  z
    .object({
      sessionId: Uuid,
      audience: z.literal('clinician'),
      people: z.array(PresencePerson).describe('Facilitators first, then supervisors, then members; one line per person.')
    })
    .strict(),
  z
    .object({
      sessionId: Uuid,
      audience: z.literal('member'),
      members: z.array(z.object({ alias: z.string(), state: PresenceState }).strict()).describe('Members at the board by alias, sorted by alias.'),
      facilitators: z.number().int().nonnegative().describe('Facilitators present (connected or reconnecting).'),
      observed: z.boolean().describe('A supervisor is present: members have a right to know, never who.')
    })
    .strict()
]);
export type PresenceView = Frozen<z.infer<typeof PresenceView>>;

/** A message on the /board namespace: its payload, and for client messages the acknowledgement. */
export interface BoardMessageSpec {
  readonly direction: 'client' | 'server';
  readonly summary: string;
  readonly payload: z.ZodType;
  /** The acknowledgement the server answers a client message with. */
  readonly reply?: z.ZodType;
}

/**
 * Every Socket.IO message of the /board namespace. The event maps below and the generated contract
 * both come from this table, so a message cannot exist on one side only.
 */
export const BOARD_MESSAGES = {
  join: {
    direction: 'client',
    summary: 'Join a session\'s board: the answer is the role\'s view as a snapshot, or the events missed since `lastSeq`.',
    payload: JoinRequest,
    reply: JoinResult
  },
  command: {
    direction: 'client',
    summary: 'Send one command to a joined session. `ok: true` means its events are committed (durable).',
    payload: CommandRequest,
    reply: CommandResult
  },
  leave: {
    direction: 'client',
    summary: 'Stop receiving a session\'s events on this socket, and leave its presence at once.',
    payload: LeaveRequest,
    reply: LeaveResult
  },
  event: { direction: 'server', summary: 'One event of the session\'s log, to each role allowed to see it.', payload: EventMessage },
  private: {
    direction: 'server',
    summary: 'An event for this member alone (a resource shared privately), to that member\'s connections only, in their private numbering.',
    payload: EventMessage
  },
  presence: {
    direction: 'server',
    summary: 'Who is at the session\'s board now, as this socket\'s role may know it. Not part of the log; each replaces the last.',
    payload: PresenceView
  },
  protocol_error: {
    direction: 'server',
    summary: 'A message the server could not answer through an acknowledgement (it was sent without one).',
    payload: WireError
  },
  alert: {
    direction: 'server',
    summary: 'A crisis flag in a session of a group the clinician works in, on every socket of theirs (any Hearth page, joined to a session or not), within a second or two: raised, acknowledged, or resolved. Clinicians only.',
    payload: CrisisAlert
  },
  revoked: {
    direction: 'server',
    summary: 'The server ends this connection\'s access (logout, expiry, revoked invite: UNAUTHENTICATED; a clinician removed from the group\'s staff or given another role there: FORBIDDEN), then disconnects the socket.',
    payload: WireError
  }
} as const satisfies Record<string, BoardMessageSpec>;

/** Socket.IO event map, client → server. */
export interface ClientToServerEvents {
  join: (req: JoinRequest, ack: (res: JoinResult) => void) => void;
  command: (req: CommandRequest, ack: (res: CommandResult) => void) => void;
  leave: (req: LeaveRequest, ack: (res: LeaveResult) => void) => void;
}

/** Socket.IO event map, server → client. */
export interface ServerToClientEvents {
  event: (msg: EventMessage) => void;
  /** An event for this member alone, numbered in their private numbering. */
  private: (msg: EventMessage) => void;
  presence: (view: PresenceView) => void;
  protocol_error: (error: WireError) => void;
  revoked: (error: WireError) => void;
  alert: (alert: CrisisAlert) => void;
}

/** The event maps name exactly the messages of the table (checked by the compiler). */
type ClientMessages = { [K in keyof typeof BOARD_MESSAGES]: (typeof BOARD_MESSAGES)[K]['direction'] extends 'client' ? K : never }[keyof typeof BOARD_MESSAGES];
type ServerMessages = Exclude<keyof typeof BOARD_MESSAGES, ClientMessages>;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
export type EventMapsMatchTable = Assert<Same<ClientMessages, keyof ClientToServerEvents> & Same<ServerMessages, keyof ServerToClientEvents>>;
