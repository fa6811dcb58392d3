import type { GroupSummary } from '@hearth/shared';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { recordFrames, signIn } from '../support/browser.ts';
import { useBrowserFixture } from '../support/browserFixture.ts';
import { WAIT_MS, present, sectionHolds, shows, watch } from '../support/live.ts';
import { DEMO_PASSWORD, FACILITATOR_A, FACILITATOR_B, SUPERVISOR, memberLink } from '../support/testServer.ts';

const SHOTS = new URL('../../test-results/', import.meta.url).pathname;

/**
 * Co-facilitator notes in the browser: both facilitators see each other's typing and caret within a
 * second, the supervisor reads along without being able to write, and the member's page never asks
 * for the notes.
 */
describe('co-facilitator notes in the browser', () => {
  const fx = useBrowserFixture();
  const open = fx.open;
  const editor = (page: Page, section: string) =>
    page.locator(`[data-testid="notes-section"][data-section="${section}"] [data-testid="notes-editor"]`);
  it('shares typing and carets between facilitators, read-only for the supervisor, never for members', async () => {
    const a = await open('desktop');
    await signIn(a, FACILITATOR_A, DEMO_PASSWORD);
    const { groups } = (await (await a.context().request.get('/api/groups')).json()) as { groups: GroupSummary[] };
    const group = groups[0]!;
    const session = group.sessions[0]!;
    const b = await open('desktop');
    await signIn(b, FACILITATOR_B, DEMO_PASSWORD);
    const sup = await open('desktop');
    await signIn(sup, SUPERVISOR, DEMO_PASSWORD);
    for (const p of [a, b, sup]) {
      await p.goto(`/sessions/${session.id}`);
      await expect.poll(() => p.getByTestId('notes-connection').getAttribute('data-state'), { timeout: WAIT_MS }).toBe('connected');
    }

    // The member joins from a phone; every request, response and frame of their page is kept.
    const member = await open('phone');
    const requests: string[] = [];
    const bodies: string[] = [];
    member.on('request', (r) => requests.push(r.url()));
    member.on('websocket', (ws) => requests.push(ws.url()));
    member.on('response', (r) => {
      void r.text().then((t) => bodies.push(t), () => undefined);
    });
    const frames = recordFrames(member);
    await member.goto(await memberLink(fx.server().url, session, 'Maple'));
    await member.getByRole('button', { name: 'Join the session' }).click();
    await expect.poll(() => member.getByTestId('connection').getAttribute('data-state'), { timeout: WAIT_MS }).toBe('connected');

    // A types in the general section: B sees A's caret, named, within a second of A's first
    // keystroke (an empty section has no place for a caret), and the words within a second of the last.
    const general = 'Opened with a grounding exercise';
    const generalCaret = '[data-testid="notes-section"][data-section="general"] .ProseMirror-yjs-cursor';
    await editor(a, 'general').click();
    const caretAtB = await watch([b], present(generalCaret));
    await a.keyboard.type(general.slice(0, 1));
    await caretAtB.shownLive(a);
    const wordsAtB = await watch([b], sectionHolds('general', general));
    await a.keyboard.type(general.slice(1));
    await wordsAtB.shownLive(a);
    expect(await b.locator(generalCaret).first().textContent()).toContain('Alex Rivera');

    // B writes in Maple's section at the same time as A goes on; both see both, and so does the
    // supervisor, who reads along, live and read-only.
    const mapleId = group.aliases.length > 0 ? await sectionOf(a, 'Maple') : '';
    const mapleNote = 'Maple described using paced breathing at work';
    await editor(b, mapleId).click();
    const caretAtA = await watch([a], present(`[data-testid="notes-section"][data-section="${mapleId}"] .ProseMirror-yjs-cursor`));
    await b.keyboard.type(mapleNote.slice(0, 1));
    await caretAtA.shownLive(b);
    const mapleElsewhere = await watch([a, sup], sectionHolds(mapleId, mapleNote));
    // The probes hold only once the last character is there: timed from the last keystroke.
    const settledElsewhere = await watch([b, sup], sectionHolds('general', 'Everyone settled.'));
    await Promise.all([b.keyboard.type(mapleNote.slice(1)), a.keyboard.type('. Everyone settled.')]);
    await mapleElsewhere.shownLive(b);
    await settledElsewhere.shownLive(a);
    expect(await sup.getByTestId('notes-readonly').count()).toBeGreaterThan(0);
    expect(await editor(sup, 'general').getAttribute('contenteditable')).toBe('false');
    await editor(sup, 'general').click();
    await sup.keyboard.type('SUPERVISOR WAS HERE');
    // A barrier written after the attempt: once A's next words have reached the supervisor's page,
    // anything the supervisor's typing had sent would have reached A's page too.
    await editor(a, 'general').click();
    await a.keyboard.press('End');
    await a.keyboard.type(' Barrier after the supervisor.');
    await shows(sup, sectionHolds('general', 'Barrier after the supervisor.'));
    await shows(a, sectionHolds('general', 'Barrier after the supervisor.'));
    for (const p of [a, b, sup]) expect(await p.locator('[data-testid="notes-section"][data-section="general"]').textContent()).not.toContain('SUPERVISOR WAS HERE');

    // A gentle cue when a member's section names another member.
    await editor(b, mapleId).click();
    await b.keyboard.press('End');
    await b.keyboard.type(' and helped River with it');
    await shows(b, present(`[data-testid="notes-section"][data-section="${mapleId}"] [data-testid="alias-cue"]`));

    // The member's page asked for nothing of the notes and received none of them.
    await member.reload();
    await expect.poll(() => member.getByTestId('connection').getAttribute('data-state'), { timeout: WAIT_MS }).toBe('connected');
    expect(requests.filter((u) => u.includes('/yjs'))).toEqual([]);
    const everything = [...bodies, ...frames.map((f) => f.raw)].join('\n');
    for (const text of [general, mapleNote, 'grounding', 'paced breathing at work']) expect(everything).not.toContain(text);

    await a.screenshot({ path: `${SHOTS}notes-facilitator.png`, fullPage: true });
    await sup.screenshot({ path: `${SHOTS}notes-supervisor.png`, fullPage: true });
  });
});

/** The section name of a member's notes, found by the alias heading on the page. */
async function sectionOf(page: Page, alias: string): Promise<string> {
  const sections = page.locator('[data-testid="notes-section"]');
  const n = await sections.count();
  for (let i = 0; i < n; i++) {
    const s = sections.nth(i);
    if ((await s.locator('h3, h4, h2').first().textContent())?.trim() === alias) {
      const name = await s.getAttribute('data-section');
      if (name) return name;
    }
  }
  throw new Error(`no notes section for ${alias}`);
}
