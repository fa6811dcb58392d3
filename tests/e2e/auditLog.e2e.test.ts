import { AxeBuilder } from '@axe-core/playwright';
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { signIn } from '../support/browser.ts';
import { useBrowserFixture } from '../support/browserFixture.ts';
import { WAIT_MS } from '../support/live.ts';
import { DEMO_PASSWORD, FACILITATOR_A, SUPERVISOR } from '../support/testServer.ts';

const SHOTS = new URL('../../test-results/', import.meta.url).pathname;

/** Serious and critical axe findings on the page as it is now, by rule and element. */
async function axeProblems(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
}

/**
 * The organization's audit log in the browser: its administrator opens it from the home page, reads
 * the entries in a table, verifies the chain and downloads the CSV — on a laptop and on a phone, by
 * keyboard as well as pointer. A clinician who is not an administrator has no link and no page.
 */
describe('the audit log in the browser', () => {
  const fx = useBrowserFixture();

  it('lists entries, verifies the chain and downloads the CSV, on a laptop and a phone', async () => {
    const page = await fx.open('desktop');
    await page.setViewportSize({ width: 1366, height: 768 });
    await signIn(page, FACILITATOR_A, DEMO_PASSWORD);
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.waitForURL((u) => u.pathname === '/settings/audit');
    const table = page.getByRole('table');
    await expect.poll(() => table.getByRole('columnheader').allTextContents(), { timeout: WAIT_MS }).toEqual(['When', 'Who', 'Action', 'Target', 'From']);
    // Newest first: opening the log, then the sign-in that led here.
    const firstRows = table.getByRole('row');
    await expect.poll(() => firstRows.nth(1).textContent(), { timeout: WAIT_MS }).toMatch(/Alex Rivera.*audit\.view/s);
    expect(await table.getByText('login', { exact: true }).count()).toBeGreaterThan(0);

    // Verify, by keyboard.
    await page.getByRole('button', { name: 'Verify the chain' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('verify-result').textContent(), { timeout: WAIT_MS }).toMatch(/The chain holds: \d+ entries checked/);
    expect(await axeProblems(page)).toEqual([]);
    await page.screenshot({ path: `${SHOTS}audit-log-laptop.png`, fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^hearth-audit-\d{4}-\d\d-\d\d\.csv$/);
    const csv = await readFile((await download.path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toBe('entry_id,at,actor_name,actor_role,actor_id,action,target,ip,chain_seq,hash');
    expect(csv).toContain('"Alex Rivera","clinician"');

    const phone = await fx.open('phone');
    await signIn(phone, FACILITATOR_A, DEMO_PASSWORD);
    await phone.goto('/settings/audit');
    await phone.getByRole('table').waitFor({ timeout: WAIT_MS });
    await phone.getByRole('button', { name: 'Verify the chain' }).click();
    await expect.poll(() => phone.getByTestId('verify-result').textContent(), { timeout: WAIT_MS }).toMatch(/The chain holds/);
    // Nothing but the table's own region scrolls sideways.
    expect(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    expect(await axeProblems(phone)).toEqual([]);
    await phone.screenshot({ path: `${SHOTS}audit-log-phone.png`, fullPage: true });

    const supervisor = await fx.open('desktop');
    await signIn(supervisor, SUPERVISOR, DEMO_PASSWORD);
    expect(await supervisor.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
    await supervisor.goto('/settings/audit');
    await expect.poll(() => supervisor.getByRole('heading', { level: 1 }).textContent(), { timeout: WAIT_MS }).toBe('Not allowed');
    expect(await supervisor.getByText('Only an administrator of your organization reads its audit log.').count()).toBe(1);
  });
});
