import { describe, expect, it } from 'vitest';
import { computeMeasures } from '../../shared/src/participation/measures.ts';
import { nudges } from '../../shared/src/participation/nudges.ts';
import { balanceTrend } from '../../shared/src/participation/trend.ts';
import type { Turn } from '../../shared/src/participation/types.ts';
import { MIN, T0, at, facilitated, said, settings } from './participationFixtures.ts';

const ALIASES: Record<string, string> = { a: 'Maple', b: 'River', c: 'Cedar', d: 'Fern', e: 'Ash', f: 'Birch', g: 'Wren', h: 'Sage' };
const aliasOf = (id: string): string => ALIASES[id] ?? id;

function nudgesAt(turns: readonly Turn[], present: readonly string[], now: number) {
  return nudges(computeMeasures({ turns, present, now: at(now), sessionStartedAt: T0, settings }), aliasOf);
}

describe('nudges', () => {
  it('says nothing when the talk is even', () => {
    expect(nudgesAt([said('a', 0, 10), said('b', 10, 20), said('c', 20, 30)], ['a', 'b', 'c'], 29)).toEqual([]);
  });

  it('puts dominance first, then the longest silence, then low shares, in plain words', () => {
    // Eight present, fair share 12.5% ("13%"). At 40 min c holds 15 of 34 minutes; h never spoke.
    const turns = [
      said('a', 0, 5),
      said('b', 5, 6),
      said('d', 6, 9),
      said('e', 9, 12),
      said('f', 12, 15),
      said('g', 15, 19),
      said('c', 19, 28),
      facilitated(28, 34),
      said('c', 34, null)
    ];
    expect(nudgesAt(turns, ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'], 40)).toEqual([
      { kind: 'dominant', memberId: 'c', text: 'Cedar holds 44% of the talk — fair share is 13%' },
      { kind: 'silent', memberId: 'h', text: "Sage hasn't spoken yet" },
      { kind: 'silent', memberId: 'a', text: "Maple hasn't spoken in 35 min" },
      { kind: 'silent', memberId: 'b', text: "River hasn't spoken in 34 min" },
      { kind: 'silent', memberId: 'd', text: "Fern hasn't spoken in 31 min" },
      { kind: 'silent', memberId: 'e', text: "Ash hasn't spoken in 28 min" },
      { kind: 'silent', memberId: 'f', text: "Birch hasn't spoken in 25 min" },
      { kind: 'silent', memberId: 'g', text: "Wren hasn't spoken in 21 min" }
    ]);
  });

  it('words a low share with rounded percentages, and never rounds a small share down to 0%', () => {
    // Four present (fair 25%): a 4% at 16 min, b a sliver, d nothing yet.
    const turns = [said('a', 0, 0.64), said('b', 0.64, 0.7), said('c', 0.7, 16)];
    expect(nudgesAt(turns, ['a', 'b', 'c', 'd'], 16)).toEqual([
      { kind: 'dominant', memberId: 'c', text: 'Cedar holds 96% of the talk — fair share is 25%' },
      { kind: 'low-share', memberId: 'd', text: 'Fern has had none of the talk — fair share is 25%' },
      { kind: 'low-share', memberId: 'b', text: 'River has had under 1% of the talk — fair share is 25%' },
      { kind: 'low-share', memberId: 'a', text: 'Maple has had 4% of the talk — fair share is 25%' }
    ]);
  });

  it('gives a silent member who once held the floor both nudges', () => {
    const out = nudgesAt([said('a', 0, 30), said('b', 30, 31)], ['a', 'b', 'c'], 51);
    expect(out.filter((x) => x.memberId === 'a').map((x) => x.text)).toEqual([
      'Maple holds 97% of the talk — fair share is 33%',
      "Maple hasn't spoken in 21 min"
    ]);
  });
});

describe('balanceTrend', () => {
  const turns = [said('a', 0, 10), facilitated(10, 12), said('b', 12, 22), said('c', 22, null), said('x', 0, 40)];
  const present = ['a', 'b', 'c'];

  it('samples evenly from `from` to `to`, null before anyone spoke', () => {
    const line = balanceTrend({ turns: [said('a', 5, 10)], present, from: T0, to: at(10), points: 3 });
    expect(line.map((p) => p.at)).toEqual([T0, at(5), at(10)]);
    expect(line.map((p) => p.index)).toEqual([null, null, 0]);
  });

  it('agrees with computeMeasures at every point, counting the running turn up to each point', () => {
    const line = balanceTrend({ turns, present, from: T0, to: at(30), points: 31 });
    expect(line).toHaveLength(31);
    for (const p of line) {
      const m = computeMeasures({ turns, present, now: p.at, sessionStartedAt: T0, settings });
      if (m.balanceIndex === null) expect(p.index).toBeNull();
      else expect(p.index).toBeCloseTo(m.balanceIndex, 12);
    }
    expect(line[10]!.index).toBe(0); // only a has spoken
    expect(line[22]!.index).toBeCloseTo(Math.log(2) / Math.log(3), 12); // a and b even, c not yet
  });

  it('handles no points, one point (taken at `to`), and an empty span', () => {
    expect(balanceTrend({ turns, present, from: T0, to: at(30), points: 0 })).toEqual([]);
    expect(balanceTrend({ turns, present, from: T0, to: at(22), points: 1 })).toEqual([
      { at: at(22), index: expect.closeTo(Math.log(2) / Math.log(3), 12) as number }
    ]);
    const flat = balanceTrend({ turns, present, from: at(22), to: at(22), points: 3 });
    expect(flat.map((p) => p.at)).toEqual([at(22), at(22), at(22)]);
  });

  it('counts talk before `from` in the first point', () => {
    const line = balanceTrend({ turns, present, from: at(15), to: at(20), points: 2 });
    const talk = [10 * MIN, 3 * MIN, 0];
    const total = talk[0]! + talk[1]!;
    const h = -talk.filter((x) => x > 0).reduce((s, x) => s + (x / total) * Math.log(x / total), 0);
    expect(line[0]!.index).toBeCloseTo(h / Math.log(3), 12);
  });
});
