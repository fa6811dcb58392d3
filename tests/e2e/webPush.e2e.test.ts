import type { GroupSummary } from '@hearth/shared';
import type { CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../support/browser.ts';
import { useBrowserFixture } from '../support/browserFixture.ts';
import { WAIT_MS } from '../support/live.ts';
import { DEMO_PASSWORD, FACILITATOR_A, SUPERVISOR } from '../support/testServer.ts';
import { waitFor } from '../support/wait.ts';
import { pushReceiver, recorder, type Recorder } from '../support/webPush.ts';

const SHOTS = new URL('../../test-results/', import.meta.url).pathname;
const NOTE = 'Talked about the pills in the cabinet';

interface ShownNotification {
  readonly title: string;
  readonly body: string;
  readonly tag: string;
  readonly data: unknown;
  readonly requireInteraction: boolean;
  /** When it was shown: a notification replaced under the same tag gets a new one. */
  readonly timestamp: number;
}

/** The notifications Hearth's service worker is showing for the page's origin. */
const shown = (page: Page) =>
  page.evaluate(async () =>
    (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data as unknown, requireInteraction: n.requireInteraction, timestamp: (n as Notification & { readonly timestamp: number }).timestamp }))
  ) as Promise<ShownNotification[]>;

/**
 * The id Chromium gives the page's service worker registration, through the DevTools protocol, once
 * its worker is activated (a push delivered to a registration still installing is dropped).
 */
async function activeRegistrationOf(cdp: CDPSession, origin: string): Promise<string> {
  let id: string | undefined;
  const activated = new Set<string>();
  cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
    id = registrations.find((r) => !r.isDeleted && r.scopeURL === `${origin}/`)?.registrationId ?? id;
  });
  cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
    for (const v of versions) if (v.status === 'activated') activated.add(v.registrationId);
  });
  await cdp.send('ServiceWorker.enable');
  await waitFor(() => id !== undefined && activated.has(id), WAIT_MS, 'the service worker to be activated');
  return id!;
}

/**
 * Web Push on a real page: the clinician turns alerts on from the home page, which registers Hearth's
 * service worker; a crisis raised on a board sends an encrypted push to the device's subscription
 * (a loopback push service that records it, decrypted with the device's keys); the decrypted message,
 * handed to the page's service worker as the browser's push service would, shows a notification that
 * links to the board and holds no clinical text.
 *
 * Chromium creates no subscription of its own here: its push service is Google's, which this machine
 * cannot reach (and a test profile is incognito, where Chromium has no Push API). The page's answer to
 * that is checked too; the device's subscription is then the loopback one, saved with the page's own
 * sign-in.
 */
