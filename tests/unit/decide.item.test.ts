import { describe, expect, it } from 'vitest';
import { ErrorCode, LIMITS, currentItem, timerOf } from '@hearth/shared';
import {
  MIN,
  T0,
  created,
  given,
  itemCompleted,
  itemExtended,
  itemPaused,
  itemResumed,
  itemSkipped,
  itemStarted,
  live,
  liveOnA,
  over,
  scheduled,
  started,
  type CommandInput
} from './givenWhenThen.ts';

const NOW = T0 + 30 * MIN;

/** Guards every timer command shares: the session must exist, have started, and not have ended. */
function liveSessionGuards(command: CommandInput): void {
  it('rejects before the session exists: SESSION_NOT_FOUND', () => {
    given().when(command).rejects(ErrorCode.SESSION_NOT_FOUND);
  });
  it('rejects before the session starts: SESSION_NOT_LIVE', () => {
    given(...scheduled).when(command).rejects(ErrorCode.SESSION_NOT_LIVE);
  });
  it('rejects after the session ended: SESSION_ENDED', () => {
    given(...over).when(command).rejects(ErrorCode.SESSION_ENDED);
  });
}

describe('item.start', () => {
  it('starts an item when none is current', () => {
    const state = given(...live).when({ type: 'item.start', itemId: 'b' }, undefined, NOW).then(itemStarted('b', NOW));
    expect(state.currentItemId).toBe('b');
    expect(currentItem(state)).toMatchObject({ status: 'current', firstStartedAt: NOW, runningSince: NOW });
  });

  it('completes the current item before starting another', () => {
    const state = given(...liveOnA)
      .when({ type: 'item.start', itemId: 'c' }, undefined, NOW)
      .then(itemCompleted('a', NOW), itemStarted('c', NOW));
    expect(state.items.map((i) => i.status)).toEqual(['done', 'pending', 'current']);
  });

  it('completes a paused current item without counting the pause', () => {
    const state = given(...liveOnA, itemPaused('a', T0 + 4 * MIN))
      .when({ type: 'item.start', itemId: 'b' }, undefined, NOW)
      .then(itemCompleted('a', NOW), itemStarted('b', NOW));
    expect(state.items[0]).toMatchObject({ status: 'done', accumulatedMs: 3 * MIN, runningSince: null });
  });

  it('reopens a finished item, keeping the time it already ran', () => {
    const state = given(...liveOnA, itemCompleted('a', T0 + 6 * MIN))
      .when({ type: 'item.start', itemId: 'a' }, undefined, NOW)
      .then(itemStarted('a', NOW));
    expect(currentItem(state)).toMatchObject({ id: 'a', firstStartedAt: T0 + MIN, accumulatedMs: 5 * MIN, runningSince: NOW });
  });

  it('rejects the item that is already current: ITEM_IS_CURRENT', () => {
    given(...liveOnA).when({ type: 'item.start', itemId: 'a' }).rejects(ErrorCode.ITEM_IS_CURRENT);
  });

  it('rejects an unknown item: ITEM_NOT_FOUND', () => {
    given(...live).when({ type: 'item.start', itemId: 'zz' }).rejects(ErrorCode.ITEM_NOT_FOUND);
  });

  liveSessionGuards({ type: 'item.start', itemId: 'a' });
});

describe('item.next', () => {
  it('starts the first pending item when none is current', () => {
    given(...live).when({ type: 'item.next' }, undefined, NOW).then(itemStarted('a', NOW));
  });

  it('completes the current item and starts the one after it', () => {
    given(...liveOnA).when({ type: 'item.next' }, undefined, NOW).then(itemCompleted('a', NOW), itemStarted('b', NOW));
  });

  it('passes over items already skipped', () => {
    given(...liveOnA, itemSkipped('b', T0 + 2 * MIN))
      .when({ type: 'item.next' }, undefined, NOW)
      .then(itemCompleted('a', NOW), itemStarted('c', NOW));
  });

  it('only completes the last item, leaving none current', () => {
    const state = given(...live, itemStarted('c', T0 + MIN))
      .when({ type: 'item.next' }, undefined, NOW)
      .then(itemCompleted('c', NOW));
    expect(state.currentItemId).toBeNull();
  });

  it('rejects when nothing is current and nothing is pending: NO_NEXT_ITEM', () => {
    given(...live, itemSkipped('a', T0), itemSkipped('b', T0), itemSkipped('c', T0))
      .when({ type: 'item.next' })
      .rejects(ErrorCode.NO_NEXT_ITEM);
    given(created(), started(T0)).when({ type: 'item.next' }).rejects(ErrorCode.NO_NEXT_ITEM);
  });

  liveSessionGuards({ type: 'item.next' });
});

