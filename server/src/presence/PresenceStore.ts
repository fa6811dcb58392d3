import { Role, type PresenceState } from '@hearth/shared';
import { z } from 'zod';

/** One connection to one session's board: whose it is and what to call them. */
export interface PresenceEntry {
  readonly sessionId: string;
  /** Unique per connection within the session (the socket id). */
  readonly connId: string;
  /** Stable per person: an account id, or a roster member id. Several connections may share it. */
  readonly key: string;
  readonly role: Role;
  /** A clinician's display name, or a member's alias. */
  readonly name: string;
}

/** A connection as the store lists it now. */
export interface PresenceConn extends PresenceEntry {
  readonly state: PresenceState;
}

/** Names one connection of one session. */
export interface ConnRef {
  readonly sessionId: string;
  readonly connId: string;
}

/**
 * How long things last. Every instance of one deployment must use the same values: they decide
 * when another instance's connections count as gone.
 */
export interface PresenceTimings {
  /** A connection not heartbeated for this long is gone (bounds how long a crashed instance's clients linger). */
  readonly ttlMs: number;
  /** How often each instance heartbeats its connections and sweeps its sessions. */
  readonly heartbeatMs: number;
  /** A dropped connection shows as reconnecting this long, unless the same person comes back first. */
  readonly graceMs: number;
}

/**
 * A connection whose heartbeat is this late shows as reconnecting (its instance may have died), and
 * after a store outage the store is not trusted for departures until every instance has had this long
 * to announce its connections again.
 */
export const staleMs = (t: PresenceTimings): number => 2 * t.heartbeatMs;

/**
 * Who is connected to which session's board now, across every instance. Entries expire: a connection
 * lives while its instance heartbeats it, so a crashed instance's connections leave on their own.
 * Time comes from the adapter's injected clock. Adapters: MemoryPresence (one instance) and
 * RedisPresence (several). Both pass tests/integration/presence.contract.test.ts.
 */
export interface PresenceStore {
  /** Adds or replaces a connection as connected. The same person's dropped connections end at once: they are back. */
  join(entry: PresenceEntry): Promise<void>;
  /**
   * Keeps this instance's open connections alive (one batch for all its sessions). Returns the ones
   * the store no longer has as connected — expired, dropped, or lost with the store — so the caller
   * can join them again.
   */
  heartbeat(conns: readonly ConnRef[]): Promise<ConnRef[]>;
  /** The connection went away unexpectedly: it shows as reconnecting for the grace period, then is gone. */
  drop(conn: ConnRef): Promise<void>;
  /** The connection ended on purpose: gone at once. */
  leave(conn: ConnRef): Promise<void>;
  /** A session's live connections, each with its state. Removes the expired ones. */
  list(sessionId: string): Promise<PresenceConn[]>;
  /**
   * Sessions that had connections and now have none (left, dropped past the grace, or expired). Each
   * vacancy is handed to exactly one caller across all instances, so that one appends the departures.
   */
  claimVacated(limit?: number): Promise<string[]>;
  /**
   * False for a while after the store was unreachable: it may have lost its data, and a connection
   * missing from it may simply not have been heartbeated again yet. Departures are not acted on then;
   * ask before and after a `list`, since the store may come back while the list is under way.
   */
  settled(): boolean;
  /** Calls `listener` when another handle on the same store changes a session (join, drop, leave). */
  onChange(listener: (sessionId: string) => void): void;
  close(): Promise<void>;
}

/**
 * A live connection's state from its expiry time: dropped ones are reconnecting; so are ones whose
 * heartbeat is late, since their instance may be gone.
 */
export function stateAt(expiresAt: number, dropped: boolean, now: number, t: PresenceTimings): PresenceState {
  if (dropped) return 'reconnecting';
  const lastBeat = expiresAt - t.ttlMs;
  return now - lastBeat >= staleMs(t) ? 'reconnecting' : 'connected';
}

/** Connection details as an adapter stores them; parsed at the edge when read back. */
export const StoredDetails = z.object({
  key: z.string(),
  role: Role,
  name: z.string(),
  dropped: z.boolean().optional()
});
export type StoredDetails = z.infer<typeof StoredDetails>;
