import type { PresenceView, Role } from '@hearth/shared';
import { errorMessage, type Logger } from '../log.ts';
import { reconcileAttendance, recordPresence, type AttendanceBoard } from './attendance.ts';
import type { ConnRef, PresenceStore, PresenceConn, PresenceEntry, PresenceTimings } from './PresenceStore.ts';
import { clinicianView, memberView, people } from './presenceViews.ts';

/** Where views go: this instance's sockets only (every instance tells its own). */
export interface PresenceOutlet {
  /** To this instance's sockets of one role in one session. */
  toRole(sessionId: string, role: Role, view: PresenceView): void;
  /** To one of this instance's connections. */
  toConn(connId: string, view: PresenceView): void;
}

type Audience = 'clinician' | 'member';
const audienceOf = (role: Role): Audience => (role === 'member' ? 'member' : 'clinician');
const ROLES_OF: Readonly<Record<Audience, readonly Role[]>> = { clinician: ['facilitator', 'supervisor'], member: ['member'] };

/** A session this instance has sockets in. */
interface Watched {
  readonly conns: Map<string, PresenceEntry>;
  /** The last view each audience's room was sent, as JSON: only changes are sent again. */
  readonly sent: Partial<Record<Audience, string>>;
  /** Connections that joined and have not been sent a view yet. */
  readonly pending: Set<string>;
  /** The members present at the last attendance check, sorted and joined. */
  members: string | null;
  running: Promise<void> | null;
  again: boolean;
  force: boolean;
}


/**
 * Presence for this instance's sockets: joins, drops and leaves them in the store, heartbeats them,
 * sends each role room its view when it changes (and each new socket the current one), and keeps
 * members' durable attendance in step — member.connect when they arrive, member.disconnect when their
 * last connection is gone past the grace, on whichever instance notices first.
 */
export class LivePresence {
  private readonly sessions = new Map<string, Watched>();

  /** How many connections this instance keeps in presence (for the metrics). */
  get connections(): number {
    let n = 0;
    for (const w of this.sessions.values()) n += w.conns.size;
    return n;
  }
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private ticking = false;
  private ticks = 0;

  constructor(
    private readonly store: PresenceStore,
    private readonly board: AttendanceBoard,
    private readonly outlet: PresenceOutlet,
    /** With how often every watched session's attendance is checked against its board (`reconcileMs`). */
    private readonly timings: PresenceTimings & { readonly reconcileMs: number },
    private readonly logger: Logger
  ) {
    store.onChange((sessionId) => this.schedule(sessionId));
  }

  /** Starts heartbeating and sweeping every heartbeat interval. */
  start(): void {
    this.timer ??= setInterval(() => this.track(this.tick()), this.timings.heartbeatMs);
    this.timer.unref();
  }

  /** Stops the timers and waits for work in flight; the store is closed by its owner. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  /**
   * A socket joined a session. A member's connection that is new here also records their arrival
   * (the domain answers NOTHING_CHANGED when they were already connected, e.g. from another device).
   */
  async join(entry: PresenceEntry): Promise<void> {
    let w = this.sessions.get(entry.sessionId);
    if (!w) this.sessions.set(entry.sessionId, (w = { conns: new Map(), sent: {}, pending: new Set(), members: null, running: null, again: false, force: false }));
    const fresh = !w.conns.has(entry.connId);
    w.conns.set(entry.connId, entry);
    w.pending.add(entry.connId);
    try {
      await this.store.join(entry);
    } catch (e) {
      // The next heartbeat finds it missing and joins it again.
      this.logger.debug('presence join failed', { error: errorMessage(e) });
    }
    if (fresh && entry.role === 'member') await recordPresence(this.board, entry.sessionId, entry.key, 'member.connect', this.logger);
    this.schedule(entry.sessionId);
  }

  /** The connection closed unexpectedly (network, crash of the page): reconnecting for the grace period. */
  drop(connId: string): void {
    this.end(connId, null, (ref) => this.store.drop(ref));
  }

  /** The connection left on purpose (`leave`, or the server ended it): gone at once. */
  leave(connId: string, sessionId: string | null): void {
    this.end(connId, sessionId, (ref) => this.store.leave(ref));
  }

  private end(connId: string, only: string | null, op: (ref: ConnRef) => Promise<void>): void {
    for (const [sessionId, w] of this.sessions) {
      if ((only !== null && sessionId !== only) || !w.conns.delete(connId)) continue;
      w.pending.delete(connId);
      this.track(
        op({ sessionId, connId }).then(
          () => this.schedule(sessionId),
          (e: unknown) => this.logger.debug('presence update failed', { error: errorMessage(e) })
        )
      );
    }
  }

