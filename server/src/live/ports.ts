import type { Actor, BoardEvent, EventMessage, Role, SessionStatus } from '@hearth/shared';

/**
 * What the live board needs of the world, declared by the board: storage implements the log
 * (store/EventLog), delivery implements the broadcast (live/InOrderDelivery, live/fanout).
 */

/** A transaction the log appends in, handed to a caller's hook (the session row of a session's first command). */
export interface Transaction {
  query<T extends object = object>(text: string, params?: readonly unknown[]): Promise<T[]>;
}

/** An event read back from the log with its place in it. */
export interface StoredEvent {
  readonly seq: number;
  /** Its place among the events members may see; null when members may not. */
  readonly memberSeq: number | null;
  /** Its place among the events for its one member alone; null when it is not for one member. */
  readonly privateSeq: number | null;
  readonly event: BoardEvent;
}

/** A command id already applied, and where its events ended. */
export interface SeenCommand {
  readonly actorId: string;
  readonly lastSeq: number;
}

/** What one accepted command appends. */
export interface Append {
  readonly sessionId: string;
  /** The log position the decision was made at; the events take the next seqs. */
  readonly afterSeq: number;
  readonly events: readonly BoardEvent[];
  /** Each event's member_seq (null for events members may not see), parallel to `events`. */
  readonly memberSeqs: readonly (number | null)[];
  /** Each event's private numbering, for an event for one member alone (else null), parallel to `events`. */
  readonly privateSeqs: readonly ({ readonly to: string; readonly seq: number } | null)[];
  readonly actor: Actor;
  readonly commandId: string;
  /** The session summary after these events, kept beside the log for listings. */
  readonly summary: { readonly title: string; readonly status: Exclude<SessionStatus, 'new'>; readonly scheduledFor: string | null };
}

/** Thrown when another writer appended first: catch up and decide again. */
export class AppendConflict extends Error {
  constructor(readonly sessionId: string) {
    super(`log of session ${sessionId} moved on`);
  }
}

/** The session event log as the board uses it: append-only, sequenced per session. */
export interface BoardLog {
  /** False while storage is known to be away: commands are then refused at once. */
  readonly available?: boolean;
  /** When storage last answered anything (performance.now()), if it keeps count. */
  readonly lastAnswerAt?: number;
  since(sessionId: string, afterSeq: number): Promise<StoredEvent[]>;
  memberSince(sessionId: string, afterMemberSeq: number): Promise<StoredEvent[]>;
  privateSince(sessionId: string, memberId: string, afterPrivateSeq: number): Promise<StoredEvent[]>;
  findCommand(sessionId: string, commandId: string): Promise<SeenCommand | null>;
  /** Appends in one transaction (after `before`); throws AppendConflict when another writer went first. */
  append(input: Append, before?: (tx: Transaction) => Promise<void>): Promise<number>;
}

/** One event as one audience receives it. */
export interface BundleMessage {
  readonly role: Role;
  readonly at: number;
  readonly message: EventMessage;
  /** For one member alone: their roster id. */
  readonly to?: string;
}

/** What one appended command sends: the events afterSeq+1 … seq of one session, per role that may see them. */
export interface EventBundle {
  readonly sessionId: string;
  readonly afterSeq: number;
  readonly seq: number;
  /**
   * Each message with `at`, its event's place in the log (a member's message carries members'
   * numbering). A message with `to` is for that one member's connections, in their private numbering.
   */
  readonly messages: readonly BundleMessage[];
}

/** Where the board sends what it appended: the sockets of every instance, each role its own messages. */
export interface Broadcast {
  /** Sends the messages of one appended command. */
  publish(bundle: EventBundle): void;
  /** This instance has read a session's log up to `seq`: where its delivery of that session starts. */
  caughtUp(sessionId: string, seq: number): void;
}
