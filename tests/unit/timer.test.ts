import { describe, expect, it } from 'vitest';
import { fold, formatDuration, initialState, timerOf, type AgendaItem, type BoardEvent } from '@hearth/shared';
import { MIN, T0, itemCompleted, itemExtended, itemPaused, itemResumed, itemStarted, live } from './givenWhenThen.ts';

/** Item a (planned 10 minutes) after the given events on a live session. */
function itemA(...events: BoardEvent[]): AgendaItem {
  const item = fold(initialState, [...live, ...events]).items.find((i) => i.id === 'a');
  if (!item) throw new Error('fixture: item a is missing');
  return item;
}

/** The timer is derived from event times alone: these pin down what a reader of the board sees. */
describe('timerOf', () => {
  it('reads zero for an item not yet started', () => {
    expect(timerOf(itemA(), T0 + 5 * MIN)).toEqual({ elapsedMs: 0, plannedMs: 10 * MIN, remainingMs: 10 * MIN, overrunMs: 0, running: false });
  });

  it('counts from the start while running', () => {
    expect(timerOf(itemA(itemStarted('a', T0)), T0 + 4 * MIN + 30_000)).toEqual({
      elapsedMs: 4 * MIN + 30_000,
      plannedMs: 10 * MIN,
      remainingMs: 5 * MIN + 30_000,
      overrunMs: 0,
      running: true
    });
  });

  it('leaves pauses out of elapsed time', () => {
    const item = itemA(
      itemStarted('a', T0),
      itemPaused('a', T0 + 2 * MIN),
      itemResumed('a', T0 + 5 * MIN),
      itemPaused('a', T0 + 6 * MIN),
      itemResumed('a', T0 + 20 * MIN)
    );
    expect(timerOf(item, T0 + 21 * MIN)).toMatchObject({ elapsedMs: 4 * MIN, remainingMs: 6 * MIN, running: true });
  });

  it('stands still while paused, however late it is read', () => {
    const item = itemA(itemStarted('a', T0), itemPaused('a', T0 + 3 * MIN));
    expect(timerOf(item, T0 + 3 * MIN)).toMatchObject({ elapsedMs: 3 * MIN, running: false });
    expect(timerOf(item, T0 + 300 * MIN)).toMatchObject({ elapsedMs: 3 * MIN, running: false });
  });

  it('stands still once the item is done', () => {
    const item = itemA(itemStarted('a', T0), itemCompleted('a', T0 + 7 * MIN));
    expect(timerOf(item, T0 + 60 * MIN)).toMatchObject({ elapsedMs: 7 * MIN, remainingMs: 3 * MIN, running: false });
  });

  it('adds extensions to the planned time', () => {
    const item = itemA(itemStarted('a', T0), itemExtended('a', 5, T0 + 9 * MIN), itemExtended('a', 3, T0 + 9 * MIN));
    expect(timerOf(item, T0 + 12 * MIN)).toMatchObject({ elapsedMs: 12 * MIN, plannedMs: 18 * MIN, remainingMs: 6 * MIN, overrunMs: 0 });
  });

  it('reports overrun past the plan, with nothing remaining', () => {
    const item = itemA(itemStarted('a', T0), itemExtended('a', 2, T0 + 9 * MIN));
    expect(timerOf(item, T0 + 15 * MIN)).toMatchObject({ elapsedMs: 15 * MIN, plannedMs: 12 * MIN, remainingMs: 0, overrunMs: 3 * MIN });
  });

  it('reads exactly on plan as neither remaining nor overrun', () => {
    expect(timerOf(itemA(itemStarted('a', T0)), T0 + 10 * MIN)).toMatchObject({ remainingMs: 0, overrunMs: 0 });
  });

  it('clamps a clock read before the run began to no run time, never negative', () => {
    const item = itemA(itemStarted('a', T0), itemPaused('a', T0 + 2 * MIN), itemResumed('a', T0 + 10 * MIN));
    // A client whose clock estimate is behind the server's reads the banked two minutes, not less.
    expect(timerOf(item, T0 + 5 * MIN)).toMatchObject({ elapsedMs: 2 * MIN, running: true });
    expect(timerOf(itemA(itemStarted('a', T0)), T0 - 60 * MIN).elapsedMs).toBe(0);
  });

  it('banks no negative time when the server clock stepped back between start and pause', () => {
    const item = itemA(itemStarted('a', T0 + 5 * MIN), itemPaused('a', T0 + 3 * MIN));
    expect(item.accumulatedMs).toBe(0);
    expect(timerOf(item, T0).elapsedMs).toBe(0);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0:00'],
    [999, '0:00'],
    [65_000, '1:05'],
    [59 * MIN + 59_000, '59:59'],
    [3_723_000, '1:02:03'],
    [-5_000, '0:00']
  ])('formats %i ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
