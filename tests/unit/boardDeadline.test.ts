import { ErrorCode, type Actor } from '@hearth/shared';
import { describe, expect, it } from 'vitest';
import { BoardService } from '../../server/src/live/BoardService.ts';
import type { BoardLog, StoredEvent } from '../../server/src/live/ports.ts';

const ACTOR: Actor = { role: 'facilitator', id: 'acct-1' };
const ANSWER_WITHIN_MS = 100;

/** A log whose database stops answering while `hung` is set (no error, no answer: a cut network). */
function hangingLog(state: { hung: boolean; lastAnswerAt: number; release: (() => void)[] }): BoardLog {
  const answer = <T>(value: T) =>
    state.hung
      ? new Promise<T>((resolve) => state.release.push(() => resolve(value)))
      : Promise.resolve(value).finally(() => (state.lastAnswerAt = performance.now()));
  return {
    available: true,
    get lastAnswerAt() {
      return state.lastAnswerAt;
    },
    since: () => answer<StoredEvent[]>([]),
    memberSince: () => answer<StoredEvent[]>([]),
    privateSince: () => answer<StoredEvent[]>([]),
    findCommand: () => answer(null),
    append: () => answer(1)
  };
}

describe('a command while the database has stopped answering', () => {
  it('is answered UNAVAILABLE within the deadline; the session\'s next commands at once, not queued; the board serves again once it answers', async () => {
    const state = { hung: false, lastAnswerAt: performance.now(), release: [] as (() => void)[] };
    const board = new BoardService(hangingLog(state), { publish: () => undefined, caughtUp: () => undefined }, Date.now, async () => false, {
      answerWithinMs: ANSWER_WITHIN_MS
    });
    state.hung = true;
    state.lastAnswerAt = performance.now() - 10_000;
    const t0 = performance.now();
    const first = await board.execute('s1', 'c1', { type: 'session.start' }, ACTOR);
    const waited = performance.now() - t0;
    expect(first).toMatchObject({ ok: false, error: { code: ErrorCode.UNAVAILABLE } });
    expect(waited).toBeGreaterThanOrEqual(ANSWER_WITHIN_MS - 5);
    // Retries of the same session do not wait behind the stuck one.
    const t1 = performance.now();
    expect(await board.execute('s1', 'c1', { type: 'session.start' }, ACTOR)).toMatchObject({ ok: false, error: { code: ErrorCode.UNAVAILABLE } });
    expect(performance.now() - t1).toBeLessThan(ANSWER_WITHIN_MS);

    // The database answers again: the stuck call completes, and the session is served.
    state.hung = false;
    for (const release of state.release.splice(0)) release();
    state.lastAnswerAt = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 10));
    const again = await board.execute('s1', 'c2', { type: 'session.start' }, ACTOR);
    // (This fake log holds no session: the board's own rule answers, not the deadline.)
    expect(again.ok === false && again.error.code).not.toBe(ErrorCode.UNAVAILABLE);
  });

  it('waits on for a database that is busy but answering, past the deadline', async () => {
    const state = { hung: false, lastAnswerAt: performance.now(), release: [] as (() => void)[] };
    const board = new BoardService(hangingLog(state), { publish: () => undefined, caughtUp: () => undefined }, Date.now, async () => false, {
      answerWithinMs: ANSWER_WITHIN_MS
    });
    state.hung = true;
    // Other statements keep being answered while this one waits.
    const busy = setInterval(() => (state.lastAnswerAt = performance.now()), 20);
    setTimeout(() => {
      state.hung = false;
      for (const release of state.release.splice(0)) release();
    }, ANSWER_WITHIN_MS * 3);
    const result = await board.execute('s2', 'c1', { type: 'session.start' }, ACTOR);
    clearInterval(busy);
    expect(result.ok === false && result.error.code).not.toBe(ErrorCode.UNAVAILABLE);
  });
});
