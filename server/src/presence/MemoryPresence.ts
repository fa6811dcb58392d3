import type { ConnRef, PresenceStore, PresenceConn, PresenceEntry, PresenceTimings } from './PresenceStore.ts';
import { stateAt } from './PresenceStore.ts';

interface Slot {
  readonly entry: PresenceEntry;
  expiresAt: number;
  dropped: boolean;
}

/** What handles on one in-process store share. */
interface Space {
  readonly sessions: Map<string, Map<string, Slot>>;
  /** Per session that had connections: when its last one ends (the latest expiry). */
  readonly vacancy: Map<string, number>;
  readonly handles: Set<MemoryPresence>;
}

/**
 * Presence in this process's memory: for one instance (no REDIS_URL). Same semantics as
 * RedisPresence, down to expiry by the injected clock; a second handle on the same space stands in
 * for a second instance in the contract suite.
 */
export class MemoryPresence implements PresenceStore {
  private readonly listeners: ((sessionId: string) => void)[] = [];

  constructor(
    private readonly timings: PresenceTimings,
    private readonly now: () => number = Date.now,
    private readonly space: Space = { sessions: new Map(), vacancy: new Map(), handles: new Set() }
  ) {
    space.handles.add(this);
  }

  /** Another handle on the same store, as another instance would have on Redis. */
  sharing(): MemoryPresence {
    return new MemoryPresence(this.timings, this.now, this.space);
  }

  private slots(sessionId: string): Map<string, Slot> {
    let s = this.space.sessions.get(sessionId);
    if (!s) this.space.sessions.set(sessionId, (s = new Map()));
    return s;
  }

  /** Drops expired slots, then records when the session's last connection ends. */
  private prune(sessionId: string, now: number): Map<string, Slot> {
    const slots = this.slots(sessionId);
    for (const [connId, slot] of slots) if (slot.expiresAt <= now) slots.delete(connId);
    return slots;
  }

  /**
   * Records when the session's last connection ends. A session with none left stays due (if it had
   * any since its last claim) and is forgotten.
   */
  private touch(sessionId: string, now: number): void {
    const slots = this.prune(sessionId, now);
    if (slots.size === 0) {
      this.space.sessions.delete(sessionId);
      if (this.space.vacancy.has(sessionId)) this.space.vacancy.set(sessionId, now);
      return;
    }
    let last = now;
    for (const slot of slots.values()) last = Math.max(last, slot.expiresAt);
    this.space.vacancy.set(sessionId, last);
  }

  private changed(sessionId: string): void {
    for (const handle of this.space.handles) {
      if (handle === this) continue;
      for (const l of handle.listeners) l(sessionId);
    }
  }

  async join(entry: PresenceEntry): Promise<void> {
    const now = this.now();
    const slots = this.prune(entry.sessionId, now);
    for (const [connId, slot] of slots) if (slot.entry.key === entry.key && slot.dropped) slots.delete(connId);
    slots.set(entry.connId, { entry: { ...entry }, expiresAt: now + this.timings.ttlMs, dropped: false });
    this.touch(entry.sessionId, now);
    this.changed(entry.sessionId);
  }

  async heartbeat(conns: readonly ConnRef[]): Promise<ConnRef[]> {
    const now = this.now();
    const missing: ConnRef[] = [];
    const touched = new Set<string>();
    for (const ref of conns) {
      const slot = this.space.sessions.get(ref.sessionId)?.get(ref.connId);
      if (!slot || slot.dropped || slot.expiresAt <= now) missing.push({ sessionId: ref.sessionId, connId: ref.connId });
      else slot.expiresAt = now + this.timings.ttlMs;
      touched.add(ref.sessionId);
    }
    for (const sessionId of touched) this.touch(sessionId, now);
    return missing;
  }

  async drop(ref: ConnRef): Promise<void> {
    const now = this.now();
    const slot = this.prune(ref.sessionId, now).get(ref.connId);
    if (slot && !slot.dropped) {
      slot.dropped = true;
      slot.expiresAt = now + this.timings.graceMs;
    }
    this.touch(ref.sessionId, now);
    this.changed(ref.sessionId);
  }

  async leave(ref: ConnRef): Promise<void> {
    const now = this.now();
    this.prune(ref.sessionId, now).delete(ref.connId);
    this.touch(ref.sessionId, now);
    this.changed(ref.sessionId);
  }

  async list(sessionId: string): Promise<PresenceConn[]> {
    const now = this.now();
    const slots = this.space.sessions.has(sessionId) ? this.prune(sessionId, now) : new Map<string, Slot>();
    return [...slots.values()].map((s) => ({ ...s.entry, state: stateAt(s.expiresAt, s.dropped, now, this.timings) }));
  }

  async claimVacated(limit = 100): Promise<string[]> {
    const now = this.now();
    const due: string[] = [];
    for (const [sessionId, last] of this.space.vacancy) {
      if (due.length >= limit) break;
      if (last > now) continue;
      this.space.vacancy.delete(sessionId);
      this.space.sessions.delete(sessionId);
      due.push(sessionId);
    }
    return due;
  }

  settled(): boolean {
    return true;
  }

  onChange(listener: (sessionId: string) => void): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {
    this.space.handles.delete(this);
  }
}
