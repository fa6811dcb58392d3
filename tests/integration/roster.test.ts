import type { BoardState, GroupSummary, JoinResult } from '@hearth/shared';
import { describe, expect, it } from 'vitest';
import { api, emitAck, recordEvents } from '../support/boardClient.ts';
import { boardAt } from '../support/probes.ts';
import { useServerFixture } from '../support/serverFixture.ts';
import { demoGroup, joinAsMember, personalCode, scheduleSession } from '../support/testServer.ts';
import { waitFor } from '../support/wait.ts';

type Answer = { group: GroupSummary; warnings: string[] };

/** A group's roster over time and its settings: members added, discharged and re-admitted, reaching the boards of sessions not yet run. */
describe('rosters over time', () => {
  const fx = useServerFixture();
  const aliases = async (sessionId: string) => ((await boardAt(fx.server.url, { cookie: fx.cookies.a }, sessionId)).state as BoardState).roster.map((r) => r.alias);

  it('adds a member: the list and an open board of an upcoming session follow at once; a running session keeps its roster', async () => {
    const group = await demoGroup(fx.server.url, fx.cookies.a);
    const upcoming = await scheduleSession(fx.server.url, fx.cookies.a);
    const running = await scheduleSession(fx.server.url, fx.cookies.a);
    expect((await api(fx.server.url, `/sessions/${running.id}/commands`, { cookie: fx.cookies.a, body: { id: 'go', command: { type: 'session.start' } } })).status).toBe(200);
    const watcher = await fx.open({ cookie: fx.cookies.b });
    expect(await emitAck(watcher, 'join', { sessionId: upcoming.id })).toMatchObject({ ok: true } satisfies Partial<JoinResult>);
    const member = await fx.open({ token: await joinAsMember(fx.server.url, upcoming, 'Maple') });
    await emitAck(member, 'join', { sessionId: upcoming.id });
    const seen = recordEvents(watcher);
    const seenByMember = recordEvents(member);

    expect(await api(fx.server.url, `/groups/${group.id}/members`, { cookie: fx.cookies.supervisor, body: { alias: 'Birch' } })).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    const added = await api<Answer>(fx.server.url, `/groups/${group.id}/members`, { cookie: fx.cookies.a, body: { alias: 'Birch' } });
    expect(added.status).toBe(201);
    expect(added.body.group.aliases.at(-1)).toBe('Birch');
    expect(added.body.warnings).toEqual([]);
    for (const events of [seen, seenByMember]) {
      await waitFor(() => events.some((m) => m.event.type === 'roster.changed'), 5000, 'the roster change on the open board');
    }
    expect(await aliases(upcoming.id)).toContain('Birch');
    expect(await aliases(running.id)).not.toContain('Birch');
    expect(await api(fx.server.url, `/groups/${group.id}/members`, { cookie: fx.cookies.a, body: { alias: 'BIRCH' } })).toMatchObject({ status: 409, body: { error: { code: 'ALIAS_TAKEN' } } });
    // The new member joins with their personal invite.
    expect(await joinAsMember(fx.server.url, upcoming, 'Birch')).toMatch(/\w{20,}/);
  });

  it('discharges a member with a date and reason: history kept, upcoming boards and the link leave them out; re-admits', async () => {
    const group = await demoGroup(fx.server.url, fx.cookies.a);
    const upcoming = await scheduleSession(fx.server.url, fx.cookies.a);
    const aspen = group.members.find((m) => m.alias === 'Aspen')!;
    const path = `/groups/${group.id}/members/${aspen.id}`;
    const code = await personalCode(fx.server.url, group.id, 'Aspen');
    expect((await api(fx.server.url, `/invites/${code}`)).status).toBe(200);
    const discharged = await api<Answer>(fx.server.url, `${path}/discharge`, { cookie: fx.cookies.a, body: { on: '2026-12-01', reason: 'Completed the program' } });
    expect(discharged.status).toBe(200);
    expect(discharged.body.group.aliases).not.toContain('Aspen');
    expect(discharged.body.group.members.find((m) => m.id === aspen.id)).toEqual({ id: aspen.id, alias: 'Aspen', dischargedOn: '2026-12-01', dischargeReason: 'Completed the program' });
    expect(await aliases(upcoming.id)).not.toContain('Aspen');
    // Their personal invite stops working, answered like a code that is no one's.
    expect(await api(fx.server.url, `/invites/${code}`)).toMatchObject({ status: 404, body: { error: { code: 'INVITE_NOT_VALID' } } });
    expect(await api(fx.server.url, `/invites/${code}/join`, { body: { sessionId: upcoming.id } })).toMatchObject({ status: 404, body: { error: { code: 'INVITE_NOT_VALID' } } });
    expect(await api(fx.server.url, `${path}/discharge`, { cookie: fx.cookies.a, body: { on: '2026-12-02', reason: 'again' } })).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    // Sessions scheduled from now on leave them out too.
    expect(await aliases((await scheduleSession(fx.server.url, fx.cookies.a)).id)).not.toContain('Aspen');

    const back = await api<Answer>(fx.server.url, `${path}/readmit`, { cookie: fx.cookies.a, body: { reason: 'Asked to return' } });
    expect(back.status).toBe(200);
    expect(back.body.group.aliases).toContain('Aspen');
    expect(await aliases(upcoming.id)).toContain('Aspen');
    expect(await api(fx.server.url, `${path}/readmit`, { cookie: fx.cookies.a, body: { reason: 'twice' } })).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
  });

  it('edits a group: a closed group that has met needs a reason to add someone, and a roster above its size warns', async () => {
    const group = await demoGroup(fx.server.url, fx.cookies.a);
    const settings = { name: 'Tuesday Coping Skills (closed)', closed: true, maxSize: 10, supervisorCosign: false };
    expect(await api(fx.server.url, `/groups/${group.id}`, { cookie: fx.cookies.supervisor, method: 'PUT', body: settings })).toMatchObject({ status: 403 });
    const saved = await api<Answer>(fx.server.url, `/groups/${group.id}`, { cookie: fx.cookies.a, method: 'PUT', body: settings });
    expect(saved).toMatchObject({ status: 200, body: { group: { name: settings.name, closed: true, maxSize: 10, supervisorCosign: false } } });
    // The group has met (a session ran in the first test).
    expect(await api(fx.server.url, `/groups/${group.id}/members`, { cookie: fx.cookies.a, body: { alias: 'Rowan' } })).toMatchObject({ status: 409, body: { error: { code: 'GROUP_CLOSED' } } });
    const withReason = await api<Answer>(fx.server.url, `/groups/${group.id}/members`, { cookie: fx.cookies.a, body: { alias: 'Rowan', reason: 'Transferred from the Monday group' } });
    expect(withReason.status).toBe(201);
    expect(withReason.body.group.aliases).toHaveLength(10);
    expect(withReason.body.warnings).toEqual([]);
    const eleventh = await api<Answer>(fx.server.url, `/groups/${group.id}/members`, { cookie: fx.cookies.a, body: { alias: 'Elm', reason: 'Waitlist' } });
    expect(eleventh.body.warnings).toEqual([expect.stringContaining('11 members, above this group\'s size of 10')]);
  });

  it('answers bad roster and group input with 400 and changes nothing', async () => {
    const group = await demoGroup(fx.server.url, fx.cookies.a);
    const member = group.members[0]!;
    const cases: [string, string, object][] = [
      ['POST', `/groups/${group.id}/members`, { alias: '<b>' }],
      ['POST', `/groups/${group.id}/members`, { alias: 'Ok', role: 'x' }],
      ['POST', `/groups/${group.id}/members/${member.id}/discharge`, { on: '2026-02-30', reason: 'x' }],
      ['POST', `/groups/${group.id}/members/${member.id}/discharge`, { on: '2026-12-01', reason: '' }],
      ['POST', `/groups/${group.id}/members/not-a-uuid/discharge`, { on: '2026-12-01', reason: 'x' }],
      ['POST', `/groups/${group.id}/members/${member.id}/readmit`, {}],
      ['PUT', `/groups/${group.id}`, { name: 'X', closed: 'no', maxSize: 12, supervisorCosign: true }],
      ['PUT', `/groups/${group.id}`, { name: 'X', closed: false, maxSize: 1000, supervisorCosign: true }]
    ];
    for (const [method, path, body] of cases) {
      expect(await api(fx.server.url, path, { cookie: fx.cookies.a, method, body }), `${method} ${path} ${JSON.stringify(body)}`).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
    }
    expect(await demoGroup(fx.server.url, fx.cookies.a)).toEqual(group);
    expect((await api(fx.server.url, '/health')).status).toBe(200);
  });
});

