import { mkdirSync, writeFileSync } from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import type { GroupSummary, SessionSummary } from '@hearth/shared';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../support/browser.ts';
import { useBrowserFixture } from '../support/browserFixture.ts';
import { WAIT_MS } from '../support/live.ts';
import { DEMO_PASSWORD, FACILITATOR_A, SUPERVISOR, memberLink, personalCode } from '../support/testServer.ts';

const RESULTS = new URL('../../test-results/', import.meta.url).pathname;

/** The sizes pages are checked at: a clinician's laptop, and a member's phone. */
const LAPTOP = { name: 'laptop', width: 1366, height: 768 } as const;
const PHONE = { name: 'phone', width: 390, height: 844 } as const;
type Size = typeof LAPTOP | typeof PHONE;

/** What fails the test: a barrier for someone using a screen reader, the keyboard or low vision. */
const BLOCKING = new Set(['serious', 'critical']);

interface Finding {
  readonly page: string;
  readonly id: string;
  readonly impact: string;
  readonly help: string;
  readonly helpUrl: string;
  /** The elements, each with what axe says is wrong with it. */
  readonly targets: readonly string[];
}

/**
 * Every page of Hearth, checked by axe-core in Chromium: sign-in, home for a facilitator and a
 * supervisor, the settings pages, the live board as each role sees it (a member through their
 * personal link, from the welcome page and the waiting room), and the record with its print view.
 * Each page is checked with its collapsed sections (`<details>`) open, so the forms inside them are
 * checked too. Serious and critical violations fail the test, each named with what to fix; the
 * lesser ones, and what axe left for a person to judge, are written to test-results/accessibility.json.
 */
