import type { GroupSummary } from '@hearth/shared';
import { describe, expect, it } from 'vitest';
import { signIn } from '../support/browser.ts';
import { useBrowserFixture } from '../support/browserFixture.ts';
import { WAIT_MS } from '../support/live.ts';
import { DEMO_PASSWORD, FACILITATOR_A, memberLink } from '../support/testServer.ts';

const SHOTS = new URL('../../test-results/', import.meta.url).pathname;

/** An organization's own instrument, entered on the settings page, opened on a member's phone from the board. */
describe('an organization\'s own instrument in the browser', () => {
  const fx = useBrowserFixture();

  it('is entered once and then offered on the board, and a member answers it on their phone', async () => {
    const page = await fx.open('desktop');
    await signIn(page, FACILITATOR_A, DEMO_PASSWORD);
    await page.getByRole('link', { name: 'Measures' }).first().click();
    await page.getByRole('heading', { name: 'Measures', level: 1 }).waitFor({ timeout: WAIT_MS });
    await page.getByLabel('Title').fill('Sleep check');
    await page.getByLabel(/^Instructions/).fill('Over the last week:');
    await page.getByLabel(/^Questions/).fill('How well did you sleep?\nHow rested did you feel on waking?');
    await page.getByLabel('Lowest', { exact: true }).fill('0');
    await page.getByLabel('What the lowest point is called').fill('Not at all');
    await page.getByLabel('Highest', { exact: true }).fill('4');
    await page.getByLabel('What the highest point is called').fill('Very');
    await page.getByLabel(/^Bands/).fill('0-3 Poor\n4-8 Fair to good');
    await page.getByLabel('Which totals are highlighted').selectOption('low');
    await page.getByLabel('Cut-off').fill('3');
    await page.getByRole('button', { name: 'Add the instrument' }).click();
    await expect.poll(() => page.getByTestId('own-instruments').textContent(), { timeout: WAIT_MS }).toMatch(/Sleep check.*2 questions, 0–4, summed; highlighted at or below 3/s);
    await page.screenshot({ path: `${SHOTS}own-instruments.png`, fullPage: true });

    const { groups } = (await (await page.context().request.get('/api/groups')).json()) as { groups: GroupSummary[] };
    const session = groups[0]!.sessions.find((s) => s.status === 'scheduled')!;
    await page.goto(`/sessions/${session.id}`);
    await page.getByRole('button', { name: 'Start session' }).click();
    const member = await fx.open('phone');
    await member.goto(await memberLink(fx.server().url, session, 'Willow'));
    await member.getByRole('button', { name: 'Join the session' }).click();
    await expect.poll(() => member.getByTestId('connection').getAttribute('data-state'), { timeout: WAIT_MS }).toBe('connected');

    const panel = page.getByTestId('measures-panel');
    await panel.getByLabel('Ask every member').selectOption('org-sleep-check');
    await panel.getByRole('button', { name: 'Open on members\' phones' }).click();
    await expect.poll(() => member.getByTestId('measure-question').textContent(), { timeout: WAIT_MS }).toBe('How well did you sleep?');
    await member.screenshot({ path: `${SHOTS}own-instrument-member.png` });
    await member.getByTestId('member-measure').getByRole('button', { name: /^1\b/ }).click();
    await member.getByTestId('member-measure').getByRole('button', { name: /^1\b/ }).click();
    await member.getByTestId('measure-send').click();
    await member.getByTestId('measure-thanks').waitFor({ timeout: WAIT_MS });
    await expect.poll(() => panel.locator('.concern').first().textContent(), { timeout: WAIT_MS }).toMatch(/Willow\s*2 · Poor\s*· low/);
  });
});
