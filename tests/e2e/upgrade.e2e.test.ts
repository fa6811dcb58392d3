import { PROTOCOL_VERSION, type GroupSummary } from '@hearth/shared';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { signIn } from '../support/browser.ts';
import { useBrowserFixture } from '../support/browserFixture.ts';
import { WAIT_MS } from '../support/live.ts';
import { DEMO_PASSWORD, FACILITATOR_A, memberLink } from '../support/testServer.ts';

const SHOTS = new URL('../../test-results/', import.meta.url).pathname;

/**
 * A rolling upgrade: a page built for an older protocol meets a newer server. The page is made old
 * by rewriting, on its way out, the protocol version its joins carry (the page itself is the built
 * app, untouched). The server refuses it with UNSUPPORTED_PROTOCOL; the page says so, offers a reload,
 * and after the reload (now as the current build) it is on the board again.
 */
describe('a page of another protocol version', () => {
  const fx = useBrowserFixture();

  /** Rewrites the protocol of every join this page sends to `version`, until `stop()`. */
  const speakAs = async (page: Page, version: number) => {
    let active = true;
    await page.routeWebSocket(/\/socket\.io\//, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((message) => {
        const text = typeof message === 'string' ? message : message.toString('utf8');
        server.send(active && text.includes('"join"') ? text.replace(`"protocol":${PROTOCOL_VERSION}`, `"protocol":${version}`) : text);
      });
    });
    return { stop: () => (active = false) };
  };

  it('is refused with a clear way to reload, on the clinician board and on the member page', async () => {
    const a = await fx.open('desktop');
    await signIn(a, FACILITATOR_A, DEMO_PASSWORD);
    const { groups } = (await (await a.context().request.get('/api/groups')).json()) as { groups: GroupSummary[] };
    const session = groups[0]!.sessions[0]!;

    const old = await speakAs(a, PROTOCOL_VERSION - 1);
    await a.goto(`/sessions/${session.id}`);
    await expect.poll(() => a.getByTestId('connection').getAttribute('data-state'), { timeout: WAIT_MS }).toBe('outdated');
    const banner = a.getByTestId('board-stopped');
    expect(await banner.getAttribute('data-reason')).toBe('outdated');
    expect(await banner.textContent()).toContain('Hearth has been updated');
    // Not mistaken for a lost connection or an ended sign-in.
    expect(await banner.textContent()).not.toContain('Sign in again');
    await a.screenshot({ path: `${SHOTS}outdated-board.png` });

    old.stop();
    await banner.getByRole('button', { name: 'Reload the page' }).click();
    await expect.poll(() => a.getByTestId('connection').getAttribute('data-state'), { timeout: WAIT_MS }).toBe('connected');
    expect(await a.getByTestId('board-stopped').count()).toBe(0);

    const member = await fx.open('phone');
    const oldMember = await speakAs(member, PROTOCOL_VERSION - 1);
    await member.goto(await memberLink(fx.server().url, session, 'Maple'));
    await member.getByRole('button', { name: 'Join the session' }).click();
    await expect.poll(() => member.getByTestId('connection').getAttribute('data-state'), { timeout: WAIT_MS }).toBe('outdated');
    await member.screenshot({ path: `${SHOTS}outdated-member.png` });
    oldMember.stop();
    await member.getByTestId('board-stopped').getByRole('button', { name: 'Reload the page' }).click();
    // The member's ticket survived the refusal: after the reload they are on the board, not asked for an alias.
    await expect.poll(() => member.getByTestId('connection').getAttribute('data-state'), { timeout: WAIT_MS }).toBe('connected');
  });
});
