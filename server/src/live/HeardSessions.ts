/** One session this instance hears: the highest seq heard, and whether its cached board is known current. */
interface Heard {
  seq: number;
  trusted: boolean;
  /** Raised by each doubt, so that a read begun before it does not make the cache trusted. */
  epoch: number;
}

/**
 * The sessions whose appends by other instances this one hears (its fan-out subscription is up), and
 * what that says of the cached boards: a cache read from the log while hearing, with nothing heard
 * past it and no doubt since (`distrust`), is the end of the log without reading it again.
 */
export class HeardSessions {
  private readonly sessions = new Map<string, Heard>();

  /** This instance hears the session's appends from the other instances from now on. */
  hearing(sessionId: string): void {
    if (!this.sessions.has(sessionId)) this.sessions.set(sessionId, { seq: 0, trusted: false, epoch: 0 });
  }

  /** Another instance appended the session's log up to `seq` (its bundle reached this one). */
  heardUpTo(sessionId: string, seq: number): void {
    const heard = this.sessions.get(sessionId);
    if (heard && seq > heard.seq) heard.seq = seq;
  }

  /** This instance stopped hearing the session's appends. */
  notHearing(sessionId: string): void {
    this.sessions.delete(sessionId);
  }

  /**
   * Appends may have passed this instance by (the bus was away, or the process stalled): the cache
   * of the session — of every session when none is named — is read from the log again before it is trusted.
   */
  distrust(sessionId?: string): void {
    const doubted = sessionId === undefined ? [...this.sessions.values()] : [this.sessions.get(sessionId)];
    for (const heard of doubted) {
      if (!heard) continue;
      heard.trusted = false;
      heard.epoch++;
    }
  }

  /** Called as a read of the session's log begins; what it answers, called once the read is cached, trusts that cache if nothing cast doubt meanwhile. */
  reading(sessionId: string): () => void {
    const heard = this.sessions.get(sessionId);
    if (!heard) return () => undefined;
    const epoch = heard.epoch;
    return () => {
      if (this.sessions.get(sessionId) === heard && heard.epoch === epoch) heard.trusted = true;
    };
  }

  /** Whether a cached board at `seq` is the end of the session's log. */
  current(sessionId: string, seq: number): boolean {
    const heard = this.sessions.get(sessionId);
    return heard !== undefined && heard.trusted && seq >= heard.seq;
  }
}
