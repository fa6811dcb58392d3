import { describe, expect, it } from 'vitest';
import { evolve, fold, initialState, type BoardEvent, type BoardState } from '@hearth/shared';
import {
  MIN,
  T0,
  added,
  connected,
  corrected,
  cueAcknowledged,
  cueSent,
  disconnected,
  flagAcknowledged,
  flagRaised,
  flagResolved,
  stepChecked,
  facilitatorSpeaker,
  floorChanged,
  handLowered,
  handRaised,
  memberSpeaker,
  turnEnded,
  turnStarted,
  guidanceSet,
  itemCompleted,
  itemExtended,
  itemPaused,
  itemResumed,
  itemSkipped,
  itemStarted,
  live,
  liveOnA
} from './givenWhenThen.ts';

const stateOf = (...events: BoardEvent[]): BoardState => fold(initialState, events);
const currents = (state: BoardState) => state.items.filter((i) => i.status === 'current').map((i) => i.id);

/** evolve applies facts without checks; these pin the invariants it must keep even so. */
describe('evolve', () => {
  it('starting an item while another is current leaves exactly one current', () => {
    // No completion event in between: evolve must still stop the old item itself.
    const state = stateOf(...liveOnA, itemStarted('b', T0 + 6 * MIN));
    expect(currents(state)).toEqual(['b']);
    expect(state.currentItemId).toBe('b');
    expect(state.items[0]).toMatchObject({ id: 'a', status: 'done', runningSince: null, accumulatedMs: 5 * MIN });
  });

  it('starting the current item again keeps its run going', () => {
    const before = stateOf(...liveOnA);
    const after = evolve(before, itemStarted('a', T0 + 9 * MIN));
    expect(after.items).toEqual(before.items);
    expect(after.currentItemId).toBe('a');
  });

  it('an event naming an unknown item changes nothing', () => {
    const before = stateOf(...liveOnA, itemPaused('a', T0 + 2 * MIN));
    const unknown: BoardEvent[] = [
      { type: 'agenda.item_edited', at: T0, itemId: 'zz', title: 'X' },
      { type: 'agenda.item_removed', at: T0, itemId: 'zz' },
      { type: 'agenda.reordered', at: T0, itemIds: ['zz'] },
      guidanceSet('zz', 'x'),
      itemStarted('zz', T0 + 3 * MIN),
      itemPaused('zz', T0 + 3 * MIN),
      itemResumed('zz', T0 + 3 * MIN),
      itemExtended('zz', 5, T0 + 3 * MIN),
      itemCompleted('zz', T0 + 3 * MIN),
      itemSkipped('zz', T0 + 3 * MIN)
    ];
    for (const event of unknown) expect(evolve(before, event), event.type).toEqual(before);
  });

  it('never mutates the state it is given', () => {
    const before = stateOf(...liveOnA);
    const copy = structuredClone(before);
    evolve(before, added('d', 0, { at: T0 + 2 * MIN }));
    evolve(before, itemStarted('b', T0 + 2 * MIN));
    evolve(before, { type: 'agenda.reordered', at: T0, itemIds: ['c', 'b', 'a'] });
    expect(before).toEqual(copy);
  });

  it('removing the current item clears the current id', () => {
    const state = stateOf(...liveOnA, { type: 'agenda.item_removed', at: T0 + 2 * MIN, itemId: 'a' });
    expect(state.currentItemId).toBeNull();
    expect(currents(state)).toEqual([]);
  });

  it('reordering keeps items a partial order leaves out, after the ones it lists', () => {
    const state = stateOf(...live, { type: 'agenda.reordered', at: T0, itemIds: ['c'] });
    expect(state.items.map((i) => i.id)).toEqual(['c', 'a', 'b']);
  });

  it('a resume while running does not restart the run', () => {
    const state = stateOf(...liveOnA, itemResumed('a', T0 + 5 * MIN));
    expect(state.items[0]?.runningSince).toBe(T0 + MIN);
  });

  it('fold is evolve applied in order', () => {
    const events = [...liveOnA, itemPaused('a', T0 + 2 * MIN), itemSkipped('b', T0 + 3 * MIN)];
    expect(fold(initialState, events)).toEqual(events.reduce(evolve, initialState));
  });
});

