import { EVENT_AUDIENCE, type BoardEventType, type GroupSummary } from '@hearth/shared';
import { describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '../../server/src/demo/seed.ts';
import { recordFrames, signIn } from '../support/browser.ts';
import { useBrowserFixture } from '../support/browserFixture.ts';
import { WAIT_MS, present, shows, watch } from '../support/live.ts';
import { DEMO_PASSWORD, FACILITATOR_A, FACILITATOR_B, SUPERVISOR, memberLink } from '../support/testServer.ts';

const CLINICIAN_ONLY = (Object.keys(EVENT_AUDIENCE) as BoardEventType[]).filter((t) => !EVENT_AUDIENCE[t].includes('member'));
const SHOTS = new URL('../../test-results/', import.meta.url).pathname;

/**
 * A crisis in the browser: a facilitator raises a crisis flag, the co-facilitator and the supervisor
 * are alerted within a second, the checklist is worked, the supervisor sends a private cue — and the
 * member's socket receives none of it, nor who is observing.
 */
describe('flags, crisis and cues in the browser', () => {
  const fx = useBrowserFixture();
  const open = fx.open;

  it('alerts every clinician to a crisis at once, carries cues to the facilitators, and tells members nothing', async () => {
    const a = await open('desktop');
    await signIn(a, FACILITATOR_A, DEMO_PASSWORD);
    const { groups } = (await (await a.context().request.get('/api/groups')).json()) as { groups: GroupSummary[] };
    const session = groups[0]!.sessions[0]!;
    const info = (await (await a.context().request.get(`/api/sessions/${session.id}`)).json()) as { staff: { id: string }[] };
    await a.goto(`/sessions/${session.id}`);
    await a.getByRole('button', { name: 'Start without an item' }).click();

    const b = await open('desktop');
    await signIn(b, FACILITATOR_B, DEMO_PASSWORD);
    await b.goto(`/sessions/${session.id}`);
    const sup = await open('desktop');
    await signIn(sup, SUPERVISOR, DEMO_PASSWORD);
    await sup.goto(`/sessions/${session.id}`);

    const member = await open('phone');
    const frames = recordFrames(member);
    await member.goto(await memberLink(fx.server().url, session, 'Maple'));
    await member.getByRole('button', { name: 'Join the session' }).click();
    for (const p of [a, b, sup, member]) await expect.poll(() => p.getByTestId('connection').getAttribute('data-state'), { timeout: WAIT_MS }).toBe('connected');

    // Presence: the clinicians see the member; the member sees that an observer is present, never who.
    await shows(a, present('[data-testid="presence-person"][data-role="member"]'));
    await shows(a, present('[data-testid="presence-person"][data-role="supervisor"]'));
    await expect.poll(() => member.getByTestId('member-presence').getAttribute('data-observed'), { timeout: WAIT_MS }).toBe('true');

    // A raises a crisis flag about Maple.
    const note = 'Maple spoke of not wanting to be here anymore';
    await a.getByText('Raise a flag', { exact: true }).click();
    const form = a.getByTestId('raise-flag-form');
    await form.getByLabel('Category').selectOption('safety-risk');
    await form.locator('input[type="radio"][value="crisis"]').check();
    await form.getByRole('checkbox', { name: 'Maple' }).check();
    await form.getByLabel('Short note').fill(note);
    const alerted = await watch([b, sup], present('[data-testid="crisis-alert"]'));
    await form.getByRole('button', { name: 'Raise crisis flag' }).click();

    // The co-facilitator's and the supervisor's pages alert within a second of the click; the raiser waits for acknowledgement.
    await alerted.shownLive(a);
    await shows(a, present('[data-testid="crisis-waiting"]'));
    await b.screenshot({ path: `${SHOTS}crisis-cofacilitator.png`, fullPage: true });

    // The board goes on meanwhile: the member follows the agenda, and only the agenda.
    // (Any agenda item is started from the Plan view; the crisis alert stays above both views.)
    await a.getByRole('tab', { name: /^Plan/ }).click();
    await a.getByRole('button', { name: 'Start Check-in' }).click();
    await expect.poll(() => member.getByTestId('current-item').textContent(), { timeout: WAIT_MS }).toBe('Check-in');
    await a.getByRole('tab', { name: /^Now/ }).click();

    // A works the checklist: the step is checked off with its time on every clinician's page.
    const checked = await watch([b, sup], present('[data-testid="crisis-step"][data-step-id="safety"][data-checked="true"]'));
    await a.locator('[data-testid="crisis-step"][data-step-id="safety"]').getByRole('button', { name: 'Check off' }).click();
    await checked.shownLive(a);

    // B acknowledges: the alert clears everywhere and the flag reads acknowledged.
    await b.getByTestId('crisis-acknowledge').click();
    for (const p of [a, b, sup]) {
      await expect.poll(() => p.getByTestId('crisis-alert').count(), { timeout: WAIT_MS }).toBe(0);
      await shows(p, present('[data-testid="flag"][data-severity="crisis"][data-acknowledged="true"]'));
    }

    // The supervisor sends a private cue; both facilitators see it, and A's "Got it" reaches the supervisor.
    const cue = 'Slow down and check in with Maple before moving on';
    await sup.getByTestId('cue-composer').getByLabel('Cue').fill(cue);
    const cued = await watch([a, b], present('[data-testid="cue"][data-acknowledged="false"]'));
    await sup.getByRole('button', { name: 'Send cue' }).click();
    await cued.shownLive(sup);
    expect(await a.getByTestId('cue').first().textContent()).toContain(cue);
    await a.getByRole('button', { name: 'Got it' }).first().click();
    await shows(sup, present('[data-testid="cue"][data-acknowledged="true"]'));

    // What the member's socket received: no flag, no cue, no crisis protocol, no observer identity.
    const events = frames.filter((f) => f.name === 'event');
    expect(events.length).toBeGreaterThan(0);
    for (const f of events) expect(CLINICIAN_ONLY).not.toContain((f.payload as { event: { type: BoardEventType } }).event.type);
    // Members number their own events: no hole in the numbers betrays the flag, its steps or the cue.
    for (const f of events) {
      const { seq, prevSeq } = f.payload as { seq: number; prevSeq: number };
      expect(prevSeq).toBe(seq - 1);
    }
    const all = frames.map((f) => f.raw).join('\n');
    for (const secret of [note, cue, 'flag', 'cue', 'crisis', 'checklist', 'Lifeline', ...info.staff.map((s) => s.id)]) {
      expect(all).not.toContain(secret);
    }
    for (const account of DEMO_ACCOUNTS) {
      expect(all).not.toContain(account.displayName);
      expect(all).not.toContain(account.email);
    }
    const presence = frames.filter((f) => f.name === 'presence');
    expect(presence.length).toBeGreaterThan(0);
    for (const f of presence) {
      expect(f.payload).toMatchObject({ audience: 'member' });
      expect(Object.keys(f.payload as object).sort()).toEqual(['audience', 'facilitators', 'members', 'observed', 'sessionId']);
    }
    expect(presence.at(-1)!.payload).toMatchObject({ observed: true });
    await sup.screenshot({ path: `${SHOTS}supervisor-after-crisis.png`, fullPage: true });
    await member.screenshot({ path: `${SHOTS}member-during-crisis.png`, fullPage: true });
  });
});
