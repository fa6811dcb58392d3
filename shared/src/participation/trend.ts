import { normalizedEntropy } from './entropy.ts';
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
  /**
   * The last moment; pass `now` or earlier, since a running turn is taken to last through every point.
   * A `to` before `from` is taken as `from`.
   */
  readonly to: number;
  /** How many evenly spaced moments (to the ms) from `from` to `to`, both included; one point is taken at `to`. */
  readonly points: number;
}

/**
 * The balance index over the session, for the trend line: at each point, the index of the members'
 * cumulative talk up to that moment (the same figure `computeMeasures` gives with `now` at that point).
 * Facilitator turns and turns of members not present are left out. Memory is O(points × members).
 *
 * Cost O(turns + points × members), with no sort: a turn's talk up to moment a is
 * ramp(a − start) − ramp(a − end), with ramp(x) = max(x, 0), so per member it is
 * (starts seen − ends seen) · a − (Σ starts seen − Σ ends seen). Each start and end is added to the
 * first point at or after it, then one sweep over the points keeps those two running sums per member.
 */
export function balanceTrend(input: TrendInput): TrendPoint[] {
  const { turns, from } = input;
  const points = Number.isFinite(input.points) ? Math.max(0, Math.floor(input.points)) : 0;
  if (points === 0) return [];
  const to = Math.max(input.to, from);
  const span = to - from;

  // Moments relative to `from`, rounded to whole milliseconds like the event times, so the sums stay
  // exact and each point reads the same talk as computeMeasures at that moment.
  const rel = new Float64Array(points);
  if (points === 1) rel[0] = span;
  else for (let k = 0; k < points; k++) rel[k] = k === points - 1 ? span : Math.round((span * k) / (points - 1));

  const slot = new Map<string, number>();
  for (const id of input.present) if (!slot.has(id)) slot.set(id, slot.size);
  const n = slot.size;

  // Per point and member: turns begun minus turns ended since the previous point, and the same for
  // their (relative) times. O(points × members) memory, the same order as the work of the sweep.
  const dOpen = new Float64Array(points * n);
  const dSum = new Float64Array(points * n);
  for (let i = 0; i < turns.length; i++) {
    const turn = turns[i]!;
    if (turn.speaker.kind !== 'member') continue;
    const m = slot.get(turn.speaker.memberId);
    if (m === undefined) continue;
    // A turn of no length (or a clock glitch, end before start) adds nothing: leave it out whole.
    if (turn.end !== null && turn.end <= turn.start) continue;
    const start = turn.start - from;
    const b = firstPointAtOrAfter(rel, start, span);
    if (b === points) continue; // begins after the last point
    dOpen[b * n + m] = dOpen[b * n + m]! + 1;
    dSum[b * n + m] = dSum[b * n + m]! + start;
    if (turn.end === null) continue;
    const end = turn.end - from;
    const e = firstPointAtOrAfter(rel, end, span);
    if (e === points) continue;
    dOpen[e * n + m] = dOpen[e * n + m]! - 1;
    dSum[e * n + m] = dSum[e * n + m]! - end;
  }

  const open = new Float64Array(n);
  const sum = new Float64Array(n);
  const talk = new Float64Array(n);
  const line: TrendPoint[] = [];
  for (let k = 0; k < points; k++) {
    const a = rel[k]!;
    for (let m = 0, j = k * n; m < n; m++, j++) {
      open[m] = open[m]! + dOpen[j]!;
      sum[m] = sum[m]! + dSum[j]!;
      talk[m] = open[m]! * a - sum[m]!;
    }
    line.push({ at: points === 1 || k === points - 1 ? to : from + a, index: normalizedEntropy(talk) });
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
