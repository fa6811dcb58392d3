import type { BoardState, Speaker } from '@hearth/shared';
import type { BoardActions } from '../board/BoardActions.ts';
import type { SendOutcome } from '../live/BoardConnection.svelte.ts';
import { sameSpeaker } from './speakerName.ts';

/** What a tap that sends nothing answers: there was nothing to do (or a floor action is already on its way). */
const DONE: SendOutcome = { ok: true, duplicate: false };

/**
 * The facilitator's floor controls, shared by the Floor panel's buttons and the 0–9 / Esc keys.
 * One floor action is in flight at a time, so a double tap is not two turns; a tap made meanwhile is
 * kept (the latest one wins) and sent once the first is answered, so quick taps on a slow connection
 * are not lost. A tap that would change nothing (giving the floor to whoever already holds it) is not
 * sent, so it cannot raise a "not done" notice in the middle of a session.
 */
export class FloorDesk {
  readonly #actions: BoardActions;
  readonly #board: () => BoardState | null;
  #busy = $state(false);
  /** The latest tap made while another was in flight. */
  #next: (() => Promise<SendOutcome>) | null = null;

  constructor(actions: BoardActions, board: () => BoardState | null) {
    this.#actions = actions;
    this.#board = board;
  }

  /** A floor action is on its way to the server. */
  get busy(): boolean {
    return this.#busy;
  }

  /** Turns can only start and end while the session is live. */
  get live(): boolean {
    return this.#board()?.status === 'live';
  }

  give = (speaker: Speaker): Promise<SendOutcome> =>
    this.#once(() => {
      // Checked when sent, not when tapped: a kept tap meets the floor as it is by then.
      const floor = this.#board()?.floor;
      if (floor && sameSpeaker(floor.speaker, speaker)) return Promise.resolve(DONE);
      return this.#actions.giveFloor(speaker);
    });

  /** Keys 1–9: the roster member in that place; 0: the facilitator. */
  giveByKey = (key: number): Promise<SendOutcome> => {
    if (key === 0) return this.give({ kind: 'facilitator' });
    const entry = this.#board()?.roster[key - 1];
    return entry ? this.give({ kind: 'member', memberId: entry.memberId }) : Promise.resolve(DONE);
  };

  /** Nobody: ends the turn in progress, leaving the floor open. */
  end = (): Promise<SendOutcome> => this.#once(() => (this.#board()?.floor ? this.#actions.endTurn() : Promise.resolve(DONE)));

  giveFirstHand = (): Promise<SendOutcome> =>
    this.#once(() => (this.#board()?.hands.length ? this.#actions.giveFirstHand() : Promise.resolve(DONE)));

  lowerHand = (memberId: string): Promise<SendOutcome> => this.#actions.lowerHand(memberId);

  async #once(action: () => Promise<SendOutcome>): Promise<SendOutcome> {
    if (!this.live) return DONE;
    if (this.#busy) {
      this.#next = action;
      return DONE;
    }
    this.#busy = true;
    try {
      let outcome = await action();
      for (let next = this.#next; next; next = this.#next) {
        this.#next = null;
        if (this.live) outcome = await next();
      }
      return outcome;
    } finally {
      this.#busy = false;
    }
  }
}