describe('item.pause', () => {
  it('pauses the running current item, banking its time', () => {
    const state = given(...liveOnA).when({ type: 'item.pause', itemId: 'a' }, undefined, T0 + 4 * MIN).then(itemPaused('a', T0 + 4 * MIN));
    expect(currentItem(state)).toMatchObject({ status: 'current', runningSince: null, accumulatedMs: 3 * MIN });
  });

  it('rejects an item already paused: ITEM_NOT_RUNNING', () => {
    given(...liveOnA, itemPaused('a', T0 + 4 * MIN)).when({ type: 'item.pause', itemId: 'a' }).rejects(ErrorCode.ITEM_NOT_RUNNING);
  });

  it('rejects an item that is not current: ITEM_NOT_CURRENT', () => {
    given(...liveOnA).when({ type: 'item.pause', itemId: 'b' }).rejects(ErrorCode.ITEM_NOT_CURRENT);
  });

  it('rejects an unknown item: ITEM_NOT_FOUND', () => {
    given(...liveOnA).when({ type: 'item.pause', itemId: 'zz' }).rejects(ErrorCode.ITEM_NOT_FOUND);
  });

  liveSessionGuards({ type: 'item.pause', itemId: 'a' });
});

describe('item.resume', () => {
  it('resumes the paused current item', () => {
    const state = given(...liveOnA, itemPaused('a', T0 + 4 * MIN))
      .when({ type: 'item.resume', itemId: 'a' }, undefined, T0 + 6 * MIN)
      .then(itemResumed('a', T0 + 6 * MIN));
    expect(currentItem(state)).toMatchObject({ runningSince: T0 + 6 * MIN, accumulatedMs: 3 * MIN });
  });

  it('rejects an item that is running: ITEM_NOT_PAUSED', () => {
    given(...liveOnA).when({ type: 'item.resume', itemId: 'a' }).rejects(ErrorCode.ITEM_NOT_PAUSED);
  });

  it('rejects an item that is not current: ITEM_NOT_CURRENT', () => {
    given(...liveOnA, itemPaused('a', T0 + 4 * MIN)).when({ type: 'item.resume', itemId: 'b' }).rejects(ErrorCode.ITEM_NOT_CURRENT);
  });

  it('rejects an unknown item: ITEM_NOT_FOUND', () => {
    given(...liveOnA).when({ type: 'item.resume', itemId: 'zz' }).rejects(ErrorCode.ITEM_NOT_FOUND);
  });

  liveSessionGuards({ type: 'item.resume', itemId: 'a' });
});

