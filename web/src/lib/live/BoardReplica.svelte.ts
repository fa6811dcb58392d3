import { boardFromView, evolve, type BoardState, type EventMessage, type JoinResult } from '@hearth/shared';

/** A successful join answer. */
export type JoinedResult = Extract<JoinResult, { ok: true }>;

/** What became of one event message. */
export type Receipt = 'applied' | 'ignored' | 'held' | 'gap';

/**
 * The board as this client holds it: the last snapshot plus the events applied since, in log
 * order. Knows nothing of sockets: it is told what arrived and says when it has missed something.
 */
export class BoardReplica {
  #board = $state.raw<BoardState | null>(null);
  /** Log position #board reflects; null before the first snapshot. */
  #seq: number | null = null;
  /** Position in this member's private stream (what is for them alone); 0 for clinicians. */
  #privateSeq = 0;
  #holding = false;
  #held: EventMessage[] = [];
  #heldPrivate: EventMessage[] = [];

  get board(): BoardState | null {
    return this.#board;
  }

  /** Where to resume from after a drop; null means "send me a snapshot". */
  get seq(): number | null {
    return this.#seq;
  }

  /** Where to resume this member's private stream from, with `seq`. */
  get privateSeq(): number {
    return this.#privateSeq;
  }

  /** A join is in flight: keep arriving events until its answer, which may already contain them. */
  hold(): void {
    this.#holding = true;
  }

  /** The join was abandoned (drop, refusal); held events wait for the next answer. */
  release(): void {
    this.#holding = false;
  }

  /**
   * Applies a join answer (snapshot or the events missed), then what arrived meanwhile. Returns
   * false when a gap remains, so the caller should join again from `seq`.
   */
  applyJoin(result: JoinedResult): boolean {
    if (result.mode === 'snapshot') {
      this.#board = boardFromView(result.state);
    } else {
      let board = this.#board;
      for (const msg of result.events) {
        if (board && (this.#seq === null || msg.seq > this.#seq)) board = evolve(board, msg.event);
      }
      this.#board = board;
    }
    this.#seq = result.seq;
    if (result.private) {
      // A snapshot's state holds the private events already; a resume brings the ones missed.
      let board = this.#board;
      for (const msg of result.private.events) if (board && msg.seq > this.#privateSeq) board = evolve(board, msg.event);
      this.#board = board;
      this.#privateSeq = result.private.seq;
    }
    this.#holding = false;
    const held = this.#held;
    const heldPrivate = this.#heldPrivate;
    this.#held = [];
    this.#heldPrivate = [];
    let complete = true;
    for (const msg of held) if (this.receive(msg) === 'gap') complete = false;
    for (const msg of heldPrivate) if (this.receivePrivate(msg) === 'gap') complete = false;
    return complete;
  }

  /** Takes one event of this member's private stream, by the same rules as the shared one. */
  receivePrivate(msg: EventMessage): Receipt {
    if (this.#holding) {
      this.#heldPrivate.push(msg);
      return 'held';
    }
    if (this.#seq === null || !this.#board || msg.seq <= this.#privateSeq) return 'ignored';
    if (msg.prevSeq > this.#privateSeq) {
      this.#heldPrivate.push(msg);
      return 'gap';
    }
    this.#board = evolve(this.#board, msg.event);
    this.#privateSeq = msg.seq;
    return 'applied';
  }

  /** Takes one live event: applies it in order, ignores a repeat, or reports a gap before it. */
  receive(msg: EventMessage): Receipt {
    if (this.#holding) {
      this.#held.push(msg);
      return 'held';
    }
    if (this.#seq === null || !this.#board || msg.seq <= this.#seq) return 'ignored';
    if (msg.prevSeq > this.#seq) {
      // An event meant for this role never came; keep this one for after the resync.
      this.#held.push(msg);
      return 'gap';
    }
    this.#board = evolve(this.#board, msg.event);
    this.#seq = msg.seq;
    return 'applied';
  }
}
