import { AxeBuilder } from '@axe-core/playwright';
import { sectionName, type GroupSummary, type SessionSummary } from '@hearth/shared';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, connectBoard, emitAck, login, type BoardClient } from '../support/boardClient.ts';
import { signIn } from '../support/browser.ts';
import { useBrowserFixture } from '../support/browserFixture.ts';
import { WAIT_MS } from '../support/live.ts';
import { DEMO_PASSWORD, FACILITATOR_A, FACILITATOR_B, SUPERVISOR, joinAsMember } from '../support/testServer.ts';

const SHOTS = new URL('../../test-results/', import.meta.url).pathname;

/** The laptops facilitators run groups from. */
const SIZES = [
  { width: 1366, height: 768 },
  { width: 1440, height: 900 }
] as const;

/**
 * The focus layout: on a laptop, a facilitator running a live group sees without scrolling the item
 * in progress with its timer and controls, the floor with every member and the raised hands, the
 * raise-a-flag control, the speaker's notes section, the supervisor's cue and a crisis alert; the
 * agenda editing, attendance and nudge settings wait in the Plan tab.
 */
describe('the live board fits a laptop screen', () => {
  const fx = useBrowserFixture();
  const sockets: BoardClient[] = [];
  let session: SessionSummary;
  let group: GroupSummary;
  let facilitatorB: string;
  let commandNo = 0;

  const memberId = (alias: string) => {
    const m = group.members.find((x) => x.alias === alias);
    if (!m) throw new Error(`no member ${alias}`);
    return m.id;
  };
  const command = async (cookie: string, body: unknown) => {
    const res = await api(fx.server().url, `/sessions/${session.id}/commands`, { cookie, body: { id: `focus-${++commandNo}`, command: body } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  };

  beforeAll(async () => {
    // A group in full swing: the first item running, six members here, Maple speaking, two hands up,
    // and a cue from the supervisor not yet acknowledged.
    const url = fx.server().url;
    const a = await login(url, FACILITATOR_A, DEMO_PASSWORD);
    facilitatorB = await login(url, FACILITATOR_B, DEMO_PASSWORD);
    const supervisor = await login(url, SUPERVISOR, DEMO_PASSWORD);
    group = (await api<{ groups: GroupSummary[] }>(url, '/groups', { cookie: a })).body.groups[0]!;
    session = group.sessions.find((s) => s.status === 'scheduled')!;
    await command(a, { type: 'session.start' });
    await command(a, { type: 'item.next' });
    for (const alias of ['Maple', 'River', 'Sparrow', 'Cedar', 'Juniper', 'Harbor']) {
      const socket = await connectBoard(url, { token: await joinAsMember(url, session, alias) });
      sockets.push(socket);
      expect(await emitAck(socket, 'join', { sessionId: session.id })).toMatchObject({ ok: true });
      if (alias === 'River' || alias === 'Cedar') {
        expect(await emitAck(socket, 'command', { sessionId: session.id, id: `hand-${alias}`, command: { type: 'hand.raise' } })).toMatchObject({ ok: true });
      }
    }
    await command(a, { type: 'turn.start', speaker: { kind: 'member', memberId: memberId('Maple') } });
    await command(supervisor, { type: 'cue.send', cueId: 'focus-cue', text: 'Sparrow looks ready to say something' });
  });
  afterAll(() => {
    for (const s of sockets) s.close();
  });

  /** Whether the whole of `target` lies inside the page's viewport, as the page is now. */
  async function inView(page: Page, target: Locator): Promise<string | true> {
    const box = await target.boundingBox();
    const { width, height } = page.viewportSize()!;
    if (!box) return 'not rendered';
    const inside = box.x >= 0 && box.y >= 0 && box.x + box.width <= width && box.y + box.height <= height;
    return inside || `at x ${Math.round(box.x)}, y ${Math.round(box.y)}, ${Math.round(box.width)}×${Math.round(box.height)} in ${width}×${height}`;
  }

  /** Asserts each named control is on the screen, naming every one that is not. */
  async function allInView(page: Page, targets: Record<string, Locator>): Promise<void> {
    const outside: string[] = [];
    for (const [what, target] of Object.entries(targets)) {
      const count = await target.count();
      if (count === 0) outside.push(`${what}: not found`);
      for (let n = 0; n < count; n++) {
        const seen = await inView(page, target.nth(n));
        if (seen !== true) outside.push(`${what}${count > 1 ? ` #${n + 1}` : ''}: ${seen}`);
      }
    }
    expect(outside, 'controls outside the viewport').toEqual([]);
  }

  const noteSection = (page: Page, alias: string) => page.locator(`[data-testid="notes-section"][data-section="${sectionName(memberId(alias))}"]`);

  /** A facilitator's board at a given size, settled: connected, notes loaded, the room as set up. */
  async function openBoard(width: number, height: number): Promise<Page> {
    const page = await fx.open('desktop');
    await page.setViewportSize({ width, height });
    await signIn(page, FACILITATOR_A, DEMO_PASSWORD);
    await page.goto(`/sessions/${session.id}`);
    await expect.poll(() => page.getByTestId('connection').getAttribute('data-state'), { timeout: WAIT_MS }).toBe('connected');
    await page.locator('[data-testid="notes-editor"]').first().waitFor({ timeout: WAIT_MS });
    await expect.poll(() => page.getByTestId('hand').count(), { timeout: WAIT_MS }).toBe(2);
    await page.getByTestId('cue').first().waitFor({ timeout: WAIT_MS });
    await expect.poll(() => noteSection(page, 'Maple').getAttribute('data-speaking'), { timeout: WAIT_MS }).toBe('true');
    await page.evaluate(() => document.fonts.ready.then(() => undefined));
    return page;
  }

  for (const { width, height } of SIZES) {
    it(`shows what a facilitator runs the group with at ${width}×${height}, without scrolling`, async () => {
      const page = await openBoard(width, height);
      const controls = page.getByRole('group', { name: 'Current item controls' });
      const floor = page.getByTestId('floor-panel');
      const targets = {
        'the item in progress': page.getByTestId('current-item'),
        'its timer': page.getByTestId('timer'),
        'its controls': controls.getByRole('button'),
        'the one holding the floor': page.getByTestId('floor-holder'),
        'each member on the floor': floor.getByTestId('floor-member'),
        'floor to a facilitator': floor.getByRole('button', { name: 'Facilitator' }),
        'floor to nobody': floor.getByRole('button', { name: 'Nobody' }),
        'the raised hands': page.getByTestId('hand'),
        'floor to the first hand': floor.getByRole('button', { name: 'Give the floor to River' }),
        'raise a flag': page.getByTestId('flags-panel').getByText('Raise a flag', { exact: true }),
        "the speaker's notes section": noteSection(page, 'Maple').getByRole('heading', { name: 'Maple' }),
        "the speaker's notes editor": noteSection(page, 'Maple').getByTestId('notes-editor'),
        "the supervisor's cue": page.getByTestId('cue'),
        'its acknowledgement': page.getByRole('button', { name: 'Got it' }),
        'the view tabs': page.getByRole('tab'),
        'end session': page.getByRole('button', { name: 'End session' })
      };
      expect(await page.evaluate(() => window.scrollY)).toBe(0);
      await allInView(page, targets);
      await page.screenshot({ path: `${SHOTS}focus-board-${width}x${height}.png` });

      // The floor moves (key 5 is Juniper, fifth on the roster): Juniper's notes come into view.
      await page.locator('body').click({ position: { x: 5, y: 5 } });
      await page.keyboard.press('5');
      await expect.poll(() => noteSection(page, 'Juniper').getAttribute('data-speaking'), { timeout: WAIT_MS }).toBe('true');
      await expect.poll(() => inView(page, noteSection(page, 'Juniper').getByTestId('notes-editor')), { timeout: WAIT_MS }).toBe(true);
      expect(await page.evaluate(() => window.scrollY)).toBe(0);
      await page.keyboard.press('1');
      await expect.poll(() => inView(page, noteSection(page, 'Maple').getByTestId('notes-editor')), { timeout: WAIT_MS }).toBe(true);
    });
  }

  it('moves the agenda editing, attendance and nudge settings into a Plan tab, operable by keyboard', async () => {
    const page = await openBoard(1366, 768);
    const now = page.getByRole('tab', { name: /^Now/ });
    const plan = page.getByRole('tab', { name: /^Plan/ });
    expect(await now.getAttribute('aria-selected')).toBe('true');
    expect(await plan.getAttribute('aria-selected')).toBe('false');
    // Out of the way on "Now": no agenda editing, attendance details or nudge settings to scroll past.
    for (const hidden of [page.getByRole('button', { name: /^Edit Check-in/ }), page.getByTestId('attendance-panel'), page.getByTestId('settings-panel'), page.getByTestId('share-panel')]) {
      expect(await hidden.isVisible()).toBe(false);
    }

    // One tab stop; the arrow keys move between the tabs and choose.
    await now.focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => plan.getAttribute('aria-selected'), { timeout: WAIT_MS }).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('role') === 'tab' && document.activeElement.textContent?.trim().startsWith('Plan'))).toBe(true);
    expect(await plan.getAttribute('tabindex')).toBe('0');
    expect(await now.getAttribute('tabindex')).toBe('-1');
    const planPanel = page.getByRole('tabpanel', { name: /^Plan/ });
    await planPanel.getByRole('button', { name: 'Edit Check-in' }).waitFor({ timeout: WAIT_MS });
    for (const shown of [page.getByTestId('attendance-panel'), page.getByTestId('settings-panel'), page.getByTestId('share-panel'), planPanel.getByRole('button', { name: 'Add item' })]) {
      expect(await shown.isVisible()).toBe(true);
    }
    expect(await page.getByTestId('view-now').isVisible()).toBe(false);
    // A cue is not missed while planning: it waits in the corner.
    await allInView(page, { "the supervisor's cue": page.getByTestId('cue') });
    await page.screenshot({ path: `${SHOTS}focus-board-plan-1366x768.png` });
    // The Plan view is checked by axe as it is shown (a hidden panel is skipped by it otherwise).
    const { violations } = await new AxeBuilder({ page }).include('[data-testid="view-plan"]').include('[data-testid="board-tabs"]').analyze();
    const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);

    // Home and End reach the first and last tab; the focus stayed on the tabs throughout.
    await plan.focus();
    await page.keyboard.press('Home');
    await expect.poll(() => now.getAttribute('aria-selected'), { timeout: WAIT_MS }).toBe('true');
    expect(await page.getByTestId('view-plan').isVisible()).toBe(false);
    await page.keyboard.press('End');
    await expect.poll(() => plan.getAttribute('aria-selected'), { timeout: WAIT_MS }).toBe('true');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => now.getAttribute('aria-selected'), { timeout: WAIT_MS }).toBe('true');
  });

  it('gives the supervisor the same room, with the cue composer where a facilitator has cues', async () => {
    const page = await fx.open('desktop');
    await page.setViewportSize({ width: 1366, height: 768 });
    await signIn(page, SUPERVISOR, DEMO_PASSWORD);
    await page.goto(`/sessions/${session.id}`);
    await expect.poll(() => page.getByTestId('connection').getAttribute('data-state'), { timeout: WAIT_MS }).toBe('connected');
    await page.locator('[data-testid="notes-editor"]').first().waitFor({ timeout: WAIT_MS });
    await allInView(page, {
      'the item in progress': page.getByTestId('current-item'),
      'its timer': page.getByTestId('timer'),
      'the one holding the floor': page.getByTestId('floor-holder'),
      'the raised hands': page.getByTestId('hand'),
      'the cue composer': page.getByTestId('cue-composer').getByLabel('Cue'),
      'send the cue': page.getByRole('button', { name: 'Send cue' })
    });
    expect(await page.getByRole('group', { name: 'Current item controls' }).count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}focus-board-supervisor-1366x768.png` });
  });

  it('keeps a crisis alert and its acknowledgement on the screen', async () => {
    const page = await openBoard(1366, 768);
    await command(facilitatorB, { type: 'flag.raise', flagId: 'focus-crisis', category: 'safety-risk', severity: 'crisis', memberIds: [memberId('Maple')], note: 'Mentioned a plan' });
    const alert = page.getByTestId('crisis-alert');
    await alert.waitFor({ timeout: WAIT_MS });
    await allInView(page, {
      'the crisis alert': alert.getByRole('heading', { name: /crisis flag/i }),
      'its acknowledgement': page.getByTestId('crisis-acknowledge'),
      'the tabs below it': page.getByRole('tab')
    });
    await page.screenshot({ path: `${SHOTS}focus-board-crisis-1366x768.png` });
  });
});