describe('web push reaches a clinician\'s browser', () => {
  const fx = useBrowserFixture();
  let pushService: Recorder;
  beforeAll(async () => {
    pushService = await recorder();
  });
  afterAll(async () => {
    await pushService?.close();
  });

  it('registers the service worker from the home page, and a crisis push shows a notification to the board with nothing clinical in it', async () => {
    const sup = await fx.open('desktop');
    const origin = new URL(fx.server().url).origin;
    await sup.context().grantPermissions(['notifications'], { origin });
    await signIn(sup, SUPERVISOR, DEMO_PASSWORD);
    const cdp = await sup.context().newCDPSession(sup);
    const registration = activeRegistrationOf(cdp, origin);

    // Turning alerts on registers the worker; the browser cannot subscribe, and the page says what still works.
    const alerts = sup.getByTestId('device-alerts');
    await alerts.getByRole('button', { name: 'Get crisis alerts on this device' }).click();
    const status = alerts.getByRole('status');
    await status.waitFor({ timeout: WAIT_MS });
    expect(await status.textContent()).toMatch(/Notifications are on while a Hearth page is open/);
    // The card no longer promises what the browser could not do; it offers to try again.
    expect(await alerts.textContent()).not.toMatch(/also reach you when Hearth is in the background or closed/);
    await alerts.getByRole('button', { name: 'Try registering again' }).waitFor();
    const registrationId = await registration;
    expect(await sup.evaluate(async () => (await navigator.serviceWorker.getRegistration('/'))?.active?.scriptURL)).toBe(`${origin}/push-worker.js`);
    await sup.screenshot({ path: `${SHOTS}web-push-home-laptop.png` });

    // The device's subscription: the loopback push service, with this device's keys.
    const device = pushReceiver();
    const saved = await sup.context().request.put('/api/push/subscription', { data: { endpoint: `${pushService.url}/push/supervisor-laptop`, expirationTime: null, keys: device.keys } });
    expect(saved.status()).toBe(204);

    // A crisis on a board the supervisor does not have open.
    const a = await fx.open('desktop');
    await signIn(a, FACILITATOR_A, DEMO_PASSWORD);
    const group = ((await (await a.context().request.get('/api/groups')).json()) as { groups: GroupSummary[] }).groups[0]!;
    const session = group.sessions.find((s) => s.status === 'scheduled')!;
    const member = group.members[0]!;
    const command = async (id: string, cmd: object) => expect((await a.context().request.post(`/api/sessions/${session.id}/commands`, { data: { id, command: cmd } })).status()).toBe(200);
    await command('go', { type: 'session.start' });
    await command('crisis', { type: 'flag.raise', flagId: 'c1', category: 'safety-risk', severity: 'crisis', memberIds: [member.id], note: NOTE });

    await waitFor(() => pushService.received.length > 0, 5000, 'the push message');
    const pushed = pushService.received[0]!;
    expect(pushed.path).toBe('/push/supervisor-laptop');
    expect(pushed.headers['content-encoding']).toBe('aes128gcm');
    const payload = device.decrypt(pushed.body);
    const notice = JSON.parse(payload) as { sessionUrl: string };
    expect(new URL(notice.sessionUrl).pathname).toBe(`/sessions/${session.id}`);
    for (const clinical of [NOTE, member.alias, group.name, session.title]) expect(payload).not.toContain(clinical);

    // The browser's push service would hand the worker exactly this; the worker shows the notification.
    expect(await shown(sup)).toEqual([]);
    await cdp.send('ServiceWorker.deliverPushMessage', { origin, registrationId, data: payload });
    await expect.poll(async () => (await shown(sup)).length, { timeout: WAIT_MS }).toBe(1);
    const [notification] = await shown(sup);
    expect(notification).toMatchObject({ title: 'Crisis flag in a live session', requireInteraction: true, data: { url: notice.sessionUrl } });
    const text = JSON.stringify(notification);
    for (const clinical of [NOTE, member.alias, group.name, session.title]) expect(text).not.toContain(clinical);

    // A second push for the same board replaces the notification rather than stacking a second one.
    await cdp.send('ServiceWorker.deliverPushMessage', { origin, registrationId, data: payload });
    await expect.poll(async () => (await shown(sup)).some((n) => n.timestamp > notification!.timestamp), { timeout: WAIT_MS }).toBe(true);
    expect(await shown(sup)).toHaveLength(1);
  }, 60_000);

  it('says notifications are blocked when the clinician refuses them, and registers nothing', async () => {
    const sup = await fx.open('desktop');
    await signIn(sup, SUPERVISOR, DEMO_PASSWORD);
    // No permission granted: a headless browser answers the request as refused.
    const alerts = sup.getByTestId('device-alerts');
    await alerts.getByRole('button', { name: 'Get crisis alerts on this device' }).click();
    const status = alerts.getByRole('status');
    await status.waitFor({ timeout: WAIT_MS });
    expect(await status.textContent()).toMatch(/Notifications are blocked for Hearth in this browser/);
    expect(await sup.evaluate(async () => (await navigator.serviceWorker.getRegistration('/')) === undefined)).toBe(true);
  }, 30_000);
});
