import {
  balanceTrend,
  computeMeasures,
  nudges,
  type AgendaItem,
  type BoardState,
  type Measures,
  type Nudge,
  type TrendPoint
} from '@hearth/shared';
import { Ticker } from '../live/Ticker.svelte.ts';
import { aliasOf } from './speakerName.ts';

/** What the measures are taken over: the whole session, or the turns begun during one agenda item. */
export type MeasureScope = 'session' | { readonly itemId: string };

/** Points on the balance trend line: enough for a smooth line, few enough to recompute every second. */
const TREND_POINTS = 48;

/**
 * The participation measures of a live board, recomputed from the turn history on every event and
 * once a second while a turn runs (so a running turn's talk time counts up). Nothing here is sent
 * anywhere: the measures are pure functions of the board the clinician already holds.
 */
export class LiveMeasures {
  readonly #source: () => { readonly board: BoardState; readonly offsetMs: number };
  readonly #ticker = new Ticker(1000);
  #scope = $state<MeasureScope>('session');

  constructor(source: () => { readonly board: BoardState; readonly offsetMs: number }) {
    this.#source = source;
  }

  readonly #scopeItems = $derived.by((): readonly AgendaItem[] => this.#source().board.items.filter((i) => i.firstStartedAt !== null));

  get scope(): MeasureScope {
    const scope = this.#scope;
    // An item removed from the agenda (or not yet started) falls back to the whole session.
    if (scope !== 'session' && !this.#scopeItems.some((i) => i.id === scope.itemId)) return 'session';
    return scope;
  }

  set scope(scope: MeasureScope) {
    this.#scope = scope;
  }

  /**
   * The moment the measures are taken at, on the server's clock: now while the session is live
   * (ticking once a second), its end once it has ended, null before it starts.
   */
  readonly #now = $derived.by((): number | null => {
    const { board, offsetMs } = this.#source();
    if (board.startedAt === null) return null;
    if (board.status === 'ended') return board.endedAt ?? board.startedAt;
    return Math.max(board.startedAt, this.#ticker.now + offsetMs);
  });

  /** The measures over the chosen scope; null before the session starts. */
  readonly #measures = $derived.by((): Measures | null => {
    const scope = this.scope;
    return this.#measure(scope === 'session' ? undefined : scope.itemId);
  });

  /**
   * Always over the whole session, whatever the scope: a member silent for twenty minutes is silent
   * even if the item on screen began two minutes ago.
   */
  readonly #nudges = $derived.by((): readonly Nudge[] => {
    const scope = this.scope;
    const whole = scope === 'session' ? this.#measures : this.#measure(undefined);
    if (!whole) return [];
    const roster = this.#source().board.roster;
    return nudges(whole, (memberId) => aliasOf(roster, memberId));
  });

  /** The balance index over time, from the start of the scope to now. */
  readonly #trend = $derived.by((): readonly TrendPoint[] => {
    const now = this.#now;
    const { board } = this.#source();
    if (now === null || board.startedAt === null) return [];
    const scope = this.scope;
    if (scope === 'session') {
      return balanceTrend({ turns: board.turns, present: board.present, from: board.startedAt, to: now, points: TREND_POINTS });
    }
    const item = this.#scopeItems.find((i) => i.id === scope.itemId);
    const from = item?.firstStartedAt ?? board.startedAt;
    const turns = board.turns.filter((t) => t.itemId === scope.itemId);
    return balanceTrend({ turns, present: board.present, from, to: Math.max(now, from), points: TREND_POINTS });
  });

  /** The items the scope can be narrowed to: those that have been started. */
  get scopeItems(): readonly AgendaItem[] {
    return this.#scopeItems;
  }

  /** The moment the measures are taken at (server clock); null before the session starts. */
  get now(): number | null {
    return this.#now;
  }

  /** The measures over the chosen scope; null before the session starts. */
  get measures(): Measures | null {
    return this.#measures;
  }

  /** Plain-words nudges over the whole session, most pressing first. */
  get nudges(): readonly Nudge[] {
    return this.#nudges;
  }

  /** The balance index from the start of the scope to now. */
  get trend(): readonly TrendPoint[] {
    return this.#trend;
  }

  #measure(itemId: string | undefined): Measures | null {
    const now = this.#now;
    const { board } = this.#source();
    if (now === null || board.startedAt === null) return null;
    return computeMeasures({
      turns: board.turns,
      present: board.present,
      now,
      sessionStartedAt: board.startedAt,
      settings: board.settings,
      ...(itemId !== undefined && { itemId })
    });
  }
}
