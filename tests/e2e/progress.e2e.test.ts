import type { JoinResult } from '@hearth/shared';
import { describe, expect, it } from 'vitest';
import { connectBoard, emitAck, login, type BoardClient } from '../support/boardClient.ts';
import { signIn } from '../support/browser.ts';
import { useBrowserFixture } from '../support/browserFixture.ts';
import { WAIT_MS } from '../support/live.ts';
import { DEMO_PASSWORD, FACILITATOR_A, joinAsMember, scheduleSession } from '../support/testServer.ts';

type Snapshot = Extract<JoinResult, { ok: true; mode: 'snapshot' }>;
const SHOTS = new URL('../../test-results/', import.meta.url).pathname;

/**
 * The progress pages as a clinician reads them: three weeks of PHQ-9 and check-ins (run over sockets,
 * as members' phones would), then Maple's page from the home page's roster — a chart against the bands
 * with a table beside it, reliable improvement named — and the group's page.
 */
describe('progress pages in the browser', () => {
  const fx = useBrowserFixture();

  async function runWeek(cookie: string, title: string, maplePhq: number[], checkIns: [number, number]) {
    const url = fx.server().url;
    const session = await scheduleSession(url, cookie, title);
    const tokens = await Promise.all(['Maple', 'River'].map((alias) => joinAsMember(url, session, alias)));
    const sockets: BoardClient[] = [await connectBoard(url, { cookie }), ...(await Promise.all(tokens.map((token) => connectBoard(url, { token: token! }))))];
    try {
      const [a, maple, river] = sockets as [BoardClient, BoardClient, BoardClient];
      const joins = await Promise.all(sockets.map((s) => emitAck(s, 'join', { sessionId: session.id })));
      const roster = (joins[0] as Snapshot).state.roster;
      const id = (alias: string) => roster.find((r) => r.alias === alias)!.memberId;
      let n = 0;
      const send = async (socket: BoardClient, command: unknown) =>
        expect(await emitAck(socket, 'command', { sessionId: session.id, id: `c${++n}`, command })).toMatchObject({ ok: true });
      await send(a, { type: 'session.start' });
      await send(a, { type: 'turn.start', speaker: { kind: 'member', memberId: id('Maple') } });
      await send(a, { type: 'turn.start', speaker: { kind: 'member', memberId: id('River') } });
      await send(a, { type: 'turn.end' });
      await send(a, { type: 'measure.open', runId: 'in', instrument: 'check-in' });
      await send(maple, { type: 'measure.answer', runId: 'in', answers: [checkIns[0]] });
      await send(river, { type: 'measure.answer', runId: 'in', answers: [checkIns[1]] });
      await send(a, { type: 'measure.close', runId: 'in' });
      await send(a, { type: 'measure.open', runId: 'phq', instrument: 'phq-9' });
      await send(maple, { type: 'measure.answer', runId: 'phq', answers: maplePhq });
      await send(river, { type: 'measure.answer', runId: 'phq', answers: [1, 1, 0, 1, 0, 0, 0, 0, 0] });
      await send(a, { type: 'session.end' });
    } finally {
      for (const s of sockets) s.close();
    }
  }

  it('shows a member\'s PHQ-9 against its bands with a table and reliable change, and the group\'s attendance and means', async () => {
    const cookie = await login(fx.server().url, FACILITATOR_A, DEMO_PASSWORD);
    await runWeek(cookie, 'Week 1', [3, 3, 2, 2, 2, 2, 2, 2, 0], [2, 6]); // 18, moderately severe
    await runWeek(cookie, 'Week 2', [2, 2, 2, 2, 1, 1, 1, 1, 0], [4, 6]); // 12, moderate
    await runWeek(cookie, 'Week 3', [1, 1, 1, 1, 1, 1, 1, 1, 0], [7, 5]); // 8, mild: down 10

    for (const kind of ['desktop', 'phone'] as const) {
      const page = await fx.open(kind);
      await signIn(page, FACILITATOR_A, DEMO_PASSWORD);
      await page.getByRole('link', { name: 'Maple: progress' }).first().click();
      await page.getByRole('heading', { name: 'Maple', level: 1 }).waitFor({ timeout: WAIT_MS });
      const phq = page.locator('[data-testid="trajectory"][data-instrument="phq-9"]');
      expect(await phq.getByTestId('change').textContent()).toMatch(/Reliable improvement: 18 → 8 \(-10\); a change of 6 or more is reliable, and lower is better/);
      // The chart is an image with a name, and its numbers are in the table beside it.
      expect(await phq.locator('svg[role="img"]').count()).toBe(1);
      expect((await phq.locator('table tbody td').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim())).toEqual([
        '18 Moderately severe',
        '12 Moderate',
        '8 Mild'
      ]);
      expect(await page.locator('[data-testid="trajectory"][data-instrument="check-in"] [data-testid="change"]').textContent()).toMatch(/No published threshold/);
      expect(await page.getByTestId('progress-sessions').locator('tbody tr').count()).toBe(3);
      if (kind === 'desktop') {
        // A facilitator adds a treatment goal here; the record of each session will rate it.
        const goals = page.getByTestId('goals');
        await goals.getByLabel('New goal').fill('Use a skill when urges rise');
        await goals.getByLabel(/^Target/).fill('Twice a week, self-reported');
        await goals.getByRole('button', { name: 'Add the goal' }).click();
        await goals.getByTestId('goal').filter({ hasText: 'Use a skill when urges rise' }).waitFor({ timeout: WAIT_MS });
        expect(await goals.getByTestId('goal-ratings').first().textContent()).toMatch(/Not rated in a record yet/);
      }
      await page.screenshot({ path: `${SHOTS}progress-member-${kind}.png`, fullPage: true });
      await phq.scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${SHOTS}progress-member-${kind}-phq9.png` });

      await page.getByRole('link', { name: /: progress$/ }).first().click();
      await page.getByRole('heading', { name: /: progress$/, level: 1 }).waitFor({ timeout: WAIT_MS });
      expect(await page.getByTestId('attendance-rate').textContent()).toMatch(/%$/);
      expect(await page.locator('[data-testid="group-mean"][data-instrument="phq-9"] table tbody tr').count()).toBe(3);
      await page.screenshot({ path: `${SHOTS}progress-group-${kind}.png`, fullPage: true });
    }
  });
});
