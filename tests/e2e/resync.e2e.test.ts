import type { GroupSummary } from '@hearth/shared';
import { afterAll, describe, expect, it } from 'vitest';
import { BoardService } from '../../server/src/live/BoardService.ts';
import { openPostgres, type Db } from '../../server/src/store/Db.ts';
import { EventLog } from '../../server/src/store/EventLog.ts';
import { signIn } from '../support/browser.ts';
import { useBrowserFixture } from '../support/browserFixture.ts';
import { WAIT_MS } from '../support/live.ts';
import { DEMO_PASSWORD, FACILITATOR_A } from '../support/testServer.ts';

/**
 * An event committed but never fanned out (Redis down, or an instance dying between its commit and
 * its broadcast) leaves nothing after it to reveal the gap. A board that stays quiet asks the log and
 * catches up by itself, within its quiet interval (30 s, run here on the page's fake clock).
 */
describe('a board catches up on an event nobody sent it', () => {
  const fx = useBrowserFixture();
  const dbs: Db[] = [];
  afterAll(async () => {
    for (const db of dbs) await db.close();
  });

  it('shows an item started by a silent writer once the quiet interval has passed', async () => {
    const a = await fx.open('desktop');
    await a.clock.install();
    await signIn(a, FACILITATOR_A, DEMO_PASSWORD);
    const { groups } = (await (await a.context().request.get('/api/groups')).json()) as { groups: GroupSummary[] };
    const session = groups[0]!.sessions[0]!;
    await a.goto(`/sessions/${session.id}`);
    await a.getByRole('button', { name: 'Start without an item' }).click();
    await expect.poll(() => a.getByTestId('session-status').textContent(), { timeout: WAIT_MS }).toMatch(/live/i);
    await expect.poll(() => a.getByTestId('current-item').textContent(), { timeout: WAIT_MS }).toBe('No item in progress');

    // Another writer on the same database commits an event and tells no one.
    const db = openPostgres(fx.databaseUrl());
    dbs.push(db);
    const silent = new BoardService(new EventLog(db), { publish: () => undefined, caughtUp: () => undefined });
    const view = await silent.view(session.id, 'facilitator');
    const first = view.state.items[0]!;
    const result = await silent.execute(session.id, 'silent-start', { type: 'item.start', itemId: first.id }, { role: 'facilitator', id: 'silent-writer' });
    expect(result.ok).toBe(true);

    // Nothing arrives on its own...
    await a.clock.runFor(5_000);
    expect(await a.getByTestId('current-item').textContent()).toBe('No item in progress');
    // ...until the board has been quiet long enough and asks the log.
    await a.clock.runFor(31_000);
    await expect.poll(() => a.getByTestId('current-item').textContent(), { timeout: WAIT_MS }).toBe(first.title);
  });
});
