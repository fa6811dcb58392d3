import type { GroupSummary } from '@hearth/shared';
import { describe, expect, it } from 'vitest';
import { signIn } from '../support/browser.ts';
import { useBrowserFixture } from '../support/browserFixture.ts';
import { WAIT_MS } from '../support/live.ts';
import { DEMO_PASSWORD, FACILITATOR_A } from '../support/testServer.ts';

const SHOTS = new URL('../../test-results/', import.meta.url).pathname;

/** The crisis banner keeps the connection's state in view, and clears once its flag is resolved. */
describe('the crisis banner', () => {
  const fx = useBrowserFixture();

  it('says when the board is reconnecting, and goes once the flag is resolved', async () => {
    const a = await fx.open('desktop');
    await signIn(a, FACILITATOR_A, DEMO_PASSWORD);
    const group = ((await (await a.context().request.get('/api/groups')).json()) as { groups: GroupSummary[] }).groups[0]!;
    const session = group.sessions.find((s) => s.status === 'scheduled')!;
    const command = async (id: string, cmd: object) =>
      expect((await a.context().request.post(`/api/sessions/${session.id}/commands`, { data: { id, command: cmd } })).status()).toBe(200);
    await command('go', { type: 'session.start' });
    await a.goto(`/sessions/${session.id}`);
    await expect.poll(() => a.getByTestId('connection').getAttribute('data-state'), { timeout: WAIT_MS }).toBe('connected');
    await command('crisis', { type: 'flag.raise', flagId: 'c1', category: 'safety-risk', severity: 'crisis', memberIds: [], note: '' });
    const banner = a.getByTestId('crisis-alert');
    await banner.waitFor({ timeout: WAIT_MS });
    expect(await banner.getByTestId('crisis-connection').count()).toBe(0);

    // The network goes: the banner, which covers the page's badge, says so itself.
    await a.context().setOffline(true);
    await expect.poll(() => banner.getByTestId('crisis-connection').textContent(), { timeout: WAIT_MS }).toMatch(/Reconnecting|Not connected/);
    await a.screenshot({ path: `${SHOTS}crisis-banner-reconnecting-laptop.png` });
    await a.context().setOffline(false);
    await expect.poll(() => banner.getByTestId('crisis-connection').count(), { timeout: WAIT_MS }).toBe(0);

    // Resolved without an acknowledgement (no colleague to give one): the banner clears.
    await command('resolve', { type: 'flag.resolve', flagId: 'c1', outcome: 'Safety plan in place; on-call informed.' });
    await expect.poll(() => a.getByTestId('crisis-alert').count(), { timeout: WAIT_MS }).toBe(0);
  });
});
