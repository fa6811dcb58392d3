import type { GroupSummary } from '@hearth/shared';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { recordFrames, signIn, type ReceivedFrame } from '../support/browser.ts';
import { useBrowserFixture } from '../support/browserFixture.ts';
import { WAIT_MS } from '../support/live.ts';
import { DEMO_PASSWORD, FACILITATOR_A } from '../support/testServer.ts';

const SHOTS = new URL('../../test-results/', import.meta.url).pathname;

/**
 * Members' personal invites as a practice uses them: links made on the home page, members on phones,
 * the waiting room answered on the board, a second device held until the facilitator decides, and the
 * member's page after the group.
 */
describe('personal invites and the waiting room, in the browser', () => {
  const fx = useBrowserFixture();

  const state = (p: Page) => p.getByTestId('connection').getAttribute('data-state');

  it('lets three members in with their own links, one from the waiting room, and holds a second device until the facilitator decides', async () => {
    const a = await fx.open('desktop');
    await signIn(a, FACILITATOR_A, DEMO_PASSWORD);
    const group = ((await (await a.context().request.get('/api/groups')).json()) as { groups: GroupSummary[] }).groups[0]!;
    const session = group.sessions.find((s) => s.status === 'scheduled')!;

    // On the home page: a personal link for each of three members, shown once with its QR code.
    const links: Record<string, string> = {};
    await a.getByText("Members' invites and the waiting room").click();
    const invites = a.getByTestId('member-invites');
    for (const alias of ['Maple', 'River', 'Sparrow']) {
      await invites.getByRole('button', { name: new RegExp(`^(Make|New) invite link for ${alias}$`) }).click();
      const issued = a.getByTestId('issued-invite');
      await expect.poll(() => issued.getAttribute('aria-label'), { timeout: WAIT_MS }).toBe(`Invite for ${alias}`);
      links[alias] = (await issued.getByTestId('invite-link').textContent())!.trim();
      expect(links[alias]).toMatch(new RegExp(`^${fx.server().url}/join/[A-Za-z0-9_-]{16,}$`));
      expect(await issued.locator('svg').count()).toBe(1);
    }
    await a.getByTestId('issued-invite').screenshot({ path: `${SHOTS}issued-invite-laptop.png` });
    // Printed, the card is all there is on the page: the link and its QR code, no other member's name.
    // Print: what the page holds while it prints (the dialog itself replaced by a recorder).
    await a.evaluate(() => {
      window.print = () => {
        const copy = document.getElementById('print-invite');
        document.body.setAttribute('data-printed', `${document.body.classList.contains('printing-invite')}|${copy?.parentElement === document.body}|${copy?.textContent ?? ''}|${copy?.querySelector('svg') ? 'qr' : ''}`);
      };
    });
    await a.getByTestId('issued-invite').getByRole('button', { name: 'Print' }).click();
    const [printing, topLevel, printed, qr] = ((await a.locator('body').getAttribute('data-printed')) ?? '').split('|');
    expect([printing, topLevel, qr]).toEqual(['true', 'true', 'qr']);
    expect(printed).toContain('Sparrow, this is your own link');
    expect(printed).toContain(links['Sparrow']!);
    expect(printed).not.toMatch(/Maple|River|Cedar/);
    expect(await a.locator('#print-invite').count()).toBe(0);
    await a.screenshot({ path: `${SHOTS}invites-laptop.png` });
    // The list says each has one, but never shows a code again.
    await expect.poll(() => invites.locator('[data-testid="invite-row"][data-alias="Maple"]').textContent(), { timeout: WAIT_MS }).toMatch(/issued/);
    const listed = await (await a.context().request.get(`/api/groups/${group.id}/invites`)).text();
    for (const link of Object.values(links)) expect(listed).not.toContain(link.split('/join/')[1]);

    // Maple and River come straight in while the group admits automatically.
    await invites.getByLabel(/Admit automatically/).check();
    await expect.poll(() => invites.getByText('first device now comes straight in', { exact: false }).count(), { timeout: WAIT_MS }).toBe(1);
    await a.goto(`/sessions/${session.id}`);
    await expect.poll(() => state(a), { timeout: WAIT_MS }).toBe('connected');
    await a.getByRole('button', { name: 'Start session' }).click();
    await expect.poll(() => a.getByTestId('session-status').textContent(), { timeout: WAIT_MS }).toMatch(/live/i);

    const phones: Record<string, { page: Page; frames: ReceivedFrame[] }> = {};
    const arrive = async (alias: string) => {
      const page = await fx.open('phone');
      const frames = recordFrames(page);
      await page.goto(links[alias]!);
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), { timeout: WAIT_MS }).toBe(`Hello, ${alias}`);
      await page.getByRole('button', { name: 'Join the session' }).click();
      phones[alias] = { page, frames };
      return page;
    };
    for (const alias of ['Maple', 'River']) {
      const page = await arrive(alias);
      await expect.poll(() => state(page), { timeout: WAIT_MS }).toBe('connected');
    }

    // Then the waiting room: Sparrow waits until the facilitator lets them in from the board.
    const toggle = await (await a.context().request.put(`/api/groups/${group.id}/admission`, { data: { admitAutomatically: false } })).json();
    expect(toggle).toMatchObject({ admitAutomatically: false });
    const sparrow = await arrive('Sparrow');
    await expect.poll(() => sparrow.getByTestId('member-waiting').count(), { timeout: WAIT_MS }).toBe(1);
    await sparrow.screenshot({ path: `${SHOTS}waiting-room-phone.png` });
    const waitingRoom = a.getByTestId('waiting-room');
    await expect.poll(() => waitingRoom.textContent(), { timeout: WAIT_MS }).toMatch(/Sparrow is waiting/);
    await a.screenshot({ path: `${SHOTS}waiting-room-board-laptop.png` });
    await waitingRoom.getByRole('button', { name: 'Admit Sparrow' }).click();
    await expect.poll(() => state(sparrow), { timeout: WAIT_MS }).toBe('connected');
    await expect.poll(() => waitingRoom.count(), { timeout: WAIT_MS }).toBe(0);

    // A second device with Maple's link is held: the first stays on the board until the facilitator decides.
    const second = await fx.open('phone');
    const secondFrames = recordFrames(second);
    await second.goto(links['Maple']!);
    await second.getByRole('button', { name: 'Join the session' }).click();
    await expect.poll(() => second.getByTestId('member-waiting').count(), { timeout: WAIT_MS }).toBe(1);
    await expect.poll(() => waitingRoom.textContent(), { timeout: WAIT_MS }).toMatch(/Maple is joining from a second device/);
    expect(await state(phones['Maple']!.page)).toBe('connected');
    await a.screenshot({ path: `${SHOTS}second-device-board-laptop.png` });
    await waitingRoom.getByRole('button', { name: 'Admit and disconnect the first' }).click();
    await expect.poll(() => state(second), { timeout: WAIT_MS }).toBe('connected');
    await expect.poll(() => phones['Maple']!.page.getByText('You joined from another device', { exact: false }).count(), { timeout: WAIT_MS }).toBe(1);
    await phones['Maple']!.page.screenshot({ path: `${SHOTS}replaced-device-phone.png` });
    // Nothing of the session stays on the replaced device's screen.
    expect(await phones['Maple']!.page.getByTestId('current-item').count()).toBe(0);
    expect(await phones['Maple']!.page.getByRole('button', { name: /raise hand/i }).count()).toBe(0);

    // After the group: a resource for everyone, then the end; members see a closing word and it.
    // Resources are shared from the Plan view.
    await a.getByRole('tab', { name: /^Plan/ }).click();
    const share = a.getByTestId('share-panel');
    await share.getByLabel('Title').fill('Distress tolerance handout');
    await share.getByLabel('Link (optional, https)').fill('https://example.org/tipp');
    await share.getByRole('button', { name: 'Share' }).click();
    await a.getByRole('button', { name: 'End session' }).click();
    await a.getByRole('button', { name: 'Yes, end session' }).click();
    for (const p of [second, phones['River']!.page, sparrow]) {
      await expect.poll(() => p.getByTestId('session-closed').count(), { timeout: WAIT_MS }).toBe(1);
      expect(await p.getByTestId('member-resources').textContent()).toContain('Distress tolerance handout');
      expect(await p.getByRole('button', { name: /raise/i }).count()).toBe(0);
    }
    await sparrow.screenshot({ path: `${SHOTS}after-session-phone.png`, fullPage: true });

    // A fresh tab with the link, after the group: the closing word and what was shared, no way in.
    const later = await fx.open('phone');
    await later.goto(links['River']!);
    await expect.poll(() => later.getByTestId('session-closed').count(), { timeout: WAIT_MS }).toBe(1);
    expect(await later.getByTestId('member-resources').textContent()).toContain('Distress tolerance handout');
    expect(await later.getByRole('button', { name: 'Join the session' }).count()).toBe(0);

    // What the members' sockets received: nothing of the waiting room or the other members' devices.
    const devices: [string, ReceivedFrame[]][] = [['Maple, first phone', phones['Maple']!.frames], ['Maple, second phone', secondFrames], ['River', phones['River']!.frames], ['Sparrow', phones['Sparrow']!.frames]];
    for (const [who, frames] of devices) {
      const received = JSON.stringify(frames.map((f) => f.payload));
      expect(received, who).not.toMatch(/admission|waiting|secondDevice|requestId/);
      // Positive control: each did receive the board (the first phone until it was replaced).
      expect(received, who).toContain(who === 'Maple, first phone' ? '"status":"live"' : 'session.ended');
    }
  });
});