  /** One heartbeat: keep local connections alive, take over vacated sessions, refresh what is watched. */
  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const force = ++this.ticks % Math.max(1, Math.round(this.timings.reconcileMs / this.timings.heartbeatMs)) === 0;
      const refs = [...this.sessions].flatMap(([sessionId, w]) => [...w.conns.keys()].map((connId) => ({ sessionId, connId })));
      try {
        if (refs.length > 0) {
          // Expired (this process stalled past the TTL) or lost with a Redis restart: announce them again.
          for (const ref of await this.store.heartbeat(refs)) {
            const entry = this.sessions.get(ref.sessionId)?.conns.get(ref.connId);
            if (!entry) continue;
            await this.store.join(entry);
            // Another instance may have recorded this member as gone meanwhile, and this process,
            // stalled, may not have heard it yet: check attendance now, on the log.
            if (entry.role === 'member') {
              this.board.heard.distrust(ref.sessionId);
              this.sessions.get(ref.sessionId)!.force = true;
            }
          }
        }
        if (this.store.settled()) {
          for (const sessionId of await this.store.claimVacated()) {
            await reconcileAttendance(this.board, sessionId, () => this.presentMembers(sessionId), this.logger).catch((e: unknown) =>
              this.logger.error('attendance check failed', { sessionId, error: errorMessage(e) })
            );
          }
        }
      } catch (e) {
        this.logger.debug('presence heartbeat failed', { error: errorMessage(e) });
      }
      for (const sessionId of this.sessions.keys()) this.schedule(sessionId, force);
    } finally {
      this.ticking = false;
    }
  }

  /**
   * A session's connections, or null when the store is unsettled before or after the read: a list
   * answered by a Redis that just came back (maybe empty) must not pass for people leaving.
   */
  private async settledList(sessionId: string): Promise<PresenceConn[] | null> {
    if (!this.store.settled()) return null;
    const conns = await this.store.list(sessionId);
    return this.store.settled() ? conns : null;
  }

  private async presentMembers(sessionId: string): Promise<ReadonlySet<string> | null> {
    const conns = await this.settledList(sessionId);
    return conns && new Set(conns.filter((c) => c.role === 'member').map((c) => c.key));
  }

  /** Refreshes a watched session, one refresh at a time per session; asks made meanwhile run once after. */
  private schedule(sessionId: string, force = false): void {
    const w = this.sessions.get(sessionId);
    if (!w) return;
    w.force ||= force;
    if (w.running) {
      w.again = true;
      return;
    }
    const run = async () => {
      do {
        w.again = false;
        const f = w.force;
        w.force = false;
        try {
          await this.refresh(sessionId, w, f);
        } catch (e) {
          this.logger.debug('presence refresh failed', { sessionId, error: errorMessage(e) });
        }
      } while (w.again);
      w.running = null;
    };
    w.running = run();
    this.track(w.running);
  }

  private async refresh(sessionId: string, w: Watched, forceReconcile: boolean): Promise<void> {
    if (w.conns.size === 0) {
      // Nobody here to tell; whoever still watches the session (or claims it when vacated) takes over.
      if (this.sessions.get(sessionId) === w) this.sessions.delete(sessionId);
      return;
    }
    // Those who join while this runs are served by the next run.
    const pending = [...w.pending];
    // Right after a Redis outage the store may be missing connections not yet heartbeated again:
    // showing it would make people vanish and come back. The next tick tries again.
    const conns = await this.settledList(sessionId);
    if (!conns) {
      w.force ||= forceReconcile;
      return;
    }
    const everyone = people(conns);
    const views: Record<Audience, PresenceView> = { clinician: clinicianView(sessionId, everyone), member: memberView(sessionId, everyone) };
    const toRoom = new Set<Audience>();
    for (const audience of ['clinician', 'member'] as const) {
      const json = JSON.stringify(views[audience]);
      if (w.sent[audience] === json) continue;
      w.sent[audience] = json;
      toRoom.add(audience);
      for (const role of ROLES_OF[audience]) this.outlet.toRole(sessionId, role, views[audience]);
    }
    for (const connId of pending) {
      w.pending.delete(connId);
      const entry = w.conns.get(connId);
      if (entry && !toRoom.has(audienceOf(entry.role))) this.outlet.toConn(connId, views[audienceOf(entry.role)]);
    }

    const members = everyone.filter((p) => p.role === 'member').map((p) => p.key).sort().join(',');
    if (forceReconcile || members !== w.members) {
      await reconcileAttendance(this.board, sessionId, () => this.presentMembers(sessionId), this.logger);
      w.members = members;
    }
  }
}
