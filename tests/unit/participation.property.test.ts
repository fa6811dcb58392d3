import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { balanceIndex, gini } from '../../shared/src/participation/balance.ts';
import { computeMeasures, type Measures } from '../../shared/src/participation/measures.ts';
import { nudges } from '../../shared/src/participation/nudges.ts';
import { balanceTrend } from '../../shared/src/participation/trend.ts';
import type { ParticipationSettings, Turn } from '../../shared/src/participation/types.ts';
import { MIN, T0 } from './participationFixtures.ts';

/** Members a–f may be present; x speaks but is never present. */
const POOL = ['a', 'b', 'c', 'd', 'e', 'f'] as const;
const ITEMS = [null, 'check-in', 'skills'] as const;

const memberTurn: fc.Arbitrary<Turn> = fc
  .record({
    memberId: fc.constantFrom(...POOL, 'x'),
    start: fc.integer({ min: 0, max: 180 * MIN }),
    // Mostly ordinary turns; some running, some of no length, some ending before they began.
    length: fc.oneof(fc.integer({ min: 0, max: 20 * MIN }), fc.constant(null), fc.integer({ min: -MIN, max: -1 })),
    itemId: fc.constantFrom(...ITEMS)
  })
  .map(({ memberId, start, length, itemId }) => ({
    speaker: { kind: 'member', memberId },
    start: T0 + start,
    end: length === null ? null : T0 + start + length,
    itemId
  }));

const facilitatorTurn: fc.Arbitrary<Turn> = fc
  .record({ start: fc.integer({ min: 0, max: 180 * MIN }), length: fc.option(fc.nat(20 * MIN)), itemId: fc.constantFrom(...ITEMS) })
  .map(({ start, length, itemId }) => ({ speaker: { kind: 'facilitator' }, start: T0 + start, end: length === null ? null : T0 + start + length, itemId }));

const present = fc.shuffledSubarray([...POOL]);
const now = fc.integer({ min: 0, max: 200 * MIN }).map((x) => T0 + x);
const anySettings: fc.Arbitrary<ParticipationSettings> = fc.record({
  quietFraction: fc.double({ min: 0.05, max: 1, noNaN: true }),
  quietAfterMinutes: fc.integer({ min: 1, max: 240 }),
  silentMinutes: fc.integer({ min: 1, max: 240 }),
  dominanceMultiple: fc.double({ min: 1.1, max: 10, noNaN: true })
});
const session = fc.record({ turns: fc.array(memberTurn, { maxLength: 60 }), present, now, settings: anySettings });

const measure = (s: { turns: readonly Turn[]; present: readonly string[]; now: number; settings: ParticipationSettings }, itemId?: string | null): Measures =>
  computeMeasures({ ...s, sessionStartedAt: T0, ...(itemId !== undefined && { itemId }) });

const values = fc.array(fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e7, noNaN: true })), { maxLength: 20 });

describe('balanceIndex and gini, for any talk times', () => {
  it('stay in range: index in [0, 1], Gini in [0, 1), both null exactly when nothing was said', () => {
    fc.assert(
      fc.property(values, (xs) => {
        const index = balanceIndex(xs);
        const g = gini(xs);
        const nothing = !xs.some((x) => x > 0);
        expect(index === null).toBe(nothing);
        expect(g === null).toBe(nothing);
        if (index !== null && g !== null) {
          expect(index).toBeGreaterThanOrEqual(0);
          expect(index).toBeLessThanOrEqual(1);
          expect(g).toBeGreaterThanOrEqual(0);
          expect(g).toBeLessThan(1);
        }
      })
    );
  });

  it('ignore order exactly', () => {
    fc.assert(
      fc.property(values, fc.infiniteStream(fc.nat()), (xs, seeds) => {
        const shuffled = [...xs].sort(() => (seeds.next().value % 3) - 1);
        expect(balanceIndex(shuffled)).toBe(balanceIndex(xs));
        expect(gini(shuffled)).toBe(gini(xs));
      })
    );
  });
});