describe('accessibility of every page', () => {
  const fx = useBrowserFixture();
  const blocking: Finding[] = [];
  const lesser: Finding[] = [];
  /** What axe could not decide by itself (contrast over a mix of backgrounds, say): for a person to look at. */
  const review: Finding[] = [];
  const checked: string[] = [];

  let facilitator: Page;
  let session: SessionSummary;
  let group: GroupSummary;

  /** The page at one size, settled: no request in flight, and fonts laid out. */
  async function resize(page: Page, size: Size): Promise<void> {
    const now = page.viewportSize();
    if (now?.width !== size.width || now.height !== size.height) await page.setViewportSize({ width: size.width, height: size.height });
    await page.waitForLoadState('networkidle');
    await page.evaluate(() => document.fonts.ready.then(() => undefined));
  }

  /** Runs axe on the page as it is, and keeps what it finds under `label`. */
  async function analyze(page: Page, label: string): Promise<Finding[]> {
    const results = await new AxeBuilder({ page }).analyze();
    checked.push(label);
    const finding = (v: (typeof results.violations)[number]): Finding => ({
      page: label,
      id: v.id,
      impact: v.impact ?? 'unknown',
      help: v.help,
      helpUrl: v.helpUrl,
      // Each element with what axe says of it ("Element has insufficient color contrast of 3.1 …").
      targets: v.nodes.map((n) => {
        const why = n.failureSummary ?? [...n.any, ...n.all, ...n.none].map((c) => c.message).join('; ');
        return why ? `${n.target.join(' ')} — ${why.replace(/\s*\n\s*/g, ' ')}` : n.target.join(' ');
      })
    });
    const found = results.violations.map(finding);
    for (const f of found) (BLOCKING.has(f.impact) ? blocking : lesser).push(f);
    review.push(...results.incomplete.map(finding));
    return found.filter((f) => BLOCKING.has(f.impact));
  }

  /**
   * Checks `page` at each size with every collapsed section open (a closed one shows only its
   * summary, which is checked as well); marks the test failed on a serious or critical violation,
   * saying for each which rule, where and how to fix it, and goes on so that one run finds them all.
   */
  async function audit(page: Page, name: string, sizes: readonly Size[] = [LAPTOP]): Promise<void> {
    const found: Finding[] = [];
    for (const size of sizes) {
      await resize(page, size);
      const opened = await page.evaluate(() => {
        const closed = Array.from(document.querySelectorAll('details:not([open])'));
        for (const d of closed) (d as HTMLDetailsElement).open = true;
        return closed.length;
      });
      if (opened > 0) await page.waitForLoadState('networkidle');
      found.push(...(await analyze(page, `${name} (${size.name})`)));
      // Closed again, so the page goes on as a person left it.
      if (opened > 0) await page.evaluate(() => document.querySelectorAll('details[open]').forEach((d) => ((d as HTMLDetailsElement).open = false)));
    }
    expect.soft(found, explain(found)).toEqual([]);
  }

  function explain(found: readonly Finding[]): string {
    const lines = found.map((f) => `${f.page}: ${f.id} (${f.impact}) — ${f.help}\n    ${f.helpUrl}\n    ${f.targets.join('\n    ')}`);
    return `serious or critical accessibility violations:\n${lines.join('\n')}`;
  }

  let commands = 0;
  /** A board command sent over HTTP as the page's signed-in clinician, to set up what the page shows. */
  const command = async (page: Page, body: Record<string, unknown>) => {
    const res = await page.context().request.post(`/api/sessions/${session.id}/commands`, { data: { id: `a11y-${++commands}`, command: body } });
    expect(res.status(), await res.text()).toBe(200);
  };
  const memberId = (alias: string) => group.members.find((m) => m.alias === alias)!.id;

  const connected = (page: Page) => expect.poll(() => page.getByTestId('connection').getAttribute('data-state'), { timeout: WAIT_MS }).toBe('connected');
  /** A clinician's board, with the notes loaded (they come in a chunk of their own). */
  const boardReady = async (page: Page) => {
    await connected(page);
    await page.locator('[data-testid="notes-editor"]').first().waitFor({ timeout: WAIT_MS });
  };

  beforeAll(async () => {
    facilitator = await fx.open('desktop');
    await signIn(facilitator, FACILITATOR_A, DEMO_PASSWORD);
    group = ((await (await facilitator.context().request.get('/api/groups')).json()) as { groups: GroupSummary[] }).groups[0]!;
    session = group.sessions.find((s) => s.status === 'scheduled')!;
  });

  it('signing in, and a page that is not there', async () => {
    const page = await fx.open('desktop');
    await page.goto('/login');
    await page.getByLabel('Email').waitFor();
    await audit(page, 'login', [LAPTOP, PHONE]);
    await page.getByLabel('Email').fill(FACILITATOR_A);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: /\S/ }).first().waitFor({ timeout: WAIT_MS });
    await audit(page, 'login, a password refused');
    await page.goto('/set-password/not-a-real-token');
    await page.locator('h1').first().waitFor();
    await audit(page, 'set password, a link that does not work');
    await signIn(page, FACILITATOR_A, DEMO_PASSWORD);
    await page.goto('/sessions/no-such-session');
    await page.locator('h1').first().waitFor();
    await audit(page, 'error page');
  });

  it('home and the settings pages, for a facilitator and a supervisor', async () => {
    await facilitator.goto('/');
    await facilitator.getByRole('heading', { name: 'Your groups' }).waitFor();
    await audit(facilitator, 'home, facilitator', [LAPTOP, PHONE]);
    // A member's invite, just made: the link and its QR code (Cedar's: no other check here uses Cedar).
    await facilitator.getByText("Members' invites and the waiting room").click();
    await facilitator.getByTestId('member-invites').getByRole('button', { name: /^(Make|New) invite link for Cedar$/ }).click();
    await facilitator.getByTestId('issued-invite').waitFor({ timeout: WAIT_MS });
    await audit(facilitator, 'home, facilitator, an invite just made');
    for (const path of ['/settings/account', '/settings/people', '/settings/crisis-protocol', '/settings/instruments']) {
      await facilitator.goto(path);
      await facilitator.locator('h1').first().waitFor();
      await audit(facilitator, `${path}, facilitator and administrator`);
    }

    // A colleague invited, and the page where they choose a password (with a mismatch said).
    await facilitator.goto('/settings/people');
    await facilitator.getByLabel('Name').fill('Jordan Park');
    await facilitator.getByLabel(/^Credentials/).fill('LPC');
    await facilitator.getByLabel('Email').fill('jordan@demo.hearth');
    await facilitator.getByRole('button', { name: 'Invite' }).click();
    const row = facilitator.locator('[data-testid="person"][data-email="jordan@demo.hearth"]');
    await row.locator('[data-testid="invite-link"]').waitFor({ timeout: WAIT_MS });
    await audit(facilitator, '/settings/people, a colleague invited');
    const jordan = await fx.open('desktop');
    await jordan.goto((await row.locator('[data-testid="invite-link"]').textContent())!.trim());
    await jordan.getByLabel('New password').waitFor();
    await audit(jordan, 'set password', [LAPTOP, PHONE]);
    await jordan.getByLabel('New password').fill('a long enough passphrase');
    await jordan.getByLabel('The same password again').fill('a different passphrase');
    await jordan.getByRole('button', { name: 'Set password and sign in' }).click();
    await jordan.getByRole('alert').filter({ hasText: /\S/ }).first().waitFor({ timeout: WAIT_MS });
    await audit(jordan, 'set password, the two not the same');

    const supervisor = await fx.open('desktop');
    await signIn(supervisor, SUPERVISOR, DEMO_PASSWORD);
    await supervisor.getByRole('heading', { name: 'Your groups' }).waitFor();
    await audit(supervisor, 'home, supervisor', [LAPTOP, PHONE]);
    for (const path of ['/settings/account', '/settings/crisis-protocol']) {
      await supervisor.goto(path);
      await supervisor.locator('h1').first().waitFor();
      await audit(supervisor, `${path}, supervisor`);
    }
  });

  it('the live board for each role, and a member from the welcome page and the waiting room', async () => {
    await facilitator.goto(`/sessions/${session.id}`);
    await boardReady(facilitator);
    await audit(facilitator, 'board before the session, facilitator');

    // Maple, on a phone, through their personal link (the group admits a first device straight in).
    const maple = await fx.open('phone');
    await maple.goto(await memberLink(fx.server().url, session, 'Maple'));
    await maple.getByRole('button', { name: 'Join the session' }).waitFor();
    await audit(maple, 'member welcome page', [PHONE, LAPTOP]);
    await maple.getByRole('button', { name: 'Join the session' }).click();
    await connected(maple);
    await maple.getByText('Waiting for the session to start').waitFor({ timeout: WAIT_MS });
    await audit(maple, 'member board before the session', [PHONE]);

    await facilitator.getByRole('button', { name: 'Start session' }).click();
    await expect.poll(() => facilitator.getByTestId('session-status').textContent(), { timeout: WAIT_MS }).toMatch(/live/i);
    await maple.getByTestId('current-item').waitFor({ timeout: WAIT_MS });
    // Maple's hand is up, then Maple has the floor; something is shared with the group.
    await maple.getByTestId('hand-toggle').click();
    await expect.poll(() => maple.getByTestId('hand-toggle').getAttribute('aria-pressed'), { timeout: WAIT_MS }).toBe('true');
    await audit(facilitator, 'board, live, facilitator, a hand up');
    await facilitator.getByTestId('floor-member').filter({ hasText: 'Maple' }).click();
    await command(facilitator, { type: 'resource.share', shareId: 'a11y-share', title: 'Peer warmline', body: 'Evenings 5-11 pm, free and confidential.', url: 'https://example.org/warmline' });
    await maple.getByText('Peer warmline').first().waitFor({ timeout: WAIT_MS });
    await audit(maple, 'member board, live', [PHONE, LAPTOP]);
    // A measure on Maple's phone, one question a screen, and its count on the facilitator's board.
    await command(facilitator, { type: 'measure.open', runId: 'a11y-phq', instrument: 'phq-9' });
    await maple.getByTestId('member-measure').waitFor({ timeout: WAIT_MS });
    await audit(maple, 'member board, a measure open', [PHONE]);
    await facilitator.getByTestId('measure-count').waitFor({ timeout: WAIT_MS });
    await audit(facilitator, 'board, live, facilitator, a measure open');
    await command(facilitator, { type: 'measure.close', runId: 'a11y-phq' });

    // River waits: the group stops admitting automatically, and River's link lands in the waiting room.
    const admission = await facilitator.context().request.put(`/api/groups/${group.id}/admission`, { data: { admitAutomatically: false } });
    expect(admission.status()).toBe(200);
    const river = await fx.open('phone');
    await river.goto(`/join/${await personalCode(fx.server().url, group.id, 'River')}?session=${session.id}`);
    await river.getByRole('button', { name: 'Join the session' }).click();
    await river.getByTestId('member-waiting').waitFor({ timeout: WAIT_MS });
    await audit(river, 'member waiting room', [PHONE, LAPTOP]);

    await facilitator.getByTestId('waiting-device').waitFor({ timeout: WAIT_MS });
    await audit(facilitator, 'board, live, facilitator, a member waiting');
  });

  it('the live board for the supervisor, and each board with a flag, a cue and a crisis', async () => {
    const supervisor = await fx.open('desktop');
    await signIn(supervisor, SUPERVISOR, DEMO_PASSWORD);
    await supervisor.goto(`/sessions/${session.id}`);
    await boardReady(supervisor);
    await audit(supervisor, 'board, live, supervisor');
    // The Plan view too: agenda, attendance, resources (read-only for the supervisor).
    await supervisor.getByRole('tab', { name: /^Plan/ }).click();
    await supervisor.getByTestId('view-plan').waitFor({ state: 'visible', timeout: WAIT_MS });
    await audit(supervisor, 'board, live, supervisor, Plan view');
    await supervisor.getByRole('tab', { name: /^Now/ }).click();

    // A flag, a cue from the supervisor, then a crisis: each board as it alerts.
    await command(facilitator, { type: 'flag.raise', flagId: 'a11y-flag', category: 'interpersonal-conflict', severity: 'moderate', memberIds: [memberId('Maple')], note: 'Raised voices over seating' });
    await command(supervisor, { type: 'cue.send', cueId: 'a11y-cue', text: 'Check in with Maple before the break' });
    await facilitator.getByText('Check in with Maple before the break').first().waitFor({ timeout: WAIT_MS });
    await audit(facilitator, 'board, live, facilitator, a flag and a cue');
    // The Plan view: agenda with its controls, attendance, nudge settings, resources, the cue in the corner.
    await facilitator.getByRole('tab', { name: /^Plan/ }).click();
    await facilitator.getByTestId('view-plan').waitFor({ state: 'visible', timeout: WAIT_MS });
    await audit(facilitator, 'board, live, facilitator, Plan view', [LAPTOP, PHONE]);
    await facilitator.getByRole('tab', { name: /^Now/ }).click();
    await facilitator.getByTestId('view-now').waitFor({ state: 'visible', timeout: WAIT_MS });
    await command(facilitator, { type: 'flag.raise', flagId: 'a11y-crisis', category: 'safety-risk', severity: 'crisis', memberIds: [memberId('Maple')], note: 'Said they feel unsafe at home' });
    await supervisor.getByTestId('crisis-alert').waitFor({ timeout: WAIT_MS });
    await audit(supervisor, 'board, live, supervisor, a crisis to acknowledge');
    await facilitator.getByTestId('crisis-alert').waitFor({ timeout: WAIT_MS });
    await audit(facilitator, 'board, live, facilitator, a crisis raised');
    // The supervisor acknowledges the crisis and the facilitator the cue: the boards are clear again.
    await command(supervisor, { type: 'flag.acknowledge', flagId: 'a11y-crisis' });
    await command(facilitator, { type: 'cue.acknowledge', cueId: 'a11y-cue' });
    await expect.poll(() => facilitator.getByTestId('crisis-alert').count(), { timeout: WAIT_MS }).toBe(0);

    const phone = await fx.open('phone');
    await signIn(phone, FACILITATOR_A, DEMO_PASSWORD);
    await phone.goto(`/sessions/${session.id}`);
    await boardReady(phone);
    await audit(phone, 'board, live, facilitator', [PHONE]);
  });

  it('the end of the session, the record under review and its print view', async () => {
    // Everyone but Maple (connected) and Cedar confirmed absent, and the moderate flag resolved: the
    // record opens with one guard of each kind left to deal with in the page.
    for (const m of group.members.filter((x) => x.alias !== 'Maple' && x.alias !== 'Cedar')) {
      await command(facilitator, { type: 'attendance.correct', memberId: m.id, status: 'absent', reason: 'Did not attend' });
    }
    await command(facilitator, { type: 'flag.resolve', flagId: 'a11y-flag', outcome: 'Talked it through after group' });
    await facilitator.getByRole('button', { name: 'End session' }).click();
    await facilitator.getByRole('button', { name: 'Yes, end session' }).waitFor();
    await audit(facilitator, 'board, asked to confirm the end');
    await facilitator.getByRole('button', { name: 'Yes, end session' }).click();
    await facilitator.getByRole('link', { name: 'Review and sign its record' }).waitFor({ timeout: WAIT_MS });
    await audit(facilitator, 'board, ended, facilitator');

    await facilitator.getByRole('link', { name: 'Review and sign its record' }).click();
    await facilitator.waitForURL(`**/sessions/${session.id}/record`);
    await facilitator.getByRole('button', { name: "Take the record's draft" }).waitFor();
    await audit(facilitator, 'record before its draft');
    await facilitator.getByRole('button', { name: "Take the record's draft" }).click();
    await expect.poll(() => facilitator.getByTestId('record-status').textContent(), { timeout: WAIT_MS }).toBe('Draft');
    await audit(facilitator, 'record under review', [LAPTOP, PHONE]);
    const guard = (kind: string) => facilitator.locator(`[data-testid="guard"][data-kind="${kind}"]`);
    await guard('attendance-unconfirmed').getByRole('button', { name: 'Confirm absent…' }).click();
    await audit(facilitator, 'record under review, a guard being answered');
    await facilitator.getByLabel('Confirm absent: reason').fill('Did not attend; no call');
    await guard('attendance-unconfirmed').getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => guard('attendance-unconfirmed').count(), { timeout: WAIT_MS }).toBe(0);
    await guard('open-flag').getByRole('button', { name: 'Resolve flag…' }).click();
    await facilitator.getByLabel('Outcome').fill('Safety plan made with Maple after group');
    await guard('open-flag').getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => facilitator.getByTestId('guards').getByRole('heading').textContent(), { timeout: WAIT_MS }).toBe('Ready to sign');
    await facilitator.getByRole('button', { name: 'Sign as author' }).click();
    await facilitator.getByRole('dialog').getByLabel('Your password').waitFor();
    await audit(facilitator, 'record, signing dialog');
    await facilitator.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();

    await facilitator.goto(`/sessions/${session.id}/record/print`);
    await facilitator.getByTestId('print-sheet').waitFor();
    await audit(facilitator, 'record, print view');
    await facilitator.emulateMedia({ media: 'print' });
    await audit(facilitator, 'record, print view, as printed');
    await facilitator.goto(`/sessions/${session.id}/record/print?member=${memberId('Maple')}`);
    await facilitator.getByTestId('print-sheet').waitFor();
    await audit(facilitator, "record, print view of Maple's note");
    await facilitator.emulateMedia({ media: null });
  });

  it('the progress pages of a member and of the group, and the intake', async () => {
    await facilitator.goto(`/groups/${group.id}/members/${memberId('Maple')}`);
    await facilitator.getByRole('heading', { name: 'Maple', level: 1 }).waitFor({ timeout: WAIT_MS });
    await audit(facilitator, 'progress of a member', [LAPTOP, PHONE]);
    await facilitator.goto(`/groups/${group.id}/progress`);
    await facilitator.getByTestId('group-sessions').waitFor({ timeout: WAIT_MS });
    await audit(facilitator, 'progress of the group', [LAPTOP, PHONE]);
    await facilitator.goto(`/groups/${group.id}/intake`);
    await facilitator.getByLabel('Alias in the group').waitFor({ timeout: WAIT_MS });
    await audit(facilitator, 'intake', [LAPTOP, PHONE]);
  });

  it('leaves a list of every page checked and what else axe noted', () => {
    mkdirSync(RESULTS, { recursive: true });
    writeFileSync(`${RESULTS}accessibility.json`, `${JSON.stringify({ checked, blocking, lesser, review }, null, 2)}\n`);
    expect(checked.length).toBeGreaterThan(20);
  });
});
