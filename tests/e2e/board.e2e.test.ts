import { EVENT_AUDIENCE, type BoardEventType, type GroupSummary } from '@hearth/shared';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '../../server/src/demo/seed.ts';
import { connectBoard, emitAck } from '../support/boardClient.ts';
import { recordFrames, signIn, type ReceivedFrame } from '../support/browser.ts';
import { useBrowserFixture } from '../support/browserFixture.ts';
import { WAIT_MS, present, reads, shows, watch } from '../support/live.ts';
import { DEMO_PASSWORD, FACILITATOR_A, FACILITATOR_B, SUPERVISOR, memberLink } from '../support/testServer.ts';

const CLINICIAN_ONLY = (Object.keys(EVENT_AUDIENCE) as BoardEventType[]).filter((t) => !EVENT_AUDIENCE[t].includes('member'));
const SHOTS = new URL('../../test-results/', import.meta.url).pathname;

/**
 * Two co-facilitators, a member on a phone and a supervisor, each in their own browser context
 * against the built app on a real server and Postgres.
 */
describe('live board in the browser', () => {
  const fx = useBrowserFixture();
  const context = fx.context;

  /** The page shows `title` as the current item. */
  const current = (title: string) => reads('[data-testid="current-item"]', title);

  it('keeps co-facilitators, a member and the supervisor in sync, each seeing only what their role may', async () => {
    // Facilitator A signs in and finds the demo session and its invite link.
    const aCtx = await context('desktop');
    const a = await aCtx.newPage();
    await signIn(a, FACILITATOR_A, DEMO_PASSWORD);
    const groups = (await (await aCtx.request.get('/api/groups')).json()) as { groups: GroupSummary[] };
    const session = groups.groups[0]!.sessions[0]!;
    // Sparrow's personal invite (the group lets a first device straight in; the waiting room has its own test).
    const invite = await memberLink(fx.server().url, session, 'Sparrow');
    await a.goto(`/sessions/${session.id}`);
    await expect.poll(() => a.getByTestId('connection').getAttribute('data-state'), { timeout: WAIT_MS }).toBe('connected');

    // Co-facilitator B and the supervisor open the board.
    const bCtx = await context('desktop');
    const b = await bCtx.newPage();
    const bFrames = recordFrames(b);
    await signIn(b, FACILITATOR_B, DEMO_PASSWORD);
    await b.goto(`/sessions/${session.id}`);
    const sCtx = await context('desktop');
    const sup = await sCtx.newPage();
    await signIn(sup, SUPERVISOR, DEMO_PASSWORD);
    await sup.goto(`/sessions/${session.id}`);

    // A member joins from a phone through the invite link; every frame their socket receives is kept.
    const mCtx = await context('phone');
    const member = await mCtx.newPage();
    const memberFrames: ReceivedFrame[] = recordFrames(member);
    await member.goto(invite);
    await member.getByRole('button', { name: 'Join the session' }).click();
    for (const p of [b, sup, member]) await expect.poll(() => p.getByTestId('connection').getAttribute('data-state'), { timeout: WAIT_MS }).toBe('connected');
    await member.getByText('Waiting for the session to start').waitFor({ timeout: WAIT_MS });

    // Clinician-only guidance is set while everyone is connected: B must get it, the member must not.
    const second = (await (await aCtx.request.get('/api/groups')).json()) as { groups: GroupSummary[] };
    expect(second.groups[0]!.sessions[0]!.id).toBe(session.id);
    const guidance = 'Sparrow was tearful last week; check in gently';
    const setGuidance = await aCtx.request.post(`/api/sessions/${session.id}/commands`, {
      data: { id: 'e2e-guidance', command: { type: 'agenda.set_guidance', itemId: await itemId(a, 1), guidance } }
    });
    expect(setGuidance.status()).toBe(200);

    // A starts the session, then the second agenda item; everyone shows it within a second.
    await a.getByRole('button', { name: 'Start session' }).click();
    await expect.poll(() => b.getByTestId('session-status').textContent(), { timeout: WAIT_MS }).toMatch(/live/i);
    // The agenda's own controls (start any item, edit, reorder) are in the Plan view.
    await a.getByRole('tab', { name: /^Plan/ }).click();
    const secondTitle = (await a.locator('[data-testid="agenda-item"]').nth(1).getAttribute('data-title')) ?? (await titleOf(a, 1));
    const started = await watch([b, member, sup], current(secondTitle));
    await a.getByRole('button', { name: `Start ${secondTitle}` }).click();
    await started.shownLive(a);
    await expect.poll(() => a.getByTestId('current-item').textContent(), { timeout: WAIT_MS }).toContain(secondTitle);

    // The supervisor's page has no controls, and the server refuses a supervisor's command anyway.
    for (const name of [/^Start /, /^Pause/, /^Resume/, /^Complete/, /^Skip/, /^Next/, /^Extend/, /^Remove/, /^End session/, /^Start session/]) {
      expect(await sup.getByRole('button', { name }).count()).toBe(0);
    }
    // The only form a supervisor has is the cue composer: their private channel to the facilitators.
    expect(await sup.locator('form').count()).toBe(1);
    expect(await sup.getByTestId('cue-composer').locator('form').count()).toBe(1);
    const refusedHttp = await sCtx.request.post(`/api/sessions/${session.id}/commands`, {
      data: { id: 'sup-1', command: { type: 'item.next' } }
    });
    expect(refusedHttp.status()).toBe(403);
    expect(((await refusedHttp.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    const supCookie = (await sCtx.cookies()).find((c) => c.name === 'hearth_session')!;
    const supSocket = await connectBoard(fx.server().url, { cookie: `${supCookie.name}=${supCookie.value}` });
    await emitAck(supSocket, 'join', { sessionId: session.id });
    const refusedSocket = await emitAck(supSocket, 'command', { sessionId: session.id, id: 'sup-2', command: { type: 'item.next' } });
    supSocket.close();
    expect(refusedSocket).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    await shows(b, current(secondTitle));

    // What the member's socket received: board events, never a clinician-only one, no guidance, no names.
    const memberEvents = memberFrames.filter((f) => f.name === 'event');
    expect(memberEvents.length).toBeGreaterThanOrEqual(2);
    for (const f of memberEvents) {
      const type = (f.payload as { event: { type: BoardEventType } }).event.type;
      expect(CLINICIAN_ONLY).not.toContain(type);
    }
    const everything = memberFrames.map((f) => f.raw).join('\n');
    expect(everything).not.toContain(guidance);
    expect(everything).not.toContain('guidance');
    for (const account of DEMO_ACCOUNTS) {
      expect(everything).not.toContain(account.displayName);
      expect(everything).not.toContain(account.email);
    }
    // The co-facilitator did receive the clinician-only event: the member's silence is not an accident.
    expect(bFrames.some((f) => f.name === 'event' && (f.payload as { event: { type: string } }).event.type === 'agenda.guidance_set')).toBe(true);

    // The co-facilitator runs the board from the keyboard: P pauses, N moves to the next item.
    await b.locator('body').click({ position: { x: 5, y: 5 } });
    await b.keyboard.press('p');
    await member.getByText(/paused/i).first().waitFor({ timeout: WAIT_MS });
    // A key pressed while the previous action is still unacknowledged is ignored (no double "next"),
    // so wait until B's own board has the pause acknowledged.
    await expect.poll(() => b.getByRole('button', { name: 'Resume', exact: true }).isEnabled(), { timeout: WAIT_MS }).toBe(true);
    const thirdTitle = await titleOf(a, 2);
    const next = await watch([a, member, sup], current(thirdTitle));
    await b.keyboard.press('n');
    await next.shownLive(b);

    // A facilitator shares a resource with Sparrow alone: it is on Sparrow's phone, marked as theirs.
    const share = a.getByTestId('share-panel');
    await share.getByLabel('Title').fill('Peer warmline');
    await share.getByLabel('Text (optional)').fill('Evenings 5-11 pm, free and confidential.');
    await share.getByLabel('Link (optional, https)').fill('https://example.org/warmline');
    await share.getByLabel('Share with').selectOption({ label: 'Sparrow only' });
    const shown = await watch([member], present('[data-testid="member-resource"][data-private="true"]'));
    await share.getByRole('button', { name: 'Share' }).click();
    await shown.shownLive(a);
    expect(await member.getByTestId('member-resources').textContent()).toContain('Peer warmline');
    expect(memberFrames.some((f) => f.name === 'private')).toBe(true);

    await a.getByRole('tab', { name: /^Now/ }).click();
    await member.screenshot({ path: `${SHOTS}member-phone.png`, fullPage: true });
    await a.screenshot({ path: `${SHOTS}facilitator-board.png`, fullPage: true });
    await sup.screenshot({ path: `${SHOTS}supervisor-board.png`, fullPage: true });
  });
});

/** The id of the n-th agenda item on a board page. */
async function itemId(page: Page, n: number): Promise<string> {
  const id = await page.locator('[data-testid="agenda-item"]').nth(n).getAttribute('data-item-id');
  if (!id) throw new Error(`no agenda item ${n}`);
  return id;
}

/** The title of the n-th agenda item, read from its start button's label. */
async function titleOf(page: Page, n: number): Promise<string> {
  const label = await page.locator('[data-testid="agenda-item"]').nth(n).getByRole('button', { name: /^Start / }).getAttribute('aria-label');
  if (!label) throw new Error(`no start button on item ${n}`);
  return label.replace(/^Start /, '');
}