/** Participation events: facts too, applied without checks, keeping the turn and presence invariants. */
describe('evolve, participation', () => {
  const dev = memberSpeaker('mem-dev');
  const eli = memberSpeaker('mem-eli');

  it('a turn started while another is open closes the open one where the new one begins', () => {
    const state = stateOf(...liveOnA, turnStarted(eli, T0 + 2 * MIN, 'a'), turnStarted(dev, T0 + 5 * MIN, 'a'));
    expect(state.turns).toEqual([
      { speaker: eli, start: T0 + 2 * MIN, end: T0 + 5 * MIN, itemId: 'a' },
      { speaker: dev, start: T0 + 5 * MIN, end: null, itemId: 'a' }
    ]);
  });

  it('a turn never ends before it began, even when the clock stepped back', () => {
    const ended = stateOf(...liveOnA, turnStarted(eli, T0 + 5 * MIN), turnEnded(T0 + 3 * MIN));
    expect(ended.turns).toEqual([{ speaker: eli, start: T0 + 5 * MIN, end: T0 + 5 * MIN, itemId: null }]);
  });

  it('turns stay in order and never overlap, even when the clock stepped back', () => {
    // Eli's open turn is closed where it began, and Dev's starts there, not two minutes before.
    const replaced = stateOf(...liveOnA, turnStarted(eli, T0 + 5 * MIN), turnStarted(dev, T0 + 3 * MIN));
    expect(replaced.turns).toEqual([
      { speaker: eli, start: T0 + 5 * MIN, end: T0 + 5 * MIN, itemId: null },
      { speaker: dev, start: T0 + 5 * MIN, end: null, itemId: null }
    ]);
    // A turn after one already ended starts no earlier than that end, so no talk is counted twice.
    const after = stateOf(...liveOnA, turnStarted(eli, T0 + 10 * MIN), turnEnded(T0 + 20 * MIN), turnStarted(dev, T0 + 15 * MIN));
    expect(after.turns).toEqual([
      { speaker: eli, start: T0 + 10 * MIN, end: T0 + 20 * MIN, itemId: null },
      { speaker: dev, start: T0 + 20 * MIN, end: null, itemId: null }
    ]);
  });

  it('a turn.ended with no open turn changes nothing', () => {
    const before = stateOf(...liveOnA, turnStarted(eli, T0 + 2 * MIN), turnEnded(T0 + 3 * MIN));
    expect(evolve(before, turnEnded(T0 + 4 * MIN))).toEqual(before);
    const empty = stateOf(...liveOnA);
    expect(evolve(empty, turnEnded(T0 + 4 * MIN))).toEqual(empty);
  });

  it('a member who speaks becomes present; the facilitators never do', () => {
    expect(stateOf(...live, turnStarted(dev, T0)).present).toEqual(['mem-dev']);
    expect(stateOf(...live, turnStarted(facilitatorSpeaker, T0)).present).toEqual([]);
  });

  it('floor.changed sets and clears the floor on its own, turns untouched', () => {
    const held = stateOf(...live, floorChanged(eli, T0 + MIN));
    expect(held.floor).toEqual({ speaker: eli, since: T0 + MIN });
    expect(held.turns).toEqual([]);
    expect(evolve(held, floorChanged(null, T0 + 2 * MIN)).floor).toBeNull();
  });

  it('a hand raised twice is queued once, at its first raising', () => {
    const state = stateOf(...live, handRaised('mem-eli', T0 + MIN), handRaised('mem-dev', T0 + 2 * MIN), handRaised('mem-eli', T0 + 3 * MIN));
    expect(state.hands).toEqual([
      { memberId: 'mem-eli', at: T0 + MIN },
      { memberId: 'mem-dev', at: T0 + 2 * MIN }
    ]);
  });

  it('lowering a hand that is not up changes nothing', () => {
    const before = stateOf(...live, handRaised('mem-eli', T0 + MIN));
    expect(evolve(before, handLowered('mem-dev', T0 + 2 * MIN))).toEqual(before);
  });

  it('presence keeps roster order and ignores members not on the roster', () => {
    const state = stateOf(...live, connected('mem-fay', T0), corrected('mem-dev', 'present', T0), connected('mem-zed', T0), corrected('mem-zed', 'present', T0));
    expect(state.present).toEqual(['mem-dev', 'mem-fay']);
    expect(Object.keys(state.attendance).sort()).toEqual(['mem-dev', 'mem-fay']);
    // A second connection while connected opens no second interval.
    expect(evolve(state, connected('mem-fay', T0 + MIN))).toEqual(state);
    expect(evolve(state, corrected('mem-zed', 'absent', T0 + MIN))).toEqual(state);
    expect(evolve(state, corrected('mem-fay', 'absent', T0 + MIN)).present).toEqual(['mem-dev']);
  });

  it('a disconnection closes only the open interval, and never before it opened', () => {
    const state = stateOf(...live, connected('mem-dev', T0), disconnected('mem-dev', T0 + MIN), connected('mem-dev', T0 + 2 * MIN), disconnected('mem-dev', T0 + 2 * MIN - 1));
    expect(state.attendance['mem-dev']?.intervals).toEqual([
      { from: T0, to: T0 + MIN },
      { from: T0 + 2 * MIN, to: T0 + 2 * MIN }
    ]);
    expect(evolve(state, disconnected('mem-dev', T0 + 3 * MIN)).attendance['mem-dev']).toEqual(state.attendance['mem-dev']);
  });

  it('a connection after the server clock stepped back starts no earlier than the last interval ended', () => {
    // Like turns: intervals never overlap, so connected time is never counted twice.
    const state = stateOf(...live, connected('mem-dev', T0), disconnected('mem-dev', T0 + 10 * MIN), connected('mem-dev', T0 + 5 * MIN));
    expect(state.attendance['mem-dev']?.intervals).toEqual([
      { from: T0, to: T0 + 10 * MIN },
      { from: T0 + 10 * MIN, to: null }
    ]);
  });

  it('flags and cues: repeated facts keep the first, facts about unknown ones change nothing', () => {
    const base = stateOf(
      ...liveOnA,
      flagRaised('f1', T0 + MIN, { severity: 'crisis' }),
      flagRaised('f1', T0 + 2 * MIN, { severity: 'low', note: 'again' }),
      flagAcknowledged('f1', T0 + 3 * MIN, 'fac-ben'),
      flagAcknowledged('f1', T0 + 4 * MIN, 'sup-cleo'),
      stepChecked('f1', 'safety', 'Ensure immediate safety', T0 + 5 * MIN),
      stepChecked('f1', 'safety', 'Ensure immediate safety', T0 + 6 * MIN),
      flagResolved('f1', 'Safe', T0 + 7 * MIN),
      flagResolved('f1', 'Other', T0 + 8 * MIN),
      cueSent('q1', 'Slow down', T0 + MIN),
      cueSent('q1', 'Again', T0 + 2 * MIN),
      cueAcknowledged('q1', T0 + 3 * MIN, 'fac-ana'),
      cueAcknowledged('q1', T0 + 4 * MIN, 'fac-ben')
    );
    expect(base.flags).toHaveLength(1);
    expect(base.flags[0]).toMatchObject({
      severity: 'crisis',
      acknowledged: { by: 'fac-ben', at: T0 + 3 * MIN },
      steps: [{ stepId: 'safety', label: 'Ensure immediate safety', by: 'fac-ana', at: T0 + 5 * MIN }],
      resolved: { outcome: 'Safe', by: 'fac-ana', at: T0 + 7 * MIN }
    });
    expect(base.cues).toEqual([{ id: 'q1', text: 'Slow down', by: 'sup-cleo', at: T0 + MIN, acknowledged: { by: 'fac-ana', at: T0 + 3 * MIN } }]);
    for (const e of [flagAcknowledged('f9', T0), flagResolved('f9', 'x', T0), stepChecked('f9', 'safety', 'x', T0), cueAcknowledged('q9', T0)]) {
      expect(evolve(base, e), e.type).toEqual(base);
    }
  });

  it('never mutates the state it is given', () => {
    const before = stateOf(...liveOnA, turnStarted(eli, T0 + 2 * MIN, 'a'), floorChanged(eli, T0 + 2 * MIN), handRaised('mem-dev', T0 + 3 * MIN));
    const copy = structuredClone(before);
    evolve(before, turnStarted(dev, T0 + 4 * MIN, 'a'));
    evolve(before, turnEnded(T0 + 4 * MIN));
    evolve(before, handLowered('mem-dev', T0 + 4 * MIN));
    evolve(before, handRaised('mem-fay', T0 + 4 * MIN));
    evolve(before, connected('mem-fay', T0 + 4 * MIN));
    evolve(before, corrected('mem-fay', 'absent', T0 + 4 * MIN));
    evolve(before, flagRaised('f1', T0 + 4 * MIN));
    expect(before).toEqual(copy);
  });
});
