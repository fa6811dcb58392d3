import { describe, expect, it } from 'vitest';
import { balanceIndex, gini } from '../../shared/src/participation/balance.ts';
import { computeMeasures, type MeasuresInput } from '../../shared/src/participation/measures.ts';
import { MIN, T0, at, facilitated, said, settings } from './participationFixtures.ts';

/** Measures at `now` minutes with the default settings; the session started at T0. */
function measure(turns: MeasuresInput['turns'], present: readonly string[], now: number, extra: Partial<MeasuresInput> = {}) {
  return computeMeasures({ turns, present, now: at(now), sessionStartedAt: T0, settings, ...extra });
}

describe('balanceIndex (normalized entropy)', () => {
  it('is 1 when everyone had the same talk time', () => {
    expect(balanceIndex([5, 5, 5, 5])).toBeCloseTo(1, 12);
  });

  it('is 0 when one voice had all of it', () => {
    expect(balanceIndex([0, 0, 7, 0])).toBe(0);
  });

  it('drops when a present member never spoke', () => {
    // Three even voices over four present: ln 3 / ln 4.
    expect(balanceIndex([2, 2, 2, 0])).toBeCloseTo(Math.log(3) / Math.log(4), 12);
    expect(balanceIndex([2, 2, 2, 0])!).toBeLessThan(balanceIndex([2, 2, 2])!);
  });

  it('matches H / ln n on an uneven split', () => {
    // shares 1/2, 1/4, 1/4: H = 1.5 ln 2, n = 3.
    expect(balanceIndex([2, 1, 1])).toBeCloseTo((1.5 * Math.log(2)) / Math.log(3), 12);
  });

  it('is null with nothing to share, and 1 for a single voice present', () => {
    expect(balanceIndex([])).toBeNull();
    expect(balanceIndex([0, 0, 0])).toBeNull();
    expect(balanceIndex([3])).toBe(1);
  });
});

describe('gini', () => {
  it.each([
    [[1, 1, 1, 1], 0],
    [[0, 0, 0, 1], 0.75],
    [[1, 2, 3, 4], 0.25],
    [[4, 1, 3, 2], 0.25],
    [[5], 0]
  ])('of %j is %d', (values, expected) => {
    expect(gini(values)).toBeCloseTo(expected, 12);
  });

  it('is null when nobody has anything', () => {
    expect(gini([])).toBeNull();
    expect(gini([0, 0])).toBeNull();
  });
});

