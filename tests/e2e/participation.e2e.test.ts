import { EVENT_AUDIENCE, type BoardEventType, type GroupSummary } from '@hearth/shared';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { recordFrames, signIn, type ReceivedFrame } from '../support/browser.ts';
import { useBrowserFixture } from '../support/browserFixture.ts';
import { WAIT_MS, reads, shows, watch } from '../support/live.ts';
import { DEMO_PASSWORD, FACILITATOR_A, FACILITATOR_B, SUPERVISOR, memberLink, type MemberSession } from '../support/testServer.ts';

const CLINICIAN_ONLY = (Object.keys(EVENT_AUDIENCE) as BoardEventType[]).filter((t) => !EVENT_AUDIENCE[t].includes('member'));
const SHOTS = new URL('../../test-results/', import.meta.url).pathname;

/**
 * Participation in the browser: a facilitator gives the floor by tap and by key, members raise hands
 * from phones, the floor goes to the first hand, and the balance panel of the co-facilitator and the
 * supervisor follows within a second — while the members' sockets receive no measures at all.
 */
describe('participation balance in the browser', () => {
  const fx = useBrowserFixture();
  const open = fx.open;
  const text = (page: Page, testId: string) => page.getByTestId(testId).first().textContent().then((t) => t?.trim() ?? '');
  /** The page's element with `testId` reads `expected`. */
  const says = (testId: string, expected: string | RegExp) => reads(`[data-testid="${testId}"]`, expected);

  /** A member joins from a phone through the invite link; every frame their socket receives is kept. */
  const memberJoins = async (session: MemberSession, alias: string): Promise<{ page: Page; frames: ReceivedFrame[] }> => {
    const page = await open('phone');
    const frames = recordFrames(page);
    await page.goto(await memberLink(fx.server().url, session, alias));
    await page.getByRole('button', { name: 'Join the session' }).click();
    await expect.poll(() => page.getByTestId('connection').getAttribute('data-state'), { timeout: WAIT_MS }).toBe('connected');
    return { page, frames };
  };

  it('gives the floor by tap, key and raised hand, and keeps the balance live for clinicians only', async () => {
    const a = await open('desktop');
    await signIn(a, FACILITATOR_A, DEMO_PASSWORD);
    const { groups } = (await (await a.context().request.get('/api/groups')).json()) as { groups: GroupSummary[] };
    const session = groups[0]!.sessions[0]!;
    await a.goto(`/sessions/${session.id}`);
    await a.getByRole('button', { name: 'Start session' }).click();

    const b = await open('desktop');
    await signIn(b, FACILITATOR_B, DEMO_PASSWORD);
    await b.goto(`/sessions/${session.id}`);
    const sup = await open('desktop');
    await signIn(sup, SUPERVISOR, DEMO_PASSWORD);
    await sup.goto(`/sessions/${session.id}`);
    const maple = await memberJoins(session, 'Maple');
    const river = await memberJoins(session, 'River');
    for (const p of [a, b, sup]) await expect.poll(() => text(p, 'balance-index'), { timeout: WAIT_MS }).toBe('—');

    // A taps Maple: the floor and the balance follow on B's and the supervisor's boards within a second.
    const mapleSpeaks = await watch([b, sup, maple.page, river.page], says('floor-holder', 'Maple'));
    const oneVoice = await watch([b, sup], says('balance-index', '0.00'));
    await a.getByTestId('floor-member').filter({ hasText: 'Maple' }).click();
    await mapleSpeaks.shownLive(a);
    // Two members are here and only Maple has spoken: one voice, index 0.
    await oneVoice.shownLive(a);

    // Keys: 2 is River (roster order), 0 a facilitator, Esc nobody.
    await a.locator('body').click({ position: { x: 5, y: 5 } });
    const riverSpeaks = await watch([b, sup, maple.page], says('floor-holder', 'River'));
    await a.keyboard.press('2');
    await riverSpeaks.shownLive(a);
    // Two voices now: the index rises above 0 on the co-facilitator's and supervisor's panels (as
    // River's talk time accrues, on the panel's one-second refresh: no promise of speed here).
    for (const p of [b, sup]) await shows(p, says('balance-index', /^0\.(0[1-9]|[1-9]\d)$|^1\.00$/));
    const facilitatorSpeaks = await watch([b, sup, river.page], says('floor-holder', 'A facilitator'));
    await a.keyboard.press('0');
    await facilitatorSpeaks.shownLive(a);
    await expect.poll(() => text(b, 'facilitator-talk'), { timeout: WAIT_MS }).toMatch(/Facilitators/);
    const openFloor = await watch([b, sup, maple.page], says('floor-holder', 'Open floor'));
    await a.keyboard.press('Escape');
    await openFloor.shownLive(a);

    // Members raise hands from their phones: River first, then Maple, who is told she is 2nd.
    const riverFirst = await watch([river.page], says('hands-count', /1st/));
    await river.page.getByTestId('hand-toggle').click();
    await riverFirst.shownLive(river.page);
    const mapleSecond = await watch([maple.page], says('hands-count', /Hands up: 2.*2nd/));
    await maple.page.getByTestId('hand-toggle').click();
    await mapleSecond.shownLive(maple.page);
    await expect.poll(() => a.getByTestId('hand').count(), { timeout: WAIT_MS }).toBe(2);

    // A gives the floor to the first hand: River speaks, River's hand comes down, Maple moves up.
    const riverAgain = await watch([b, sup, maple.page, river.page], says('floor-holder', 'River'));
    const mapleMovesUp = await watch([maple.page], says('hands-count', /Hands up: 1.*1st/));
    await a.getByRole('button', { name: 'Give the floor to River' }).click();
    await riverAgain.shownLive(a);
    await mapleMovesUp.shownLive(a);
    await expect.poll(() => river.page.getByTestId('hand-toggle').getAttribute('aria-pressed'), { timeout: WAIT_MS }).toBe('false');
    // Both clinicians' tables count River's second turn.
    for (const p of [b, sup]) {
      const riverRow = p.getByTestId('talk-table').locator('tr', { hasText: 'River' });
      await expect.poll(() => riverRow.getByTestId('turn-count').textContent(), { timeout: WAIT_MS }).toBe('2');
    }

    // The supervisor watches: no floor controls.
    expect(await sup.getByTestId('floor-member').count()).toBe(0);
    expect(await sup.getByRole('button', { name: /Give the floor/ }).count()).toBe(0);

    // What each member's socket received: floor and hands, never turns, attendance, settings or measures.
    for (const { frames } of [maple, river]) {
      const events = frames.filter((f) => f.name === 'event');
      expect(events.length).toBeGreaterThan(4);
      for (const f of events) expect(CLINICIAN_ONLY).not.toContain((f.payload as { event: { type: BoardEventType } }).event.type);
      const all = frames.map((f) => f.raw).join('\n');
      for (const word of ['turn.started', 'talkMs', 'share', 'balance', 'gini', 'nudge', 'fair share', "hasn't spoken", 'quietFraction', 'member.arrived']) {
        expect(all).not.toContain(word);
      }
      // The snapshot a member got on joining has no turn history, attendance or settings at all.
      const acks = frames.filter((f) => f.name === 'ack' && typeof f.payload === 'object' && f.payload !== null && 'state' in f.payload);
      expect(acks.length).toBeGreaterThanOrEqual(1);
      for (const ack of acks) {
        const state = (ack.payload as { state: Record<string, unknown> }).state;
        for (const field of ['turns', 'present', 'settings']) expect(Object.keys(state)).not.toContain(field);
        expect(Object.keys(state)).toContain('floor');
      }
    }

    await b.screenshot({ path: `${SHOTS}participation-cofacilitator.png`, fullPage: true });
    await maple.page.screenshot({ path: `${SHOTS}participation-member.png`, fullPage: true });
  });
});