describe('item.extend', () => {
  it('extends the current item\u2019s planned time', () => {
    const state = given(...liveOnA)
      .when({ type: 'item.extend', itemId: 'a', minutes: 5 }, undefined, NOW)
      .then(itemExtended('a', 5, NOW));
    const item = currentItem(state);
    expect(item?.extendedMinutes).toBe(5);
    expect(item && timerOf(item, NOW).plannedMs).toBe(15 * MIN);
  });

  it('extends a paused current item', () => {
    given(...liveOnA, itemPaused('a', T0 + 2 * MIN))
      .when({ type: 'item.extend', itemId: 'a', minutes: LIMITS.maxExtendMinutes }, undefined, NOW)
      .then(itemExtended('a', LIMITS.maxExtendMinutes, NOW));
  });

  it(`allows extensions up to ${LIMITS.maxTotalExtension} minutes in all`, () => {
    const extensions = [60, 60, 60].map((m, n) => itemExtended('a', m, T0 + (2 + n) * MIN));
    given(...liveOnA, ...extensions).when({ type: 'item.extend', itemId: 'a', minutes: 60 }, undefined, NOW).then(itemExtended('a', 60, NOW));
  });

  it('rejects an extension past the total limit: EXTENSION_LIMIT', () => {
    const extensions = [60, 60, 60, 59].map((m, n) => itemExtended('a', m, T0 + (2 + n) * MIN));
    given(...liveOnA, ...extensions).when({ type: 'item.extend', itemId: 'a', minutes: 2 }).rejects(ErrorCode.EXTENSION_LIMIT);
  });

  it('rejects an item that is not current: ITEM_NOT_CURRENT', () => {
    given(...liveOnA).when({ type: 'item.extend', itemId: 'b', minutes: 5 }).rejects(ErrorCode.ITEM_NOT_CURRENT);
  });

  it('rejects an unknown item: ITEM_NOT_FOUND', () => {
    given(...liveOnA).when({ type: 'item.extend', itemId: 'zz', minutes: 5 }).rejects(ErrorCode.ITEM_NOT_FOUND);
  });

  liveSessionGuards({ type: 'item.extend', itemId: 'a', minutes: 5 });
});

describe('item.complete', () => {
  it('completes the current item, leaving none current', () => {
    const state = given(...liveOnA).when({ type: 'item.complete', itemId: 'a' }, undefined, T0 + 9 * MIN).then(itemCompleted('a', T0 + 9 * MIN));
    expect(state.currentItemId).toBeNull();
    expect(state.items[0]).toMatchObject({ status: 'done', accumulatedMs: 8 * MIN, runningSince: null });
  });

  it('completes a paused current item', () => {
    given(...liveOnA, itemPaused('a', T0 + 3 * MIN))
      .when({ type: 'item.complete', itemId: 'a' }, undefined, NOW)
      .then(itemCompleted('a', NOW));
  });

  it('rejects an item that is not current: ITEM_NOT_CURRENT', () => {
    given(...liveOnA).when({ type: 'item.complete', itemId: 'b' }).rejects(ErrorCode.ITEM_NOT_CURRENT);
    given(...liveOnA, itemCompleted('a', T0 + 3 * MIN)).when({ type: 'item.complete', itemId: 'a' }).rejects(ErrorCode.ITEM_NOT_CURRENT);
  });

  it('rejects an unknown item: ITEM_NOT_FOUND', () => {
    given(...liveOnA).when({ type: 'item.complete', itemId: 'zz' }).rejects(ErrorCode.ITEM_NOT_FOUND);
  });

  liveSessionGuards({ type: 'item.complete', itemId: 'a' });
});

describe('item.skip', () => {
  it('skips a pending item', () => {
    const state = given(...liveOnA).when({ type: 'item.skip', itemId: 'c' }, undefined, NOW).then(itemSkipped('c', NOW));
    expect(state.items.map((i) => i.status)).toEqual(['current', 'pending', 'skipped']);
  });

  it('skips the current item, stopping its timer', () => {
    const state = given(...liveOnA).when({ type: 'item.skip', itemId: 'a' }, undefined, T0 + 2 * MIN).then(itemSkipped('a', T0 + 2 * MIN));
    expect(state.currentItemId).toBeNull();
    expect(state.items[0]).toMatchObject({ status: 'skipped', accumulatedMs: MIN, runningSince: null });
  });

  it('rejects an item already done or skipped: ITEM_FINISHED', () => {
    given(...liveOnA, itemCompleted('a', T0 + 3 * MIN)).when({ type: 'item.skip', itemId: 'a' }).rejects(ErrorCode.ITEM_FINISHED);
    given(...liveOnA, itemSkipped('b', T0 + 3 * MIN)).when({ type: 'item.skip', itemId: 'b' }).rejects(ErrorCode.ITEM_FINISHED);
  });

  it('rejects an unknown item: ITEM_NOT_FOUND', () => {
    given(...liveOnA).when({ type: 'item.skip', itemId: 'zz' }).rejects(ErrorCode.ITEM_NOT_FOUND);
  });

  liveSessionGuards({ type: 'item.skip', itemId: 'b' });
});
