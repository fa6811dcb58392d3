import { writeFileSync } from 'node:fs';
import type { GroupSummary, RecordView, SessionSummary } from '@hearth/shared';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { recordFrames, signIn } from '../support/browser.ts';
import { useBrowserFixture } from '../support/browserFixture.ts';
import { WAIT_MS } from '../support/live.ts';
import { DEMO_PASSWORD, FACILITATOR_A, FACILITATOR_B, SUPERVISOR, memberLink } from '../support/testServer.ts';

const SHOTS = new URL('../../test-results/', import.meta.url).pathname;

const MAPLE_NOTE = 'Talked about a hard week and practised box breathing; said walks by the river help';
const GENERAL_NOTE = 'Grounding practice and check-in';
const RIVER_NOTE = 'Quiet at first, then set a goal for better sleep this week';

/**
 * A session's record in the browser, from the board to the chart: two facilitators, a supervisor
 * and three members run a session with a flag and notes; it ends; the record is reviewed until
 * each guard is dealt with, signed by both facilitators and the supervisor with their passwords,
 * final, amended by an addendum, and a member note printed to PDF. The members' pages and tokens
 * reach none of it.
 */
describe('a session record in the browser', () => {
  const fx = useBrowserFixture();
  const open = fx.open;
  const editor = (page: Page, section: string) => page.locator(`[data-testid="notes-section"][data-section="${section}"] [data-testid="notes-editor"]`);
  const guards = (page: Page) => page.locator('[data-testid="guard"]');
  const guard = (page: Page, kind: string) => page.locator(`[data-testid="guard"][data-kind="${kind}"]`);
  const status = (page: Page) => page.getByTestId('record-status').textContent();

  it('runs, ends, reviews, signs three times, amends and prints a record that members never reach', async () => {
    const a = await open('desktop');
    await signIn(a, FACILITATOR_A, DEMO_PASSWORD);
    const { groups } = (await (await a.context().request.get('/api/groups')).json()) as { groups: GroupSummary[] };
    const group = groups[0]!;
    const created = await a.context().request.post(`/api/groups/${group.id}/sessions`, {
      data: { title: 'Thursday skills group', scheduledFor: null, agenda: [{ itemId: 'c1', title: 'Check-in', kind: 'check-in', plannedMinutes: 10 }, { itemId: 'c2', title: 'Skills', kind: 'skill-practice', plannedMinutes: 30 }] }
    });
    const session = ((await created.json()) as { session: SessionSummary }).session;
    const pageErrors: string[] = [];
    a.on('pageerror', (e) => pageErrors.push(e.message));
    await a.goto(`/sessions/${session.id}`);
    await a.getByRole('button', { name: 'Start session' }).click();

    const b = await open('desktop');
    await signIn(b, FACILITATOR_B, DEMO_PASSWORD);
    await b.goto(`/sessions/${session.id}`);

    const members: Page[] = [];
    const frames = [];
    for (const alias of ['Maple', 'River', 'Sparrow']) {
      const m = await open('phone');
      frames.push(recordFrames(m));
      await m.goto(await memberLink(fx.server().url, session, alias));
      await m.getByRole('button', { name: 'Join the session' }).click();
      members.push(m);
    }
    for (const p of [a, b, ...members]) await expect.poll(() => p.getByTestId('connection').getAttribute('data-state'), { timeout: WAIT_MS }).toBe('connected');
    const info = (await (await a.context().request.get(`/api/sessions/${session.id}/record`)).json()) as unknown;
    expect(info).toMatchObject({ error: { code: 'RECORD_NOT_FOUND' } });
    const roster = ((await (await a.context().request.get('/api/groups')).json()) as { groups: GroupSummary[] }).groups[0]!.aliases;

    // A flag about Maple and River.
    await a.getByText('Raise a flag', { exact: true }).click();
    const form = a.getByTestId('raise-flag-form');
    await form.getByLabel('Category').selectOption('interpersonal-conflict');
    await form.locator('input[type="radio"][value="moderate"]').check();
    await form.getByRole('checkbox', { name: 'Maple' }).check();
    await form.getByRole('checkbox', { name: 'River' }).check();
    await form.getByLabel('Short note').fill('Raised voices over seating');
    await form.getByRole('button', { name: /^Raise/ }).click();
    await expect.poll(() => b.locator('[data-testid="flag"]').count(), { timeout: WAIT_MS }).toBe(1);

    // Notes: the general section, Maple's (which mentions the river), and River's as a copy of Maple's.
    const sectionOf = async (alias: string) =>
      (await a.locator('[data-testid="notes-section"]').evaluateAll((els, name) => els.find((e) => e.querySelector('h2, h3, h4')?.textContent?.trim() === name)?.getAttribute('data-section') ?? null, alias))!;
    const mapleSection = await sectionOf('Maple');
    const riverSection = await sectionOf('River');
    await editor(a, 'general').click();
    await a.keyboard.type(GENERAL_NOTE);
    await editor(b, mapleSection).click();
    await b.keyboard.type(MAPLE_NOTE);
    await editor(a, riverSection).click();
    await a.keyboard.type(MAPLE_NOTE);

    // A ends the session; the board links to the record.
    await a.getByRole('button', { name: 'End session' }).click();
    await a.getByRole('button', { name: 'Yes, end session' }).click();
    await a.getByRole('link', { name: 'Review and sign its record' }).click();
    await a.waitForURL(`**/sessions/${session.id}/record`);
    await a.getByRole('button', { name: 'Take the record\'s draft' }).click();
    await expect.poll(() => status(a), { timeout: WAIT_MS }).toBe('Draft');
    // Every note typed up to the end is in it: taking the draft flushed them.
    await expect.poll(() => a.getByTestId('summary-edit').locator('textarea').inputValue(), { timeout: WAIT_MS }).toBe(GENERAL_NOTE);
    const kinds = async () => (await guards(a).evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')))).sort();
    expect(new Set(await kinds())).toEqual(new Set(['names-another-member', 'similar-narratives', 'attendance-unconfirmed', 'open-flag']));
    expect(await guard(a, 'attendance-unconfirmed').count()).toBe(roster.length - 3);
    await a.screenshot({ path: `${SHOTS}record-review-guards.png`, fullPage: false });
    await expect.poll(() => a.getByRole('button', { name: 'Sign as author' }).isDisabled(), { timeout: WAIT_MS }).toBe(true);

    // Each guard, dealt with in the page.
    await guard(a, 'names-another-member').getByRole('button', { name: 'Not a reference…' }).click();
    await a.getByLabel('Why this is not a reference to that member').fill('the river is a place, not the member');
    await guard(a, 'names-another-member').getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => guard(a, 'names-another-member').count(), { timeout: WAIT_MS }).toBe(0);

    const riverNote = a.locator('[data-testid="member-note"]').filter({ has: a.getByRole('heading', { name: 'Member note: River' }) });
    await riverNote.getByLabel('Narrative for River').fill(RIVER_NOTE);
    await riverNote.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => guard(a, 'similar-narratives').count(), { timeout: WAIT_MS }).toBe(0);

    await guard(a, 'open-flag').getByRole('button', { name: 'Resolve flag…' }).click();
    await a.getByLabel('Outcome').fill('Talked it through with both after group');
    await guard(a, 'open-flag').getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => guard(a, 'open-flag').count(), { timeout: WAIT_MS }).toBe(0);

    for (let n = roster.length - 3; n > 0; n--) {
      const first = guard(a, 'attendance-unconfirmed').first();
      await first.getByRole('button', { name: 'Confirm absent…' }).click();
      await a.getByLabel('Confirm absent: reason').fill('Did not attend; no call');
      await first.getByRole('button', { name: 'Save' }).click();
      await expect.poll(() => guard(a, 'attendance-unconfirmed').count(), { timeout: WAIT_MS }).toBe(n - 1);
    }
    await expect.poll(() => a.getByTestId('guards').getByRole('heading').textContent(), { timeout: WAIT_MS }).toBe('Ready to sign');

    // Signing asks for the password again; a wrong one signs nothing.
    await a.getByRole('button', { name: 'Sign as author' }).click();
    const dialog = a.getByRole('dialog');
    await dialog.getByLabel('Your password').fill('not my password');
    await dialog.getByRole('button', { name: 'Sign', exact: true }).click();
    await expect.poll(() => dialog.getByRole('alert').textContent(), { timeout: WAIT_MS }).toContain('not right');
    await dialog.getByLabel('Your password').fill(DEMO_PASSWORD);
    await dialog.getByRole('button', { name: 'Sign', exact: true }).click();
    await expect.poll(() => dialog.isVisible(), { timeout: WAIT_MS }).toBe(false);
    await expect.poll(() => a.getByTestId('sign-panel').textContent(), { timeout: WAIT_MS }).toContain('You signed this record');

    // B co-signs from home's reminder.
    await b.goto('/');
    await b.getByTestId('pending-records').getByRole('link', { name: 'Thursday skills group' }).click();
    await b.getByRole('button', { name: 'Sign as co-author' }).click();
    await b.getByRole('dialog').getByLabel('Your password').fill(DEMO_PASSWORD);
    await b.getByRole('dialog').getByRole('button', { name: 'Sign', exact: true }).click();
    await expect.poll(() => b.getByTestId('sign-panel').textContent(), { timeout: WAIT_MS }).toContain('You signed this record');
    expect(await status(b)).toBe('Draft');

    // The supervisor: "awaiting your co-sign" at home, then reviewed and approved: the record is final.
    const sup = await open('desktop');
    await signIn(sup, SUPERVISOR, DEMO_PASSWORD);
    await expect.poll(() => sup.getByTestId('pending-records').textContent(), { timeout: WAIT_MS }).toContain('awaiting your co-sign');
    await sup.getByTestId('pending-records').getByRole('link', { name: 'Thursday skills group' }).click();
    await sup.getByRole('button', { name: 'Sign as reviewed and approved' }).click();
    await sup.getByRole('dialog').getByLabel('Your password').fill(DEMO_PASSWORD);
    await sup.getByRole('dialog').getByRole('button', { name: 'Sign', exact: true }).click();
    await expect.poll(() => status(sup), { timeout: WAIT_MS }).toBe('Final');
    await sup.screenshot({ path: `${SHOTS}record-final.png`, fullPage: false });
    // The record's access history, from the audit log: who signed, viewed, edited — never what.
    await sup.getByTestId('access-history').getByRole('button', { name: 'Show' }).click();
    await expect.poll(() => sup.getByTestId('access-history').textContent(), { timeout: WAIT_MS }).toContain('signed as author');
    const history = (await sup.getByTestId('access-history').textContent())!;
    for (const phrase of ['Alex Rivera took the draft', 'signed as co-author', 'marked a mention as not a reference', 'edited']) expect(history).toContain(phrase);
    expect(history).not.toContain(RIVER_NOTE);

    // A sees it final, can no longer edit, and adds an addendum.
    await a.reload();
    await expect.poll(() => status(a), { timeout: WAIT_MS }).toBe('Final');
    expect(await a.getByTestId('narrative-edit').count()).toBe(0);
    await a.getByRole('button', { name: 'Write an addendum' }).click();
    await a.getByLabel('Reason for the addendum').fill('Information received after the session');
    await a.getByLabel('Addendum', { exact: true }).fill('Maple called the next day and is feeling better.');
    await a.getByLabel('Your password, to sign it').fill(DEMO_PASSWORD);
    await a.getByRole('button', { name: 'Sign and add' }).click();
    await expect.poll(() => a.getByTestId('addendum').count(), { timeout: WAIT_MS }).toBe(1);
    const final = (await (await a.context().request.get(`/api/sessions/${session.id}/record`)).json()) as RecordView;
    expect(final.signatures.map((s) => s.meaning)).toEqual(['author', 'co-author', 'reviewed-and-approved']);
    expect(final.content.members.find((m) => m.alias === 'River')!.narrative).toBe(RIVER_NOTE);

    const phone = await open('phone');
    await signIn(phone, FACILITATOR_A, DEMO_PASSWORD);
    await phone.goto(`/sessions/${session.id}/record`);
    await expect.poll(() => status(phone), { timeout: WAIT_MS }).toBe('Final');
    await phone.screenshot({ path: `${SHOTS}record-phone.png`, fullPage: false });

    // Maple's note, printed: chart layout, no buttons or navigation, the signature block at the end.
    const mapleId = final.content.members.find((m) => m.alias === 'Maple')!.memberId;
    await a.goto(`/sessions/${session.id}/record/print?member=${mapleId}`);
    await a.getByTestId('print-sheet').waitFor();
    await a.emulateMedia({ media: 'print' });
    expect(await a.locator('button:visible, nav:visible, header.site:visible').count()).toBe(0);
    const sheet = (await a.getByTestId('print-sheet').textContent())!;
    expect(sheet).toContain('Member note: Maple');
    expect(sheet).toContain(MAPLE_NOTE);
    expect(sheet).toContain('Reviewed and approved');
    expect(sheet).toContain('Information received after the session');
    for (const other of roster.filter((x) => x !== 'Maple')) expect(sheet.split(/[^A-Za-z]+/)).not.toContain(other);
    const blockBelowNote = await a.evaluate(() => {
      const note = document.querySelector('[data-testid="member-note"]')!.getBoundingClientRect();
      const block = document.querySelector('[data-testid="signature-block"]')!.getBoundingClientRect();
      return block.top >= note.bottom;
    });
    expect(blockBelowNote).toBe(true);
    const pdf = await a.pdf({ format: 'Letter', printBackground: true });
    writeFileSync(`${SHOTS}record-maple.pdf`, pdf);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(10_000);

    // Members: no record route answers them, and no frame their phones received carried any of it.
    for (const m of members) {
      for (const path of ['', '/print', '/export', '/fhir', '/access']) {
        const res = await m.context().request.get(`/api/sessions/${session.id}/record${path}`);
        expect(res.status(), path).toBe(401);
      }
      await m.goto(`/sessions/${session.id}/record`);
      await m.waitForURL('**/login');
    }
    const received = JSON.stringify(frames);
    expect(received).toContain('session.ended');
    for (const secret of [MAPLE_NOTE, GENERAL_NOTE, RIVER_NOTE, 'Raised voices', 'Talked it through', 'Maple called']) expect(received).not.toContain(secret);
    expect(pageErrors).toEqual([]);
  });
});
