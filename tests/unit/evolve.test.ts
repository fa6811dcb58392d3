import { describe, expect, it } from 'vitest';
import { evolve, fold, initialState, type BoardEvent, type BoardState } from '@hearth/shared';
import {
  MIN,
  T0,
  added,
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
