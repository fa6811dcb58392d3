import type { EventMessage, JoinResult } from '@hearth/shared';

type Joined = Extract<JoinResult, { ok: true }>;
type Channel = 'event' | 'private';

/** JSON with keys sorted: an event read back from Postgres (jsonb) has its keys in another order than as sent live. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** What a socket's events came to, checked against the log. */
export interface LedgerTally {
  /** Copies of an event the socket already had, outside the overlap the protocol allows around a join. */
  duplicated: number;
  /** Events of the log (up to the load's last) that the socket's board never applied. */
  missing: number;
  /** Events applied whose content is not the log's for that seq, or that the log does not have. */
  wrong: number;
  /** Events whose prevSeq was past the board's position when they came (each one is also missing or late). */
  gaps: number;
  /** Live events that came while a join was under way and that its answer held already (ignored by rule 1). */
  overlap: number;
  /** Events that reached the socket in resume answers. */
  replayed: number;
  /** Join answers that were a snapshot where a resume was asked for. */
  snapshots: number;
}

/** One numbering (the shared one, or a member's private one): the board's position and what it received. */
class Stream {
  seq = 0;
  start = 0;
  /** Past this, a snapshot replaced the board: events up to it are not expected one by one. */
  snapshotAt = 0;
  readonly received = new Map<number, string>();
  readonly applied = new Set<number>();

  constructor(private readonly tally: LedgerTally) {}

  /**
   * One copy of an event. `answered` are the seqs of the join answer just applied, when the copy was
   * heard while that join was under way: the protocol lets those repeat (the socket is in the room
   * before the log is read).
   */
  take(m: EventMessage, answered: ReadonlySet<number> = new Set()): void {
    const content = canonical(m.event);
    const prior = this.received.get(m.seq);
    if (prior === undefined) this.received.set(m.seq, content);
    else {
      if (answered.has(m.seq)) this.tally.overlap++;
      else this.tally.duplicated++;
      if (prior !== content) this.tally.wrong++;
    }
    // The protocol's rules: an event at or before the position is already applied; one whose
    // prevSeq is past it shows a gap (the client would join again; here it is counted).
    if (m.seq <= this.seq) return;
    if (m.prevSeq > this.seq) this.tally.gaps++;
    this.applied.add(m.seq);
    this.seq = m.seq;
  }

  /** Compares what was applied with the log's events for this numbering, up to `until`. */
  check(log: readonly EventMessage[], until: number): void {
    const byseq = new Map(log.map((m) => [m.seq, canonical(m.event)]));
    for (const [seq, content] of byseq) {
      if (seq <= this.start || seq > until || seq <= this.snapshotAt) continue;
      if (!this.applied.has(seq)) this.tally.missing++;
      else if (this.received.get(seq) !== content) this.tally.wrong++;
    }
    for (const seq of this.applied) if (seq <= until && !byseq.has(seq)) this.tally.wrong++;
  }
}

/**
 * One socket's board as the protocol's client rules keep it (docs/protocol.md, "Sequencing, gaps
 * and resume"): events that come while a join is under way are held until its answer, then run
 * through the rules; the position follows each answer. Every copy of every event is kept, to be
 * checked afterwards against the log as a fresh resume from the socket's first position reads it.
 */
export class EventLedger {
  readonly tally: LedgerTally = { duplicated: 0, missing: 0, wrong: 0, gaps: 0, overlap: 0, replayed: 0, snapshots: 0 };
  private readonly streams: Record<Channel, Stream> = { event: new Stream(this.tally), private: new Stream(this.tally) };
  private held: { channel: Channel; m: EventMessage }[] | null = null;
  private started = false;
  private closed = false;
  role: Joined['role'] | null = null;

  /** An `event` or `private` message. */
  hear(channel: Channel, m: EventMessage): void {
    if (this.closed) return;
    if (this.held) this.held.push({ channel, m });
    else this.streams[channel].take(m);
  }

  /** A join was sent: hold what comes until its answer. */
  joining(): void {
    this.held ??= [];
  }

  /** The join's answer: the first one sets where the socket starts; later ones resume (or replace) the board. */
  answered(r: Joined): void {
    const { event: shared, private: own } = this.streams;
    const answered: Record<Channel, Set<number>> = { event: new Set(), private: new Set() };
    this.role = r.role;
    if (!this.started) {
      this.started = true;
      shared.start = shared.seq = r.seq;
      own.start = own.seq = r.private?.seq ?? 0;
    } else if (r.mode === 'snapshot') {
      this.tally.snapshots++;
      shared.snapshotAt = shared.seq = r.seq;
      if (r.private) own.snapshotAt = own.seq = r.private.seq;
    } else {
      for (const m of r.events) shared.take(m);
      for (const m of r.private?.events ?? []) own.take(m);
      for (const m of r.events) answered.event.add(m.seq);
      for (const m of r.private?.events ?? []) answered.private.add(m.seq);
      this.tally.replayed += r.events.length + (r.private?.events.length ?? 0);
      shared.seq = Math.max(shared.seq, r.seq);
      if (r.private) own.seq = Math.max(own.seq, r.private.seq);
    }
    const held = this.held ?? [];
    this.held = null;
    for (const { channel, m } of held) this.streams[channel].take(m, answered[channel]);
  }

  /** Where to resume from: the join payload's positions. */
  position(): { lastSeq: number; lastPrivateSeq?: number } {
    return { lastSeq: this.streams.event.seq, ...(this.role === 'member' && { lastPrivateSeq: this.streams.private.seq }) };
  }

  /** Where the socket started: a resume from here lists every event it should have. */
  origin(): { lastSeq: number; lastPrivateSeq?: number } {
    return { lastSeq: this.streams.event.start, ...(this.role === 'member' && { lastPrivateSeq: this.streams.private.start }) };
  }

  /**
   * Stops listening and checks what was applied against `log`, a resume from `origin()` read after
   * the load ended: every event up to `until` (the load's last, in this socket's numbering), and
   * every private one.
   */
  check(log: Extract<Joined, { mode: 'resume' }>, until: number): LedgerTally {
    this.closed = true;
    this.streams.event.check(log.events, until);
    this.streams.private.check(log.private?.events ?? [], Number.POSITIVE_INFINITY);
    return this.tally;
  }
}
