import { performance } from 'node:perf_hooks';
import { computeMeasures, type Measures } from '../shared/src/participation/measures.ts';
import { nudges } from '../shared/src/participation/nudges.ts';
import { balanceTrend } from '../shared/src/participation/trend.ts';
import { DEFAULT_PARTICIPATION_SETTINGS, type Turn } from '../shared/src/participation/types.ts';
import { quantile, summarize, type BenchResult } from './stats.ts';

const WARMUP = 300;
const RUNS = 2000;
const MIN = 60_000;
const START = Date.UTC(2025, 0, 7, 17, 0, 0);
const SESSION_MS = 180 * MIN;
const TURNS = 2000;
const MEMBERS = Array.from({ length: 12 }, (_, i) => `member-${i + 1}`);
const ITEMS = ['check-in', 'review', 'skill', 'practice', 'open', 'check-out'];
const TREND_POINTS = 181; // one a minute

/** mulberry32: a small seeded PRNG, so every run measures the same session. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A 3-hour session of 2,000 turns back to back (with short pauses), six 30-minute agenda items, twelve
 * members with uneven weights (one talks a lot, one hardly, one never), a facilitator taking about one
 * turn in five, and the last turn still running.
 */
function buildSession(): Turn[] {
  const random = prng(20250107);
  const weights = MEMBERS.map((_, i) => (i === 0 ? 6 : i === 11 ? 0 : i === 10 ? 0.2 : 1 + random() * 2));
  const totalWeight = weights.reduce((s, w) => s + w, 0);
  const pick = (): string => {
    let r = random() * totalWeight;
    for (let i = 0; i < weights.length; i++) if ((r -= weights[i]!) < 0) return MEMBERS[i]!;
    return MEMBERS[0]!;
  };
  const slot = SESSION_MS / TURNS;
  const turns: Turn[] = [];
  for (let i = 0; i < TURNS; i++) {
    const start = START + Math.round(i * slot + random() * slot * 0.2);
    const end = i === TURNS - 1 ? null : start + Math.round(slot * (0.5 + random() * 0.3));
    const itemId = ITEMS[Math.min(ITEMS.length - 1, Math.floor((start - START) / (30 * MIN)))]!;
    const speaker: Turn['speaker'] = random() < 0.2 ? { kind: 'facilitator' } : { kind: 'member', memberId: pick() };
    turns.push({ speaker, start, end, itemId });
  }
  return turns;
}

/** Everything the board derives about participation at one moment: session, each item, nudges, trend. */
function everything(turns: readonly Turn[], now: number): number {
  const base = { turns, present: MEMBERS, now, sessionStartedAt: START, settings: DEFAULT_PARTICIPATION_SETTINGS };
  const session: Measures = computeMeasures(base);
  let sink = session.balanceIndex ?? 0;
  for (const itemId of ITEMS) sink += computeMeasures({ ...base, itemId }).gini ?? 0;
  sink += nudges(session, (id) => id).length;
  sink += balanceTrend({ turns, present: MEMBERS, from: START, to: now, points: TREND_POINTS }).length;
  return sink;
}

/** The floor any pass over the turns pays: a bare loop summing their durations. */
function sumTalk(turns: readonly Turn[], now: number): number {
  let total = 0;
  for (let i = 0; i < turns.length; i++) {
    const t = turns[i]!;
    total += (t.end ?? now) - t.start;
  }
  return total;
}

function time(run: () => number): number[] {
  const samples: number[] = [];
  let sink = 0;
  for (let n = 0; n < WARMUP + RUNS; n++) {
    const t0 = performance.now();
    sink += run();
    const t = performance.now() - t0;
    if (n >= WARMUP) samples.push(t);
  }
  // Keep the result observable so the work cannot be optimized away.
  if (Number.isNaN(sink)) throw new Error('benchmark produced NaN');
  return samples;
}

/** Participation measures in process: pure functions, no server. */
export function participationBenchmarks(): Record<string, BenchResult> {
  const turns = buildSession();
  const now = START + SESSION_MS;
  const baseline = time(() => sumTalk(turns, now));
  const all = time(() => everything(turns, now));
  const ratio = (quantile(all, 0.5) / quantile(baseline, 0.5)).toFixed(0);
  return {
    'participation.sum_talk_baseline': summarize(
      baseline,
      `A bare loop summing the durations of the same ${TURNS} turns: the floor of any pass over them. ${RUNS} runs after ${WARMUP} warm-up.`
    ),
    'participation.measures_2000_turns': summarize(
      all,
      `All participation measures of a 3-hour session (${TURNS} turns, ${MEMBERS.length} members, ${ITEMS.length} agenda items, seeded): ` +
        `the whole session, each item (${ITEMS.length + 1} passes of computeMeasures), the nudges and a ${TREND_POINTS}-point balance trend. ` +
        `${ratio}× the bare summing loop's median. ${RUNS} runs after ${WARMUP} warm-up.`,
      'participation.sum_talk_baseline'
    )
  };
}
