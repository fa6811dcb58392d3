import { DEFAULT_CRISIS_PROTOCOL, type BoardState, type GroupSummary } from '@hearth/shared';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { signIn } from '../support/browser.ts';
import { boardAt } from '../support/probes.ts';
import { useBrowserFixture } from '../support/browserFixture.ts';
import { WAIT_MS } from '../support/live.ts';
import { DEMO_PASSWORD, FACILITATOR_A, FACILITATOR_B, SUPERVISOR } from '../support/testServer.ts';

const SHOTS = new URL('../../test-results/', import.meta.url).pathname;
const NOTE = 'Said they had a plan for tonight';

/**
 * A crisis raised on one board reaches every clinician of the group on whatever Hearth page they have
 * open; a facilitator with nobody to acknowledge it takes it up after the wait; resolving it clears
 * every banner.
 */
describe('crisis reach in the browser', () => {
  const fx = useBrowserFixture();

  const sessionsOf = async (page: Page) => ((await (await page.context().request.get('/api/groups')).json()) as { groups: GroupSummary[] }).groups[0]!;
  const command = async (page: Page, sessionId: string, id: string, cmd: object) =>
    expect((await page.context().request.post(`/api/sessions/${sessionId}/commands`, { data: { id, command: cmd } })).status()).toBe(200);

  it('reaches the supervisor on the home page and the co-facilitator on another session within 2 s; the raiser acknowledges alone after the wait; resolving clears every banner', async () => {
    const a = await fx.open('desktop');
    await signIn(a, FACILITATOR_A, DEMO_PASSWORD);
    // A short wait for the solo acknowledgement (the protocol's least), so the test does not sit for a minute.
    expect((await a.context().request.put('/api/organization/crisis-protocol', { data: { ...DEFAULT_CRISIS_PROTOCOL, soloAcknowledgeAfterSeconds: 10 } })).status()).toBe(200);
    const group = await sessionsOf(a);
    const session = group.sessions.find((s) => s.status === 'scheduled');
    const planned = await a.context().request.post(`/api/groups/${group.id}/sessions`, { data: { title: 'Next week', scheduledFor: null, agenda: [] } });
    expect(planned.status()).toBe(201);
    const other = ((await planned.json()) as { session: { id: string } }).session;
    await command(a, session!.id, 'go', { type: 'session.start' });
    await a.goto(`/sessions/${session!.id}`);
    await expect.poll(() => a.getByTestId('connection').getAttribute('data-state'), { timeout: WAIT_MS }).toBe('connected');

    const sup = await fx.open('desktop');
    // The page's alert socket is up once its catch-up request is answered.
    const supListening = sup.waitForResponse((r) => r.url().endsWith('/api/alerts'));
    await signIn(sup, SUPERVISOR, DEMO_PASSWORD);
    const b = await fx.open('desktop');
    await signIn(b, FACILITATOR_B, DEMO_PASSWORD);
    const bListening = b.waitForResponse((r) => r.url().endsWith('/api/alerts'));
    await b.goto(`/sessions/${other!.id}`);
    await bListening;
    await expect.poll(() => b.getByTestId('connection').getAttribute('data-state'), { timeout: WAIT_MS }).toBe('connected');
    await supListening;

    const member = (await sessionsOf(a)).members[0]!;
    const sent = Date.now();
    await command(a, session!.id, 'crisis', { type: 'flag.raise', flagId: 'c1', category: 'safety-risk', severity: 'crisis', memberIds: [member.id], note: NOTE });
    const supBanner = sup.getByTestId('crisis-reach');
    const bBanner = b.getByTestId('crisis-reach');
    await Promise.all([supBanner.waitFor({ timeout: 2000 }), bBanner.waitFor({ timeout: 2000 })]);
    const reached = Date.now() - sent;
    expect(reached).toBeLessThan(2000);
    for (const banner of [supBanner, bBanner]) {
      expect(await banner.textContent()).toMatch(/Crisis flag raised/);
      expect(await banner.getByTestId('crisis-reach-link').getAttribute('href')).toBe(`/sessions/${session!.id}`);
      // Where and when, not what: the note and the member stay on the board.
      expect(await banner.textContent()).not.toContain(NOTE);
      expect(await banner.textContent()).not.toContain(member.alias);
    }
    await sup.screenshot({ path: `${SHOTS}crisis-reach-home-laptop.png` });
    await b.screenshot({ path: `${SHOTS}crisis-reach-other-session-laptop.png` });

    // The raiser's board: waiting, then (after the 10 s wait) the solo acknowledgement.
    const alert = a.getByTestId('crisis-alert');
    await alert.waitFor({ timeout: WAIT_MS });
    expect(await alert.getByTestId('crisis-waiting').textContent()).toMatch(/if nobody has in \d+ s/);
    const solo = alert.getByTestId('crisis-acknowledge-solo');
    await solo.waitFor({ timeout: 15_000 });
    await a.screenshot({ path: `${SHOTS}crisis-solo-acknowledge-laptop.png` });
    await solo.click();
    await expect.poll(() => a.getByTestId('crisis-alert').count(), { timeout: WAIT_MS }).toBe(0);
    const cookie = (await a.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const view = await boardAt(fx.server().url, { cookie }, session!.id);
    expect((view.state as BoardState).flags.find((f) => f.id === 'c1')?.acknowledged).toMatchObject({ solo: true });
    // Everyone else's banner turns to "being handled".
    await expect.poll(() => supBanner.locator('li').getAttribute('data-state'), { timeout: 2000 }).toBe('acknowledged');

    // Resolved: every banner clears.
    await command(a, session!.id, 'resolve', { type: 'flag.resolve', flagId: 'c1', outcome: 'Safety plan made; on-call informed.' });
    await expect.poll(async () => (await supBanner.count()) + (await bBanner.count()), { timeout: 2000 }).toBe(0);
  }, 60_000);
});
