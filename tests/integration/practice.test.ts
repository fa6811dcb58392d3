import type { AgendaTemplate, BoardState, OrganizationInfo, SessionSummary } from '@hearth/shared';
import { describe, expect, it } from 'vitest';
import { DEMO_TEMPLATES, DEMO_TIME_ZONE } from '../../server/src/demo/seed.ts';
import { api, emitAck, recordEvents } from '../support/boardClient.ts';
import { waitFor } from '../support/wait.ts';
import { boardAt } from '../support/probes.ts';
import { useServerFixture } from '../support/serverFixture.ts';
import { demoGroup, joinAsMember, personalCode, scheduleSession } from '../support/testServer.ts';

/** An organization's library of agenda templates, its time zone, and weekly series scheduled from them. */
describe('templates and weekly series', () => {
  const fx = useServerFixture();

  it('starts the demo with three templates and its time zone; any clinician adds one, a name once', async () => {
    const { body } = await api<{ templates: AgendaTemplate[] }>(fx.server.url, '/organization/agenda-templates', { cookie: fx.cookies.supervisor });
    expect(body.templates.map((t) => t.name).sort()).toEqual([...DEMO_TEMPLATES].sort());
    expect(body.templates.find((t) => t.name === 'DBT skills group')!.items.some((i) => i.guidance.length > 0)).toBe(true);
    expect((await api<{ organization: OrganizationInfo }>(fx.server.url, '/organization', { cookie: fx.cookies.b })).body.organization).toEqual({
      name: 'Demo Counseling Practice',
      timeZone: DEMO_TIME_ZONE,
      // The demo keeps the stock protocol: national lines only, which the home page flags.
      warnings: [expect.stringContaining('no local contact')]
    });

    const mine = { name: 'Grief group', description: 'Six weeks', items: [{ title: 'Remembering', kind: 'open-process', plannedMinutes: 40, guidance: 'Invite a photo or object' }] };
    const saved = await api<{ template: AgendaTemplate }>(fx.server.url, '/organization/agenda-templates', { cookie: fx.cookies.b, body: mine });
    expect(saved).toMatchObject({ status: 201, body: { template: mine } });
    expect(await api(fx.server.url, '/organization/agenda-templates', { cookie: fx.cookies.a, body: { ...mine, name: 'GRIEF GROUP' } })).toMatchObject({ status: 409, body: { error: { code: 'TEMPLATE_EXISTS' } } });
    const after = (await api<{ templates: AgendaTemplate[] }>(fx.server.url, '/organization/agenda-templates', { cookie: fx.cookies.a })).body.templates;
    expect(after.map((t) => t.name)).toContain('Grief group');
    expect(after).toHaveLength(DEMO_TEMPLATES.length + 1);
  });

  it('lets only admins set the time zone, and only to one that exists', async () => {
    expect(await api(fx.server.url, '/organization/time-zone', { cookie: fx.cookies.b, method: 'PUT', body: { timeZone: 'Europe/Berlin' } })).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    expect(await api(fx.server.url, '/organization/time-zone', { cookie: fx.cookies.a, method: 'PUT', body: { timeZone: 'Mars/Base' } })).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
    expect((await api<{ organization: OrganizationInfo }>(fx.server.url, '/organization', { cookie: fx.cookies.a })).body.organization.timeZone).toBe(DEMO_TIME_ZONE);
  });

  it('schedules twelve weekly sessions at 17:00 in the organization\'s time zone, across the change of clocks, with the template\'s guidance', async () => {
    const group = await demoGroup(fx.server.url, fx.cookies.a);
    const template = (await api<{ templates: AgendaTemplate[] }>(fx.server.url, '/organization/agenda-templates', { cookie: fx.cookies.a })).body.templates.find((t) => t.name === 'DBT skills group')!;
    const agenda = template.items.map((i, n) => ({ ...i, itemId: `t${n}` }));
    const body = { title: 'DBT skills', firstDate: '2027-02-23', time: '17:00', weeks: 12, agenda };
    expect(await api(fx.server.url, `/groups/${group.id}/series`, { cookie: fx.cookies.supervisor, body })).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    const dup = await api(fx.server.url, `/groups/${group.id}/series`, { cookie: fx.cookies.a, body: { ...body, agenda: [agenda[0], agenda[0]] } });
    expect(dup).toMatchObject({ status: 409, body: { error: { code: 'ITEM_EXISTS' } } });
    expect((await demoGroup(fx.server.url, fx.cookies.a)).sessions).toHaveLength(group.sessions.length);

    const res = await api<{ sessions: SessionSummary[] }>(fx.server.url, `/groups/${group.id}/series`, { cookie: fx.cookies.a, body });
    expect(res.status).toBe(201);
    const { sessions } = res.body;
    expect(sessions.map((s) => s.title)).toEqual(Array.from({ length: 12 }, (_, n) => `DBT skills · week ${n + 1} of 12`));
    const local = sessions.map((s) => new Date(s.scheduledFor!).toLocaleString('en-US', { timeZone: DEMO_TIME_ZONE, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }));
    expect(new Set(local)).toEqual(new Set(['Tue 17:00']));
    // Chicago moves its clocks on 14 March 2027: 23:00 UTC before, 22:00 UTC after.
    expect(sessions.slice(0, 4).map((s) => s.scheduledFor)).toEqual(['2027-02-23T23:00:00.000Z', '2027-03-02T23:00:00.000Z', '2027-03-09T23:00:00.000Z', '2027-03-16T22:00:00.000Z']);
    expect(sessions.every((s) => s.status === 'scheduled')).toBe(true);
    // Each board starts with the template's agenda and its private guidance.
    const board = (await boardAt(fx.server.url, { cookie: fx.cookies.a }, sessions[5]!.id)).state as BoardState;
    expect(board.items.map((i) => [i.title, i.plannedMinutes, i.guidance])).toEqual(template.items.map((i) => [i.title, i.plannedMinutes, i.guidance]));
    expect((await demoGroup(fx.server.url, fx.cookies.a)).sessions).toHaveLength(group.sessions.length + 12);
  });

  it('reschedules and cancels a session: the list and the board follow, members learn only that it is cancelled', async () => {
    const session = await scheduleSession(fx.server.url, fx.cookies.a);
    const cmd = (cookie: string, id: string, command: unknown) => api(fx.server.url, `/sessions/${session.id}/commands`, { cookie, body: { id, command } });
    expect(await cmd(fx.cookies.a, 'move', { type: 'session.reschedule', scheduledFor: '2027-03-02T17:00:00-06:00' })).toMatchObject({ status: 200 });
    const listed = async () => (await demoGroup(fx.server.url, fx.cookies.a)).sessions.find((s) => s.id === session.id)!;
    expect((await listed()).scheduledFor).toBe('2027-03-02T23:00:00.000Z');

    const member = await fx.open({ token: await joinAsMember(fx.server.url, session, 'Maple') });
    const joined = await emitAck(member, 'join', { sessionId: session.id });
    expect(joined).toMatchObject({ ok: true, state: { scheduledFor: '2027-03-02T23:00:00.000Z' } });
    const received = recordEvents(member);
    expect(await cmd(fx.cookies.supervisor, 'sup', { type: 'session.cancel', reason: 'Snow closure' })).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    expect(await cmd(fx.cookies.a, 'cancel-empty', { type: 'session.cancel', reason: '  ' })).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
    expect(await cmd(fx.cookies.a, 'cancel', { type: 'session.cancel', reason: 'Snow closure: the clinic is shut' })).toMatchObject({ status: 200 });
    await waitFor(() => received.some((m) => m.event.type === 'session.cancelled'), 5000, 'the member to hear of the cancellation');
    expect(JSON.stringify(received)).not.toContain('Snow closure');
    expect((await listed()).status).toBe('cancelled');
    const board = (await boardAt(fx.server.url, { cookie: fx.cookies.b }, session.id)).state as BoardState;
    expect(board).toMatchObject({ status: 'cancelled', cancelReason: 'Snow closure: the clinic is shut' });
    // Closed: it does not start, its link says so, it has no record.
    expect(await cmd(fx.cookies.a, 'start', { type: 'session.start' })).toMatchObject({ status: 409, body: { error: { code: 'SESSION_NOT_SCHEDULED' } } });
    expect(await cmd(fx.cookies.a, 'again', { type: 'session.cancel', reason: 'again' })).toMatchObject({ status: 409, body: { error: { code: 'SESSION_CANCELLED' } } });
    const code = await personalCode(fx.server.url, session.groupId, 'River');
    expect(await api(fx.server.url, `/invites/${code}/join`, { body: { sessionId: session.id } })).toMatchObject({ status: 409, body: { error: { code: 'SESSION_CANCELLED' } } });
    expect(await api(fx.server.url, `/sessions/${session.id}/record`, { cookie: fx.cookies.a, body: {} })).toMatchObject({ status: 409, body: { error: { code: 'SESSION_NOT_ENDED' } } });
  });

  it('removes a template from the library; sessions made from it keep their agenda', async () => {
    const list = async () => (await api<{ templates: { id: string; name: string }[] }>(fx.server.url, '/organization/agenda-templates', { cookie: fx.cookies.a })).body.templates;
    const made = await api<{ template: { id: string } }>(fx.server.url, '/organization/agenda-templates', {
      cookie: fx.cookies.a,
      body: { name: 'Short-lived format', description: '', items: [{ title: 'Check-in', kind: 'check-in', plannedMinutes: 10, guidance: '' }] }
    });
    expect(made.status).toBe(201);
    const id = made.body.template.id;
    const session = await scheduleSession(fx.server.url, fx.cookies.a);
    const before = (await boardAt(fx.server.url, { cookie: fx.cookies.a }, session.id)).state;
    expect(await api(fx.server.url, `/organization/agenda-templates/${id}`, { method: 'DELETE' })).toMatchObject({ status: 401 });
    expect(await api(fx.server.url, '/organization/agenda-templates/not-a-uuid', { cookie: fx.cookies.a, method: 'DELETE' })).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
    expect((await api(fx.server.url, `/organization/agenda-templates/${id}`, { cookie: fx.cookies.b, method: 'DELETE' })).status).toBe(204);
    expect((await list()).map((t) => t.id)).not.toContain(id);
    expect(await api(fx.server.url, `/organization/agenda-templates/${id}`, { cookie: fx.cookies.a, method: 'DELETE' })).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    expect((await boardAt(fx.server.url, { cookie: fx.cookies.a }, session.id)).state).toEqual(before);
  });

  it('answers bad templates and series with 400 and stores nothing', async () => {
    const group = await demoGroup(fx.server.url, fx.cookies.a);
    const before = (await api<{ templates: unknown[] }>(fx.server.url, '/organization/agenda-templates', { cookie: fx.cookies.a })).body.templates.length;
    const item = { title: 'X', kind: 'check-in', plannedMinutes: 10, guidance: '' };
    for (const body of [{ name: 'No items', description: '', items: [] }, { name: '', description: '', items: [item] }, { name: 'T', description: '', items: [{ ...item, kind: 'yoga' }] }, { name: 'T', description: '', items: [item], id: 'x' }]) {
      expect(await api(fx.server.url, '/organization/agenda-templates', { cookie: fx.cookies.a, body }), JSON.stringify(body)).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
    }
    for (const bad of [{ weeks: 60 }, { firstDate: '2027-13-01' }, { time: '7pm' }, { agenda: [{ ...item, itemId: 'a b' }] }]) {
      const body = { title: 'S', firstDate: '2027-01-05', time: '17:00', weeks: 2, agenda: [], ...bad };
      expect(await api(fx.server.url, `/groups/${group.id}/series`, { cookie: fx.cookies.a, body }), JSON.stringify(bad)).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
    }
    expect((await api<{ templates: unknown[] }>(fx.server.url, '/organization/agenda-templates', { cookie: fx.cookies.a })).body.templates).toHaveLength(before);
    expect((await demoGroup(fx.server.url, fx.cookies.a)).sessions).toHaveLength(group.sessions.length);
    expect((await api(fx.server.url, '/health')).status).toBe(200);
  });
});