describe('a group\'s staff', () => {
  const fx = useServerFixture();

  it('replaces the staff: roles change, a clinician taken off loses the group, and bad staff lists change nothing', async () => {
    const group = await demoGroup(fx.server.url, fx.cookies.a);
    expect(group.staff.map((s) => [s.email, s.role])).toEqual([
      ['alex@demo.hearth', 'facilitator'],
      ['sam@demo.hearth', 'facilitator'],
      ['morgan@demo.hearth', 'supervisor']
    ]);
    const path = `/groups/${group.id}/staff`;
    const put = (cookie: string, body: unknown) => api<Answer & { error?: { code: string } }>(fx.server.url, path, { cookie, method: 'PUT', body });
    const cases: [unknown, number, string][] = [
      [{ staff: [{ email: 'morgan@demo.hearth', role: 'supervisor' }] }, 400, 'BAD_REQUEST'],
      [{ staff: [{ email: 'alex@demo.hearth', role: 'facilitator' }, { email: 'ALEX@demo.hearth', role: 'supervisor' }] }, 400, 'BAD_REQUEST'],
      [{ staff: [] }, 400, 'BAD_REQUEST'],
      [{ staff: [{ email: 'alex@demo.hearth', role: 'owner' }] }, 400, 'BAD_REQUEST'],
      [{ staff: [{ email: 'alex@demo.hearth', role: 'facilitator' }, { email: 'stranger@elsewhere.example', role: 'supervisor' }] }, 404, 'NOT_FOUND']
    ];
    for (const [body, status, code] of cases) expect(await put(fx.cookies.a, body), JSON.stringify(body)).toMatchObject({ status, body: { error: { code } } });
    expect(await put(fx.cookies.supervisor, { staff: [{ email: 'morgan@demo.hearth', role: 'facilitator' }] })).toMatchObject({ status: 403 });
    expect((await demoGroup(fx.server.url, fx.cookies.a)).staff).toEqual(group.staff);

    // Sam off the staff, Morgan a facilitator now.
    const saved = await put(fx.cookies.a, { staff: [{ email: 'alex@demo.hearth', role: 'facilitator' }, { email: 'morgan@demo.hearth', role: 'facilitator' }] });
    expect(saved.status).toBe(200);
    expect(saved.body.group.staff.map((s) => [s.email, s.role])).toEqual([['alex@demo.hearth', 'facilitator'], ['morgan@demo.hearth', 'facilitator']]);
    expect(saved.body.warnings).toEqual([]);
    const samGroups = await api<{ groups: GroupSummary[] }>(fx.server.url, '/groups', { cookie: fx.cookies.b });
    expect(samGroups.body.groups.map((g) => g.id)).not.toContain(group.id);
    expect(await api(fx.server.url, `/groups/${group.id}/settings`, { cookie: fx.cookies.b })).toMatchObject({ status: 403 });
    const asMorgan = (await api<{ groups: GroupSummary[] }>(fx.server.url, '/groups', { cookie: fx.cookies.supervisor })).body.groups.find((g) => g.id === group.id);
    expect(asMorgan?.role).toBe('facilitator');

    // A facilitator may hand the group over, and is told what that means.
    const handed = await put(fx.cookies.a, { staff: [{ email: 'morgan@demo.hearth', role: 'facilitator' }, { email: 'alex@demo.hearth', role: 'supervisor' }, { email: 'sam@demo.hearth', role: 'facilitator' }] });
    expect(handed.body.warnings[0]).toMatch(/no longer a facilitator/);
    expect(await put(fx.cookies.a, { staff: [{ email: 'alex@demo.hearth', role: 'facilitator' }] })).toMatchObject({ status: 403 });
    // Back as it was, by a facilitator of it now.
    expect((await put(fx.cookies.b, { staff: group.staff.map((s) => ({ email: s.email, role: s.role })) })).status).toBe(200);
  });
});
