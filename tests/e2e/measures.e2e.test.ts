import type { GroupSummary } from '@hearth/shared';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { recordFrames, signIn, type ReceivedFrame } from '../support/browser.ts';
import { useBrowserFixture } from '../support/browserFixture.ts';
import { WAIT_MS } from '../support/live.ts';
import { DEMO_PASSWORD, FACILITATOR_A, SUPERVISOR, memberLink, type MemberSession } from '../support/testServer.ts';

const SHOTS = new URL('../../test-results/', import.meta.url).pathname;

/**
 * PHQ-9 in the browser: a facilitator opens it from the board, two members answer on their phones one
 * question a screen (one skips a question), the clinicians see "n of 2 answered" and the scores live,
 * Maple's question 9 answer raises a safety flag on the clinicians' boards — and each member's socket
 * receives their own answers only, nothing of the flag and nothing of the other member's.
 */
describe('measures in the browser', () => {
  const fx = useBrowserFixture();
  const open = fx.open;

  const memberJoins = async (session: MemberSession, alias: string): Promise<{ page: Page; frames: ReceivedFrame[] }> => {
    const page = await open('phone');
    const frames = recordFrames(page);
    await page.goto(await memberLink(fx.server().url, session, alias));
    // First join: the group agreement, on the member's own phone, accepted by joining.
    await page.getByTestId('group-agreement').waitFor({ timeout: WAIT_MS });
    if (alias === 'Maple') await page.screenshot({ path: `${SHOTS}member-agreement.png`, fullPage: true });
    await page.getByRole('button', { name: 'Join the session' }).click();
    await expect.poll(() => page.getByTestId('connection').getAttribute('data-state'), { timeout: WAIT_MS }).toBe('connected');
    return { page, frames };
  };

  /** Answers the open measure on a member's phone, one tap a question: `null` skips it. */
  const answer = async (page: Page, choices: readonly (string | null)[]) => {
    for (const [n, choice] of choices.entries()) {
      await page.getByText(`Question ${n + 1} of ${choices.length}`, { exact: true }).waitFor({ timeout: WAIT_MS });
      if (choice === null) await page.getByRole('button', { name: 'Skip this question' }).click();
      else await page.getByTestId('member-measure').getByRole('button', { name: choice, exact: true }).click();
    }
    await page.getByTestId('measure-send').click();
    await page.getByTestId('measure-thanks').waitFor({ timeout: WAIT_MS });
  };

  it('opens PHQ-9 on members\' phones, shows the clinicians each answer live and flags question 9 for them alone', async () => {
    const a = await open('desktop');
    await signIn(a, FACILITATOR_A, DEMO_PASSWORD);
    const { groups } = (await (await a.context().request.get('/api/groups')).json()) as { groups: GroupSummary[] };
    const session = groups[0]!.sessions.find((s) => s.status === 'scheduled')!;
    // PHQ-9 on a schedule, set on the home page: every member is due at their first session.
    await a.getByText('Measures: schedule and wording').first().click();
    const form = a.getByTestId('measure-schedule').first();
    await form.getByLabel('PHQ-9', { exact: true }).check();
    await form.getByLabel('PHQ-9: every how many sessions').fill('4');
    await form.getByRole('button', { name: 'Save the schedule' }).click();
    await expect.poll(() => form.getByRole('status').textContent(), { timeout: WAIT_MS }).toBe('Saved: PHQ-9 every 4 sessions.');
    await a.goto(`/sessions/${session.id}`);
    await a.getByRole('button', { name: 'Start session' }).click();
    const sup = await open('desktop');
    await signIn(sup, SUPERVISOR, DEMO_PASSWORD);
    await sup.goto(`/sessions/${session.id}`);
    const maple = await memberJoins(session, 'Maple');
    const river = await memberJoins(session, 'River');

    const panel = a.getByTestId('measures-panel');
    await expect.poll(() => panel.getByTestId('measures-due').textContent(), { timeout: WAIT_MS }).toMatch(/PHQ-9 due \(every 4 sessions\): .*Maple/);
    await panel.getByLabel('Ask every member').selectOption('phq-9');
    await panel.getByRole('button', { name: 'Open on members\' phones' }).click();
    await expect.poll(() => a.getByTestId('measure-count').textContent(), { timeout: WAIT_MS }).toMatch(/PHQ-9.*0 of 2 answered/);

    // One question a screen, big answers, the exact wording.
    await maple.page.getByTestId('member-measure').waitFor({ timeout: WAIT_MS });
    expect(await maple.page.getByTestId('measure-question').textContent()).toBe('Little interest or pleasure in doing things');
    await maple.page.screenshot({ path: `${SHOTS}measures-member-question.png` });
    const tap = await maple.page.getByTestId('member-measure').getByRole('button', { name: 'Nearly every day' }).boundingBox();
    expect(tap!.height).toBeGreaterThanOrEqual(44);

    // Maple: 7 in all, "More than half the days" on question 9. River skips question 8.
    const N = 'Not at all';
    const S = 'Several days';
    const H = 'More than half the days';
    await answer(maple.page, [S, S, N, H, N, S, N, N, H]);
    await maple.page.screenshot({ path: `${SHOTS}measures-member-thanks.png` });
    await expect.poll(() => a.getByTestId('measure-count').textContent(), { timeout: WAIT_MS }).toMatch(/1 of 2 answered/);
    // Maple has done it: no longer due. River still is.
    await expect.poll(() => panel.getByTestId('measures-due').textContent(), { timeout: WAIT_MS }).not.toMatch(/Maple/);
    expect(await panel.getByTestId('measures-due').textContent()).toMatch(/River/);
    await answer(river.page, [N, S, N, S, N, S, N, null, N]);
    for (const p of [a, sup]) await expect.poll(() => p.getByTestId('measure-count').textContent(), { timeout: WAIT_MS }).toMatch(/2 of 2 answered/);

    const rows = () => panel.getByTestId('measure-response').allTextContents();
    expect((await rows()).map((t) => t.replace(/\s+/g, ' ').trim())).toEqual(['Maple 7 · Mild', 'River incomplete']);
    // The safety flag about Maple, on both clinicians' boards, raised by no clinician.
    for (const p of [a, sup]) {
      const flag = p.getByTestId('flag').filter({ hasText: 'PHQ-9' }).first();
      await flag.waitFor({ timeout: WAIT_MS });
      expect(await flag.textContent()).toMatch(/Raised by a member's answers/);
    }
    await a.screenshot({ path: `${SHOTS}measures-facilitator.png`, fullPage: true });

    // What each phone received: its own answers, on its own channel; nothing of the flag or of the other member.
    const eventsOf = (frames: ReceivedFrame[]) => frames.filter((f) => f.name === 'event' || f.name === 'private').map((f) => f.payload as { event: { type: string; memberId?: string } });
    for (const [self, other] of [
      [maple, river],
      [river, maple]
    ] as const) {
      const answered = eventsOf(self.frames).filter((m) => m.event.type === 'measure.answered');
      expect(answered).toHaveLength(1);
      const own = answered[0]!.event.memberId;
      expect(eventsOf(other.frames).some((m) => m.event.type === 'measure.answered' && m.event.memberId === own)).toBe(false);
      const text = JSON.stringify(self.frames);
      expect(text).not.toContain('flag.raised');
      expect(text).not.toContain('safety-risk');
    }
    // The check-in next: 0–10 as a grid of numbers; a low rating is highlighted for the clinicians.
    await panel.getByRole('button', { name: 'Close PHQ-9' }).click();
    await panel.getByLabel('Ask every member').selectOption('check-in');
    await panel.getByRole('button', { name: 'Open on members\' phones' }).click();
    await expect.poll(() => maple.page.getByTestId('measure-question').textContent(), { timeout: WAIT_MS }).toBe('How are you arriving today?');
    await maple.page.screenshot({ path: `${SHOTS}measures-member-checkin.png` });
    await maple.page.getByTestId('member-measure').getByRole('button', { name: /^2\b/ }).click();
    await maple.page.getByTestId('measure-send').click();
    await maple.page.getByTestId('measure-thanks').waitFor({ timeout: WAIT_MS });
    await expect.poll(() => panel.locator('.concern').first().textContent(), { timeout: WAIT_MS }).toMatch(/Maple\s*2\s*· low/);
    await expect.poll(() => panel.locator('details summary').first().textContent()).toMatch(/PHQ-9: 2 answered/);

    // Members' screens show no score and no flag.
    for (const m of [maple, river]) {
      const body = (await m.page.locator('body').textContent()) ?? '';
      expect(body).not.toMatch(/Mild|flag|risk|River 3|Maple 7/i);
    }
  });
});
