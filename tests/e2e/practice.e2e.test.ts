import type { GroupSummary } from '@hearth/shared';
import { describe, expect, it } from 'vitest';
import { DEMO_TIME_ZONE } from '../../server/src/demo/seed.ts';
import { signIn } from '../support/browser.ts';
import { useBrowserFixture } from '../support/browserFixture.ts';
import { WAIT_MS } from '../support/live.ts';
import { DEMO_PASSWORD, FACILITATOR_A, memberLink } from '../support/testServer.ts';

const SHOTS = new URL('../../test-results/', import.meta.url).pathname;

/** Scheduling as a practice does it: a weekly series from a template of the organization's library. */
describe('a weekly series from a template, in the browser', () => {
  const fx = useBrowserFixture();

  it('schedules twelve Tuesdays from the DBT template, and saves an agenda as a new template', async () => {
    const a = await fx.open('desktop');
    await signIn(a, FACILITATOR_A, DEMO_PASSWORD);
    const groupsBefore = ((await (await a.context().request.get('/api/groups')).json()) as { groups: GroupSummary[] }).groups[0]!;
    await a.getByText('Schedule a session').click();
    await a.getByLabel('Start from a template').selectOption({ label: 'DBT skills group' });
    await a.getByRole('button', { name: 'Use template' }).click();
    await expect.poll(() => a.getByLabel('Session title').inputValue(), { timeout: WAIT_MS }).toBe('DBT skills group');
    await expect.poll(() => a.getByText(/^Guidance for the clinicians:/).count(), { timeout: WAIT_MS }).toBeGreaterThan(0);
    await a.getByLabel('Session title').fill('DBT skills');
    await a.getByLabel(/^(Date and time|First session)$/).fill('2027-02-23T17:00');
    await a.getByLabel('Weekly, for').fill('12');
    await expect.poll(() => a.getByText(`Times are on your organization’s clocks (${DEMO_TIME_ZONE})`, { exact: false }).count(), { timeout: WAIT_MS }).toBe(1);
    await a.screenshot({ path: `${SHOTS}series-form-laptop.png` });
    await a.getByRole('button', { name: 'Schedule 12 weekly sessions' }).click();
    await expect.poll(() => a.getByText('Scheduled 12 weekly sessions of “DBT skills”.').count(), { timeout: WAIT_MS }).toBe(1);

    const group = ((await (await a.context().request.get('/api/groups')).json()) as { groups: GroupSummary[] }).groups[0]!;
    const series = group.sessions.filter((s) => s.title.startsWith('DBT skills · week'));
    expect(series).toHaveLength(12);
    expect(group.sessions).toHaveLength(groupsBefore.sessions.length + 12);
    const times = new Set(series.map((s) => new Date(s.scheduledFor!).toLocaleString('en-US', { timeZone: DEMO_TIME_ZONE, weekday: 'long', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })));
    expect(times).toEqual(new Set(['Tuesday 17:00']));
    const first = series.find((s) => s.title === 'DBT skills · week 1 of 12')!;
    expect(first.scheduledFor).toBe('2027-02-23T23:00:00.000Z');

    // The board of a series session carries the template's guidance for the clinicians.
    await a.goto(`/sessions/${first.id}`);
    await expect.poll(() => a.getByTestId('connection').getAttribute('data-state'), { timeout: WAIT_MS }).toBe('connected');
    await expect.poll(() => a.getByText('Lead a short practice; invite one or two observations, not a discussion.').count(), { timeout: WAIT_MS }).toBe(1);
    // Starting the session starts its first item; only the one after reads "Up next".
    await a.getByRole('button', { name: 'Start session' }).click();
    await expect.poll(() => a.getByTestId('current-item').textContent(), { timeout: WAIT_MS }).toBe('Mindfulness exercise');
    const labels = () => a.locator('[data-testid="agenda-item"] .state').allTextContents();
    await expect.poll(labels, { timeout: WAIT_MS }).toEqual(['In progress', 'Up next', 'Not started', 'Not started', 'Not started', 'Not started']);
    await a.screenshot({ path: `${SHOTS}series-board-started-laptop.png` });

    // Save the agenda being drafted as a template of the organization.
    await a.goto('/');
    await a.getByText('Schedule a session').click();
    await a.getByRole('button', { name: 'Save this agenda as a template…' }).click();
    await a.getByLabel('Template name').fill('Our skills format');
    await a.getByRole('button', { name: 'Save template' }).click();
    await expect.poll(() => a.getByText('Saved “Our skills format” to your organization’s templates.').count(), { timeout: WAIT_MS }).toBe(1);
    const { templates } = (await (await a.context().request.get('/api/organization/agenda-templates')).json()) as { templates: { name: string }[] };
    expect(templates.map((t) => t.name)).toContain('Our skills format');

    // Week 2 moves by a day, week 3 is cancelled: the list says so, and its member link tells members.
    await a.goto('/');
    const row = (title: string) => a.locator('[data-testid="session-row"]', { has: a.getByRole('heading', { name: title, exact: true }) });
    const week2 = row('DBT skills · week 2 of 12');
    await week2.getByRole('button', { name: 'Reschedule DBT skills · week 2 of 12' }).click();
    await week2.getByLabel(/^New date and time/).fill('2027-03-03T17:30');
    await week2.getByRole('button', { name: 'Save new time' }).click();
    await expect.poll(() => week2.locator('.when').textContent(), { timeout: WAIT_MS }).toMatch(/Wednesday, March 3, 2027.*5:30/);
    const week3 = row('DBT skills · week 3 of 12');
    await week3.getByRole('button', { name: 'Cancel DBT skills · week 3 of 12' }).click();
    await week3.getByRole('button', { name: 'Cancel this session' }).click();
    await expect.poll(() => week3.getByText(/^Say why/).count(), { timeout: WAIT_MS }).toBe(1);
    await week3.getByLabel('Why is it cancelled?').fill('Clinic closed for the holiday');
    await week3.getByRole('button', { name: 'Cancel this session' }).click();
    await expect.poll(() => week3.locator('.status').textContent(), { timeout: WAIT_MS }).toBe('cancelled');
    await a.screenshot({ path: `${SHOTS}series-cancelled-laptop.png`, fullPage: true });
    const cancelled = series.find((s) => s.title === 'DBT skills · week 3 of 12')!;
    const member = await fx.open('phone');
    await member.goto(await memberLink(fx.server().url, cancelled, 'Maple'));
    await member.getByRole('button', { name: 'Join the session' }).click();
    await expect.poll(() => member.getByRole('heading', { level: 1 }).textContent(), { timeout: WAIT_MS }).toBe('This session was cancelled');
    expect(await member.content()).not.toContain('holiday');
    await member.screenshot({ path: `${SHOTS}series-cancelled-member-phone.png` });

    // The roster over time: a member added, another discharged with a reason.
    await a.goto('/');
    await a.getByText('Manage group and roster').click();
    await a.getByLabel("New member's alias").fill('Birch');
    await a.getByRole('button', { name: 'Add member' }).click();
    await expect.poll(() => a.getByText('Birch is on the roster', { exact: false }).count(), { timeout: WAIT_MS }).toBe(1);
    const aspen = a.locator('[data-testid="roster-member"][data-alias="Aspen"]');
    await aspen.getByRole('button', { name: 'Discharge Aspen…' }).click();
    await aspen.getByLabel('Discharge date for Aspen').fill('2026-12-01');
    await aspen.getByLabel('Reason for discharging Aspen').fill('Completed the program');
    await aspen.getByRole('button', { name: 'Discharge', exact: true }).click();
    await expect.poll(() => aspen.textContent(), { timeout: WAIT_MS }).toMatch(/discharged 2026-12-01 — Completed the program/);
    const afterRoster = ((await (await a.context().request.get('/api/groups')).json()) as { groups: GroupSummary[] }).groups[0]!;
    expect(afterRoster.aliases).toContain('Birch');
    expect(afterRoster.aliases).not.toContain('Aspen');
    await a.screenshot({ path: `${SHOTS}roster-manage-laptop.png`, fullPage: true });

    const phone = await fx.open('phone');
    await signIn(phone, FACILITATOR_A, DEMO_PASSWORD);
    await phone.getByText('Schedule a session').first().click();
    await phone.getByLabel('Weekly, for').first().fill('12');
    await phone.screenshot({ path: `${SHOTS}series-form-phone.png`, fullPage: true });
  });
});
