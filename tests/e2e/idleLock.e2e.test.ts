import type { GroupSummary } from '@hearth/shared';
import { describe, expect, it } from 'vitest';
import { signIn } from '../support/browser.ts';
import { useBrowserFixture } from '../support/browserFixture.ts';
import { WAIT_MS } from '../support/live.ts';
import { DEMO_PASSWORD, FACILITATOR_A } from '../support/testServer.ts';

const SHOTS = new URL('../../test-results/', import.meta.url).pathname;
const NOTE = 'Voiced thoughts of not wanting to be here';

/**
 * The idle lock on a fake clock: a board left alone past SESSION_IDLE_MINUTES (120 by default) shows
 * nothing clinical — asserted on the DOM's text — until its clinician signs in again; the lock button
 * locks at once.
 */
describe('the idle lock', () => {
  const fx = useBrowserFixture();

  it('locks an idle board, keeps no clinical text in the page, and restores it on unlock', async () => {
    const page = await fx.open('desktop');
    await page.clock.install();
    await signIn(page, FACILITATOR_A, DEMO_PASSWORD);
    const group = ((await (await page.context().request.get('/api/groups')).json()) as { groups: GroupSummary[] }).groups[0]!;
    const session = group.sessions.find((s) => s.status === 'scheduled')!;
    const member = group.members[0]!;
    const command = async (id: string, cmd: object) =>
      expect((await page.context().request.post(`/api/sessions/${session.id}/commands`, { data: { id, command: cmd } })).status()).toBe(200);
    await command('go', { type: 'session.start' });
    await command('flag', { type: 'flag.raise', flagId: 'si', category: 'safety-risk', severity: 'high', memberIds: [member.id], note: NOTE });
    await page.goto(`/sessions/${session.id}`);
    await expect.poll(() => page.getByTestId('connection').getAttribute('data-state'), { timeout: WAIT_MS }).toBe('connected');
    await expect.poll(() => page.locator('body').innerText(), { timeout: WAIT_MS }).toContain(NOTE);

    // An hour and a half without input: still open. Then past two hours: locked.
    await page.clock.fastForward('01:30:00');
    expect(await page.getByTestId('lock-screen').count()).toBe(0);
    await page.clock.fastForward('00:31:00');
    await page.getByTestId('lock-screen').waitFor({ timeout: WAIT_MS });
    const text = await page.locator('body').innerText();
    expect(text).toContain('Hearth is locked');
    for (const clinical of [NOTE, member.alias, session.title, 'Floor', 'Notes']) expect(text).not.toContain(clinical);
    // Hidden is not enough: the board is gone from the DOM, not covered.
    expect(await page.locator('[data-testid="crisis-alert"], [data-testid="connection"], .flag').count()).toBe(0);
    expect(await page.content()).not.toContain(NOTE);
    await page.screenshot({ path: `${SHOTS}idle-lock-laptop.png` });
    // The lock ended the login on the server: the API refuses it until the clinician signs in again.
    expect((await page.context().request.get('/api/me')).status()).toBe(401);

    // The wrong password keeps it locked; the right one brings the board back.
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').filter({ hasText: 'not right' }).count(), { timeout: WAIT_MS }).toBe(1);
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
    await expect.poll(() => page.locator('body').innerText(), { timeout: WAIT_MS }).toContain(NOTE);
    expect(await page.getByTestId('lock-screen').count()).toBe(0);

    // Locking by hand (Ctrl+Alt+L) takes effect at once.
    await page.keyboard.press('Control+Alt+KeyL');
    await page.getByTestId('lock-screen').waitFor({ timeout: WAIT_MS });
    expect(await page.locator('body').innerText()).not.toContain(NOTE);
  }, 60_000);
});
