import { describe, expect, it } from 'vitest';
import { signIn } from '../support/browser.ts';
import { useBrowserFixture } from '../support/browserFixture.ts';
import { WAIT_MS } from '../support/live.ts';
import { DEMO_PASSWORD, FACILITATOR_A } from '../support/testServer.ts';

const SHOTS = new URL('../../test-results/', import.meta.url).pathname;

/** An intake as a facilitator writes it, from the home page to a decision and onto the roster. */
describe('intake in the browser', () => {
  const fx = useBrowserFixture();

  it('writes an intake with readiness and a decision, then puts the new member on the roster', async () => {
    const page = await fx.open('desktop');
    await signIn(page, FACILITATOR_A, DEMO_PASSWORD);
    await page.getByRole('link', { name: 'Intake' }).first().click();
    await page.getByRole('heading', { name: /^Intake:/, level: 1 }).waitFor({ timeout: WAIT_MS });

    await page.getByLabel('Alias in the group').fill('Rowan');
    await page.getByLabel('Referred by').fill('GP');
    await page.getByLabel('Their goals for the group').fill('Fewer panic attacks at work');
    for (const item of ['Can attend regularly at the group\'s day and time', 'Wants to work on their difficulties in a group', 'Their goals fit this group\'s focus']) {
      await page.getByLabel(item).check();
    }
    // A contraindication and "admit" do not go together: the page says so before anything is sent.
    await page.getByLabel('A crisis that needs individual attention first').check();
    await page.getByLabel('Admit', { exact: true }).check();
    await page.getByLabel('Why').fill('Ready, and the goals fit');
    await page.getByRole('button', { name: 'Save the intake' }).click();
    await expect.poll(() => page.getByRole('alert').textContent(), { timeout: WAIT_MS }).toMatch(/defer or refer/);
    await page.getByLabel('A crisis that needs individual attention first').uncheck();
    await page.getByRole('button', { name: 'Save the intake' }).click();
    const rowan = page.getByTestId('intake').filter({ hasText: 'Rowan' });
    await rowan.waitFor({ timeout: WAIT_MS });
    expect(await rowan.textContent()).toMatch(/Admit.*Ready, and the goals fit — Alex Rivera/s);
    expect(await rowan.textContent()).toMatch(/Readiness: 3 of 6/);
    await page.screenshot({ path: `${SHOTS}intake-laptop.png`, fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `${SHOTS}intake-phone.png`, fullPage: true });

    await rowan.getByRole('button', { name: 'Add Rowan to the roster' }).click();
    await expect.poll(() => page.getByRole('status').last().textContent(), { timeout: WAIT_MS }).toMatch(/Rowan is on the roster/);
    await page.goto('/');
    await page.getByRole('link', { name: 'Rowan: progress' }).first().waitFor({ timeout: WAIT_MS });
  });
});