describe('computeMeasures', () => {
  it('sums talk time and turns per member, in roster order, with shares of the members’ talk', () => {
    const m = measure([said('a', 0, 3), said('b', 3, 4), said('a', 4, 6), said('c', 6, 8)], ['c', 'b', 'a'], 10);
    expect(m.members.map((x) => [x.memberId, x.talkMs, x.turns, x.share, x.lastSpokeAt])).toEqual([
      ['c', 2 * MIN, 1, 0.25, at(8)],
      ['b', 1 * MIN, 1, 0.125, at(4)],
      ['a', 5 * MIN, 2, 0.625, at(6)]
    ]);
    expect(m.totalMemberTalkMs).toBe(8 * MIN);
    expect(m.fairShare).toBeCloseTo(1 / 3, 15);
    expect(m.balanceIndex).toBe(balanceIndex([2, 1, 5]));
    expect(m.gini).toBe(gini([2, 1, 5]));
  });

  it('counts a present member who never spoke as zero, lowering the index', () => {
    const turns = [said('a', 0, 2), said('b', 2, 4)];
    const two = measure(turns, ['a', 'b'], 5);
    const three = measure(turns, ['a', 'b', 'c'], 5);
    expect(two.balanceIndex).toBeCloseTo(1, 12);
    expect(three.balanceIndex).toBeCloseTo(Math.log(2) / Math.log(3), 12);
    expect(three.members[2]).toMatchObject({ memberId: 'c', talkMs: 0, turns: 0, share: 0, lastSpokeAt: null });
  });

  it('keeps facilitator talk apart from the members’ shares and balance', () => {
    const members = [said('a', 0, 2), said('b', 2, 4)];
    const plain = measure(members, ['a', 'b'], 10);
    const withFacilitator = measure([facilitated(4, 9), ...members, facilitated(9, null)], ['a', 'b'], 10);
    expect(withFacilitator.members).toEqual(plain.members);
    expect(withFacilitator.balanceIndex).toBe(plain.balanceIndex);
    expect(withFacilitator.totalMemberTalkMs).toBe(4 * MIN);
    expect(withFacilitator.facilitatorTalkMs).toBe(6 * MIN);
    expect(withFacilitator.facilitatorTurns).toBe(2);
  });

  it('counts the running turn up to now, and the speaker as speaking now', () => {
    const turns = [said('a', 0, 2), said('b', 2, null)];
    const m = measure(turns, ['a', 'b'], 7.5);
    expect(m.members[1]).toMatchObject({ talkMs: 5.5 * MIN, turns: 1, lastSpokeAt: at(7.5), silentMs: 0 });
    expect(measure(turns, ['a', 'b'], 8).members[1]!.talkMs).toBe(6 * MIN);
  });

  it('takes the measures as of now: later turns are left out, turns running past now are cut', () => {
    const m = measure([said('a', 0, 4), said('b', 4, 6)], ['a', 'b'], 3);
    expect(m.members.map((x) => [x.talkMs, x.turns])).toEqual([
      [3 * MIN, 1],
      [0, 0]
    ]);
  });

  it('clamps a turn ending before it began to no talk, but still counts the turn', () => {
    const m = measure([{ ...said('a', 5, 4) }], ['a'], 10);
    expect(m.members[0]).toMatchObject({ talkMs: 0, turns: 1, lastSpokeAt: at(5) });
    expect(m.balanceIndex).toBeNull();
  });

  it('filters to one agenda item by the item current when a turn began', () => {
    const turns = [said('a', 0, 5, 'check-in'), said('b', 5, 12, 'skills'), facilitated(12, 13, 'skills'), said('a', 13, 14, 'skills'), said('c', -2, -1, null)];
    const skills = measure(turns, ['a', 'b', 'c'], 20, { itemId: 'skills' });
    expect(skills.members.map((x) => x.talkMs)).toEqual([1 * MIN, 7 * MIN, 0]);
    expect(skills.facilitatorTalkMs).toBe(1 * MIN);
    expect(measure(turns, ['a', 'b', 'c'], 20, { itemId: 'check-in' }).totalMemberTalkMs).toBe(5 * MIN);
    expect(measure(turns, ['a', 'b', 'c'], 20, { itemId: null }).members[2]!.talkMs).toBe(1 * MIN);
    expect(measure(turns, ['a', 'b', 'c'], 20).totalMemberTalkMs).toBe(14 * MIN);
  });

  it('leaves out turns of members not present', () => {
    const m = measure([said('a', 0, 1), said('gone', 1, 9)], ['a', 'b'], 10);
    expect(m.totalMemberTalkMs).toBe(1 * MIN);
    expect(m.members.map((x) => x.share)).toEqual([1, 0]);
  });

  it('counts a member listed twice in the roster once', () => {
    const m = measure([said('a', 0, 1)], ['a', 'b', 'a'], 2);
    expect(m.members.map((x) => x.memberId)).toEqual(['a', 'b']);
    expect(m.fairShare).toBe(0.5);
  });

  describe('edge cases', () => {
    it('nobody present: no members, fair share 0, no figures', () => {
      const m = measure([said('a', 0, 1), facilitated(1, 2)], [], 30);
      expect(m).toMatchObject({ members: [], fairShare: 0, totalMemberTalkMs: 0, balanceIndex: null, gini: null, facilitatorTalkMs: MIN });
    });

    it('nobody spoke: shares 0, figures null, no share flags — only silence', () => {
      const m = measure([facilitated(0, 25)], ['a', 'b'], 25);
      expect(m.balanceIndex).toBeNull();
      expect(m.gini).toBeNull();
      expect(m.members.map((x) => [x.share, x.quiet, x.dominant])).toEqual([
        [0, 'silent', false],
        [0, 'silent', false]
      ]);
      expect(measure([facilitated(0, 16)], ['a', 'b'], 16).members.map((x) => x.quiet)).toEqual([null, null]);
    });

    it('one member present: index 1 and Gini 0 once they spoke, never dominant or low-share', () => {
      const m = measure([said('a', 0, 30)], ['a'], 60);
      expect(m).toMatchObject({ fairShare: 1, balanceIndex: 1, gini: 0 });
      expect(m.members[0]).toMatchObject({ share: 1, dominant: false, quiet: 'silent' });
    });

    it('all present spoke for zero time: turns counted, figures null', () => {
      const m = measure([said('a', 1, 1), said('b', 2, 2)], ['a', 'b'], 16);
      expect(m.members.map((x) => [x.turns, x.share, x.quiet])).toEqual([
        [1, 0, null],
        [1, 0, null]
      ]);
      expect(m.balanceIndex).toBeNull();
    });
  });

  describe('quiet and dominance at their thresholds (defaults: q 0.5, N 15 min, M 20 min, d 2)', () => {
    // Four present, fair share 0.25: low below 0.125, dominant above 0.5.
    const evenish = [said('a', 0, 1), said('b', 1, 2), said('c', 2, 3), said('d', 3, 8)];

    it('flags a share exactly at q × fair share as not quiet, and just below as low-share', () => {
      // a: 1 of 8 minutes = 0.125 exactly.
      const atThreshold = measure(evenish, ['a', 'b', 'c', 'd'], 15);
      expect(atThreshold.members[0]).toMatchObject({ share: 0.125, quiet: null });
      const below = measure([...evenish, said('d', 8, 8.1)], ['a', 'b', 'c', 'd'], 15);
      expect(below.members[0]!.quiet).toBe('low-share');
    });

    it('waits N minutes before flagging shares', () => {
      const turns = [said('a', 0, 1), said('b', 1, 10), said('c', 10, 14.5)];
      expect(measure(turns, ['a', 'b', 'c', 'd'], 14.9).members.map((x) => [x.quiet, x.dominant])).toEqual([
        [null, false],
        [null, false],
        [null, false],
        [null, false]
      ]);
      // At 15 min: a 1/14.5 < 0.125 (low), b 9/14.5 > 0.5 (dominant), d never spoke (low, not yet silent).
      expect(measure(turns, ['a', 'b', 'c', 'd'], 15).members.map((x) => [x.quiet, x.dominant])).toEqual([
        ['low-share', false],
        [null, true],
        [null, false],
        ['low-share', false]
      ]);
    });

    it('flags a share exactly at d × fair share as not dominant, and just above as dominant', () => {
      const half = [said('a', 0, 4), said('b', 4, 6), said('c', 6, 7), said('d', 7, 8)];
      expect(measure(half, ['a', 'b', 'c', 'd'], 20).members[0]).toMatchObject({ share: 0.5, dominant: false });
      expect(measure([...half, said('a', 8, 8.1)], ['a', 'b', 'c', 'd'], 20).members[0]!.dominant).toBe(true);
    });

    it('flags silence from M minutes after the last word, or after the start for a member never heard', () => {
      const turns = [said('a', 0, 2), said('b', 2, 30)];
      const just = measure(turns, ['a', 'b', 'c'], 21.99);
      expect(just.members.map((x) => x.quiet)).toEqual(['low-share', null, 'silent']);
      expect(just.members[2]!.silentMs).toBeCloseTo(21.99 * MIN, 6);
      const atM = measure(turns, ['a', 'b', 'c'], 22);
      expect(atM.members[0]).toMatchObject({ quiet: 'silent', silentMs: 20 * MIN });
      expect(measure([said('c', 0, 1)], ['c'], 20.99).members[0]!.quiet).toBeNull();
    });

    it('lets silence win over a low share, and keeps a silent dominant member dominant', () => {
      const turns = [said('a', 0, 20), said('b', 20, 21), said('c', 21, 41)];
      const m = measure(turns, ['a', 'b', 'c', 'd'], 41);
      expect(m.members.map((x) => [x.quiet, x.dominant])).toEqual([
        ['silent', false],
        ['silent', false],
        [null, false],
        ['silent', false]
      ]);
      const later = measure([said('a', 0, 30), said('b', 30, 31)], ['a', 'b', 'c'], 51);
      expect(later.members[0]).toMatchObject({ quiet: 'silent', dominant: true });
    });

    it('reads the group’s own settings', () => {
      const turns = [said('a', 0, 1), said('b', 1, 3)];
      const strict = { quietFraction: 1, quietAfterMinutes: 1, silentMinutes: 1, dominanceMultiple: 1.1 };
      const m = computeMeasures({ turns, present: ['a', 'b'], now: at(3), sessionStartedAt: T0, settings: strict });
      expect(m.members.map((x) => [x.quiet, x.dominant])).toEqual([
        ['silent', false],
        [null, true]
      ]);
    });
  });
});
