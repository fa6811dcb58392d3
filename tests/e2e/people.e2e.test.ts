import type { GroupSummary, SessionSummary } from '@hearth/shared';
import { describe, expect, it } from 'vitest';
import { signIn } from '../support/browser.ts';
import { useBrowserFixture } from '../support/browserFixture.ts';
import { present, reads, WAIT_MS, watch } from '../support/live.ts';
import { DEMO_PASSWORD, FACILITATOR_A } from '../support/testServer.ts';

const SHOTS = new URL('../../test-results/', import.meta.url).pathname;
/** The promise of deactivation: the colleague's open board closes within this, on every instance. */
const DEACTIVATION_MS = 2000;

/**
 * Running a practice's accounts in the browser: the admin invites a colleague, who sets a password
 * through the one-time link and is signed in; the admin deactivates them and their open board closes.
 */
describe('colleagues in the browser', () => {
  const fx = useBrowserFixture();

  it('invites a facilitator who sets a password, then deactivates them while their board is open', async () => {
    const admin = await fx.open('desktop');
    await signIn(admin, FACILITATOR_A, DEMO_PASSWORD);
    await admin.getByRole('link', { name: 'People' }).click();
    await admin.waitForURL((u) => u.pathname === '/settings/people');
    await admin.getByLabel('Name').fill('Jordan Park');
    await admin.getByLabel(/^Credentials/).fill('LPC');
    await admin.getByLabel('Email').fill('jordan@demo.hearth');
    await admin.getByRole('button', { name: 'Invite' }).click();
    const row = admin.locator('[data-testid="person"][data-email="jordan@demo.hearth"]');
    await expect.poll(() => row.getByTestId('person-status').textContent(), { timeout: WAIT_MS }).toMatch(/Invited/);
    const url = (await row.locator('[data-testid="invite-link"]').textContent())!.trim();
    expect(url).toMatch(/\/set-password\/[A-Za-z0-9_-]{40,}$/);
    await expect.poll(() => row.getByTestId('password-link').textContent(), { timeout: WAIT_MS }).toMatch(/Not emailed/);
    await admin.screenshot({ path: `${SHOTS}people-admin-laptop.png`, fullPage: true });

    // The colleague, on their own device, sets the password from the link (typed twice) and is in.
    const jordan = await fx.open('desktop');
    await jordan.goto(url);
    await expect.poll(() => jordan.getByRole('heading', { level: 1 }).textContent(), { timeout: WAIT_MS }).toBe('Welcome to Hearth');
    await jordan.getByLabel('New password').fill('a long enough passphrase');
    await jordan.getByLabel('The same password again').fill('a different passphrase');
    await jordan.getByRole('button', { name: 'Set password and sign in' }).click();
    await expect.poll(() => jordan.getByRole('alert').textContent(), { timeout: WAIT_MS }).toMatch(/not the same/);
    await jordan.getByLabel('The same password again').fill('a long enough passphrase');
    await jordan.screenshot({ path: `${SHOTS}people-set-password-laptop.png` });
    await jordan.getByRole('button', { name: 'Set password and sign in' }).click();
    await jordan.waitForURL((u) => u.pathname === '/', { timeout: WAIT_MS });
    await expect.poll(() => jordan.getByText('Signed in as Jordan Park').count(), { timeout: WAIT_MS }).toBe(1);

    // After the first sign-in Hearth offers a passkey; Chromium's virtual authenticator stands in for
    // the device's fingerprint reader. Then passkey alone signs in, and the password still does.
    const cdp = await jordan.context().newCDPSession(jordan);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true }
    });
    const offer = jordan.getByTestId('passkey-offer');
    await expect.poll(() => offer.count(), { timeout: WAIT_MS }).toBe(1);
    await jordan.screenshot({ path: `${SHOTS}people-passkey-offer-laptop.png` });
    await offer.getByLabel('Name for this passkey').fill('Work laptop');
    await offer.getByRole('button', { name: 'Add a passkey' }).click();
    await expect.poll(() => jordan.getByText('Passkey “Work laptop” added', { exact: false }).count(), { timeout: WAIT_MS }).toBe(1);
    await expect.poll(() => offer.count(), { timeout: WAIT_MS }).toBe(0);
    // The credential lives in the authenticator, discoverable (no username needed to sign in).
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]!.isResidentCredential).toBe(true);
    await jordan.getByRole('button', { name: 'Log out' }).click();
    await jordan.waitForURL((u) => u.pathname === '/login', { timeout: WAIT_MS });
    await jordan.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await jordan.waitForURL((u) => u.pathname === '/', { timeout: WAIT_MS });
    await expect.poll(() => jordan.getByText('Signed in as Jordan Park').count(), { timeout: WAIT_MS }).toBe(1);
    await jordan.getByRole('button', { name: 'Log out' }).click();
    await jordan.waitForURL((u) => u.pathname === '/login', { timeout: WAIT_MS });
    await signIn(jordan, 'jordan@demo.hearth', 'a long enough passphrase');
    await jordan.goto('/settings/account');
    await expect.poll(() => jordan.getByTestId('passkeys').textContent(), { timeout: WAIT_MS }).toMatch(/Work laptop.*last used/s);
    await jordan.screenshot({ path: `${SHOTS}people-account-passkeys-laptop.png` });
    // The link was for once.
    const again = await fx.open('phone');
    await again.goto(url);
    await expect.poll(() => again.getByRole('heading', { level: 1 }).textContent(), { timeout: WAIT_MS }).toBe('This link does not work');
    await again.screenshot({ path: `${SHOTS}people-link-spent-phone.png` });
    // The password is set (Jordan is signed in): the admin's list, loaded again, says so.
    await admin.reload();
    await expect.poll(() => row.getByTestId('person-status').textContent(), { timeout: WAIT_MS }).toBe('Active');

    // Jordan co-facilitates a group and has its board open.
    const created = await admin.context().request.post('/api/groups', { data: { name: 'Monday process group', aliases: ['Fern', 'Oak'], coFacilitatorEmail: 'jordan@demo.hearth' } });
    const group = ((await created.json()) as { group: GroupSummary }).group;
    const scheduled = await admin.context().request.post(`/api/groups/${group.id}/sessions`, { data: { title: 'Week 1', scheduledFor: null, agenda: [] } });
    const session = ((await scheduled.json()) as { session: SessionSummary }).session;
    await jordan.goto(`/sessions/${session.id}`);
    await expect.poll(() => jordan.getByTestId('connection').getAttribute('data-state'), { timeout: WAIT_MS }).toBe('connected');

    // Deactivated by the admin: within two seconds of the click the board is gone, replaced by the lock screen.
    const closed = await watch([jordan], present('[data-testid="lock-screen"][data-reason="ended"]'));
    await admin.reload();
    await row.getByRole('button', { name: 'Deactivate…' }).click();
    await row.getByRole('button', { name: 'Deactivate', exact: true }).click();
    const [seenAt] = await closed.shown();
    const actedAt = await admin.evaluate(() => window.__hearthActedAt ?? 0);
    expect(seenAt! - actedAt, 'from the click to the closed board').toBeLessThanOrEqual(DEACTIVATION_MS);
    expect(seenAt! - actedAt).toBeGreaterThanOrEqual(0);
    console.info(`deactivation: the open board closed ${seenAt! - actedAt} ms after the admin's click`);
    await (await watch([admin], reads('[data-testid="person"][data-email="jordan@demo.hearth"] [data-testid="person-status"]', 'Deactivated'))).shown();
    await jordan.screenshot({ path: `${SHOTS}people-deactivated-board-laptop.png` });
    expect(await jordan.locator('body').innerText()).toMatch(/deactivated/);
    expect(await jordan.locator('body').innerText()).not.toMatch(/Fern|Oak|Week 1/);
    // Signing in again is refused.
    await jordan.goto('/login');
    await jordan.getByLabel('Email').fill('jordan@demo.hearth');
    await jordan.getByLabel('Password').fill('a long enough passphrase');
    await jordan.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect.poll(() => jordan.getByRole('alert').textContent(), { timeout: WAIT_MS }).toMatch(/do not match/);
  });
});
