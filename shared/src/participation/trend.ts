import { balanceIndex } from './balance.ts';
import type { Turn } from './types.ts';

/** The balance index of all member talk up to `at`; null while no present member has spoken. */
export interface TrendPoint {
  readonly at: number;
  readonly index: number | null;
}

export interface TrendInput {
  readonly turns: readonly Turn[];
  /** The roster the index is taken over, held fixed for the whole line (as in `computeMeasures`). */
  readonly present: readonly string[];
  readonly from: number;
  /** The last moment; pass `now` or earlier, since a running turn is taken to last through every point. */
  readonly to: number;
  /** How many evenly spaced moments from `from` to `to`, both included; one point is taken at `to`. */
  readonly points: number;
}

/**
 * The balance index over the session, for the trend line: at each point, the index of the members'
 * cumulative talk up to that moment (the same figure `computeMeasures` gives with `now` at that point).
 * Facilitator turns and turns of members not present are left out.
 *
 * Cost O(turns + points × members), with no sort: a turn's talk up to moment a is
 * ramp(a − start) − ramp(a − end), with ramp(x) = max(x, 0), so per member it is
 * (starts seen − ends seen) · a − (Σ starts seen − Σ ends seen). Each start and end is bucketed to the
 * first point at or after it (a counting sort over the points), then one sweep keeps those four sums.
 */
export function balanceTrend(input: TrendInput): TrendPoint[] {
  const { turns, from } = input;
  const points = Math.max(0, Math.floor(input.points));
  if (points === 0) return [];
  const to = Math.max(input.to, from);
  const span = to - from;

  // Moments relative to `from`, so the sums stay small and exact for whole milliseconds.
  const rel = new Float64Array(points);
  if (points === 1) rel[0] = span;
  else for (let k = 0; k < points; k++) rel[k] = k === points - 1 ? span : (span * k) / (points - 1);

  const slot = new Map<string, number>();
  for (const id of input.present) if (!slot.has(id)) slot.set(id, slot.size);
  const n = slot.size;

  // Each turn gives a +1 event at its start and, once ended, a −1 event at its end.
  const evMember = new Int32Array(turns.length * 2);
  const evTime = new Float64Array(turns.length * 2);
  const evSign = new Int8Array(turns.length * 2);
  const evBucket = new Int32Array(turns.length * 2);
  const perBucket = new Int32Array(points + 1);
  let events = 0;
  const push = (m: number, t: number, sign: number): void => {
    const b = firstPointAtOrAfter(rel, t, span);
    if (b === points) return; // after the last point: never counted
    evMember[events] = m;
    evTime[events] = t;
    evSign[events] = sign;
    evBucket[events] = b;
    perBucket[b] = perBucket[b]! + 1;
    events++;
  };
  for (let i = 0; i < turns.length; i++) {
    const turn = turns[i]!;
    if (turn.speaker.kind !== 'member') continue;
    const m = slot.get(turn.speaker.memberId);
    if (m === undefined) continue;
    // A turn of no length (or a clock glitch, end before start) adds nothing: leave it out whole.
    if (turn.end !== null && turn.end <= turn.start) continue;
    push(m, turn.start - from, 1);
    if (turn.end !== null) push(m, turn.end - from, -1);
  }

  // Counting sort of the events by bucket.
  const firstOf = new Int32Array(points + 1);
  for (let b = 1; b <= points; b++) firstOf[b] = firstOf[b - 1]! + perBucket[b - 1]!;
  const order = new Int32Array(events);
  const fill = firstOf.slice();
  for (let e = 0; e < events; e++) {
    const b = evBucket[e]!;
    order[fill[b]!] = e;
    fill[b] = fill[b]! + 1;
  }

  const open = new Float64Array(n); // starts seen − ends seen
  const sum = new Float64Array(n); // Σ starts seen − Σ ends seen
  const talk = new Float64Array(n);
  const line: TrendPoint[] = [];
  for (let k = 0; k < points; k++) {
    for (let o = firstOf[k]!; o < firstOf[k + 1]!; o++) {
      const e = order[o]!;
      const m = evMember[e]!;
      const sign = evSign[e]!;
      open[m] = open[m]! + sign;
      sum[m] = sum[m]! + sign * evTime[e]!;
    }
    const a = rel[k]!;
    for (let m = 0; m < n; m++) talk[m] = open[m]! * a - sum[m]!;
    line.push({ at: points === 1 || k === points - 1 ? to : from + a, index: balanceIndex(talk) });
  }
  return line;
}

/** Index of the first point at or after t (points when none): an arithmetic guess, then a nudge past rounding. */
function firstPointAtOrAfter(rel: Float64Array, t: number, span: number): number {
  const points = rel.length;
  if (t <= rel[0]!) return 0;
  if (t > rel[points - 1]!) return points;
  let k = span > 0 && points > 1 ? Math.ceil((t / span) * (points - 1)) : 0;
  if (k > points - 1) k = points - 1;
  while (k < points - 1 && rel[k]! < t) k++;
  while (k > 0 && rel[k - 1]! >= t) k--;
  return k;
}