describe('computeMeasures, for any session', () => {
  it('gives shares summing to 1 once a member spoke, and all 0 before; figures in range', () => {
    fc.assert(
      fc.property(session, (s) => {
        const m = measure(s);
        expect(m.members).toHaveLength(s.present.length);
        const sum = m.members.reduce((acc, x) => acc + x.share, 0);
        if (m.totalMemberTalkMs > 0) {
          expect(sum).toBeCloseTo(1, 12);
          expect(m.balanceIndex).not.toBeNull();
        } else {
          expect(sum).toBe(0);
          expect(m.balanceIndex).toBeNull();
          expect(m.gini).toBeNull();
        }
        if (m.balanceIndex !== null) expect(m.balanceIndex).toBeGreaterThanOrEqual(0);
        if (m.balanceIndex !== null) expect(m.balanceIndex).toBeLessThanOrEqual(1);
        if (m.gini !== null) expect(m.gini).toBeLessThan(1);
        for (const x of m.members) {
          expect(x.talkMs).toBeGreaterThanOrEqual(0);
          expect(x.dominant && x.quiet === 'low-share').toBe(false);
        }
      })
    );
  });

  it('changes nothing but order when the roster is permuted', () => {
    fc.assert(
      fc.property(session, fc.infiniteStream(fc.nat()), (s, seeds) => {
        const permuted = [...s.present].sort(() => (seeds.next().value % 3) - 1);
        const a = measure(s);
        const b = measure({ ...s, present: permuted });
        const byId = (m: Measures) => [...m.members].sort((x, y) => x.memberId.localeCompare(y.memberId));
        expect(byId(b)).toEqual(byId(a));
        expect(b.members.map((x) => x.memberId)).toEqual(permuted);
        expect([b.balanceIndex, b.gini, b.totalMemberTalkMs, b.fairShare]).toEqual([a.balanceIndex, a.gini, a.totalMemberTalkMs, a.fairShare]);
      })
    );
  });

  it('changes no member measure when facilitator turns are added', () => {
    fc.assert(
      fc.property(session, fc.array(facilitatorTurn, { maxLength: 20 }), fc.nat(), (s, extra, at) => {
        const mixed = [...s.turns];
        extra.forEach((t, i) => mixed.splice((at + i) % (mixed.length + 1), 0, t));
        const a = measure(s);
        const b = measure({ ...s, turns: mixed });
        expect(b.members).toEqual(a.members);
        expect([b.balanceIndex, b.gini, b.totalMemberTalkMs]).toEqual([a.balanceIndex, a.gini, a.totalMemberTalkMs]);
        expect(b.facilitatorTurns).toBe(extra.filter((t) => t.start <= s.now).length);
      })
    );
  });

  it('splits the session exactly into its agenda items', () => {
    fc.assert(
      fc.property(session, (s) => {
        const whole = measure(s);
        const parts = ITEMS.map((item) => measure(s, item));
        s.present.forEach((_, i) => {
          expect(parts.reduce((acc, p) => acc + p.members[i]!.talkMs, 0)).toBe(whole.members[i]!.talkMs);
          expect(parts.reduce((acc, p) => acc + p.members[i]!.turns, 0)).toBe(whole.members[i]!.turns);
        });
      })
    );
  });

  it('matches the trend line at every sampled moment', () => {
    fc.assert(
      fc.property(session, fc.integer({ min: 1, max: 40 }), (s, points) => {
        const line = balanceTrend({ turns: s.turns, present: s.present, from: T0, to: s.now, points });
        expect(line).toHaveLength(points);
        for (const p of line) {
          const m = measure({ ...s, now: p.at });
          if (m.balanceIndex === null) expect(p.index).toBeNull();
          else expect(p.index).toBeCloseTo(m.balanceIndex, 12);
        }
      })
    );
  });

  it('words exactly one nudge per flag, most pressing kind first', () => {
    fc.assert(
      fc.property(session, (s) => {
        const m = measure(s);
        const out = nudges(m, (id) => id.toUpperCase());
        const flags = m.members.reduce((acc, x) => acc + (x.dominant ? 1 : 0) + (x.quiet ? 1 : 0), 0);
        expect(out).toHaveLength(flags);
        const rank = { dominant: 0, silent: 1, 'low-share': 2 } as const;
        const ranks = out.map((x) => rank[x.kind]);
        expect(ranks).toEqual([...ranks].sort((x, y) => x - y));
        for (const x of out) expect(x.text.startsWith(x.memberId.toUpperCase())).toBe(true);
      })
    );
  });
});
