import type { GroupProgress, GroupSummary, JoinResult, MemberProgress } from '@hearth/shared';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { api, emitAck, type BoardClient } from '../support/boardClient.ts';
import { useServerFixture } from '../support/serverFixture.ts';
import { demoGroup, joinAsMember, scheduleSession } from '../support/testServer.ts';

type Snapshot = Extract<JoinResult, { ok: true; mode: 'snapshot' }>;

/**
 * Progress over the API: two sessions run with PHQ-9 and a check-in answered on members' sockets;
 * the member's progress shows the trajectory with reliable change and the group's the means, to the
 * group's clinicians only, and every read is in the audit log.
 */
describe('progress across sessions', () => {
  const fx = useServerFixture();

  /** Runs one session: Maple and River connect, answer PHQ-9 (Maple `phq`) and the check-in, and it ends. */
  async function runSession(title: string, phq: number[], checkIn: number) {
    const session = await scheduleSession(fx.server.url, fx.cookies.a, title);
    const tokens = await Promise.all(['Maple', 'River'].map((alias) => joinAsMember(fx.server.url, session, alias)));
    const a = await fx.open({ cookie: fx.cookies.a });
    const [maple, river] = await Promise.all(tokens.map((token) => fx.open({ token: token! })));
    const joins = await Promise.all([a, maple!, river!].map((s) => emitAck(s, 'join', { sessionId: session.id })));
    const roster = (joins[0] as Snapshot).state.roster;
    const send = async (socket: BoardClient, id: string, command: unknown) =>
      expect(await emitAck(socket, 'command', { sessionId: session.id, id, command }), id).toMatchObject({ ok: true });
    await send(a, 's', { type: 'session.start' });
    await send(a, 't1', { type: 'turn.start', speaker: { kind: 'member', memberId: roster.find((r) => r.alias === 'Maple')!.memberId } });
    await send(a, 't2', { type: 'turn.end' });
    await send(a, 'o1', { type: 'measure.open', runId: 'phq', instrument: 'phq-9' });
    await send(maple!, 'm1', { type: 'measure.answer', runId: 'phq', answers: phq });
    await send(river!, 'r1', { type: 'measure.answer', runId: 'phq', answers: [0, 0, 0, 0, 0, 0, 0, 0, 0] });
    await send(a, 'c1', { type: 'measure.close', runId: 'phq' });
    await send(a, 'o2', { type: 'measure.open', runId: 'in', instrument: 'check-in' });
    await send(maple!, 'm2', { type: 'measure.answer', runId: 'in', answers: [checkIn] });
    await send(a, 'e', { type: 'session.end' });
    for (const s of [a, maple!, river!]) s.close();
    return { session, maple: roster.find((r) => r.alias === 'Maple')!.memberId };
  }

  it('shows a member\'s PHQ-9 trajectory with reliable change, and the group\'s means, to its clinicians', async () => {
    // Maple: PHQ-9 17 (moderately severe) then 9 (mild): down 8, reliably better. Check-in 2 then 6.
    const first = await runSession('Week 1', [3, 2, 2, 2, 2, 2, 2, 2, 0], 2);
    const second = await runSession('Week 2', [1, 1, 1, 1, 1, 1, 1, 2, 0], 6);
    const groupId = first.session.groupId;
    expect(second.maple).toBe(first.maple);

    const res = await api<MemberProgress>(fx.server.url, `/groups/${groupId}/members/${first.maple}/progress`, { cookie: fx.cookies.supervisor });
    expect(res.status).toBe(200);
    const p = res.body;
    expect(p.alias).toBe('Maple');
    expect(p.sessions.map((s) => [s.title, s.attendance])).toEqual([
      ['Week 1', 'present'],
      ['Week 2', 'present']
    ]);
    // Maple held all the members' talk in both.
    expect(p.sessions.map((s) => s.share)).toEqual([1, 1]);
    const phq = p.trajectories.find((t) => t.instrument === 'phq-9')!;
    expect(phq.points.map((x) => x.total)).toEqual([17, 9]);
    expect(phq.change).toEqual({ from: 17, to: 9, delta: -8, reading: 'reliably-better' });
    expect(p.trajectories.find((t) => t.instrument === 'check-in')!.change).toMatchObject({ from: 2, to: 6, reading: 'not-rated' });
    expect(p.sessions[0]!.measures.find((m) => m.instrument === 'check-in')).toMatchObject({ total: 2, concern: true });

    const g = await api<GroupProgress>(fx.server.url, `/groups/${groupId}/progress`, { cookie: fx.cookies.a });
    expect(g.status).toBe(200);
    expect(g.body.sessions.map((s) => [s.title, s.attended, s.means.find((m) => m.instrument === 'phq-9')?.mean])).toEqual([
      ['Week 1', 2, 8.5],
      ['Week 2', 2, 4.5]
    ]);

    // Each read is audited: who read whose progress, never what it said.
    const sql = postgres(fx.databaseUrl, { max: 1, onnotice: () => undefined });
    const audit = await sql<{ action: string; target: string; actor_role: string }[]>`select action, target, actor_role from audit_log where action like 'progress.%' order by id`.finally(() => sql.end());
    expect(audit.map((r) => [r.action, r.target, r.actor_role])).toEqual([
      ['progress.member', first.maple, 'supervisor'],
      ['progress.group', groupId, 'facilitator']
    ]);
  });

  it('marks who is due by the group\'s schedule of measures, which only its facilitators set', async () => {
    const group = await demoGroup(fx.server.url, fx.cookies.a);
    const path = `/groups/${group.id}/measure-schedule`;
    expect((await api<{ schedule: unknown[] }>(fx.server.url, path, { cookie: fx.cookies.supervisor })).body).toEqual({ schedule: [] });
    expect((await api(fx.server.url, path, { cookie: fx.cookies.supervisor, method: 'PUT', body: { schedule: [] } })).status).toBe(403);
    for (const bad of [{ schedule: [{ instrument: 'ors', everySessions: 2 }] }, { schedule: [{ instrument: 'phq-9', everySessions: 0 }] }, { schedule: [{ instrument: 'phq-9', everySessions: 2 }, { instrument: 'phq-9', everySessions: 3 }] }]) {
      const r = await api<{ error: { code: string } }>(fx.server.url, path, { cookie: fx.cookies.a, method: 'PUT', body: bad });
      expect([r.status, r.body.error.code], JSON.stringify(bad)).toEqual([400, 'BAD_REQUEST']);
    }
    const saved = await api(fx.server.url, path, { cookie: fx.cookies.a, method: 'PUT', body: { schedule: [{ instrument: 'phq-9', everySessions: 2 }, { instrument: 'gad-7', everySessions: 4 }] } });
    expect(saved.status).toBe(200);

    // Maple and River completed PHQ-9 in weeks 1 and 2 (the test above): not due at 2; everyone else never has.
    const next = await scheduleSession(fx.server.url, fx.cookies.a, 'Week 3');
    const info = await api<{ due: { instrument: string; memberIds: string[] }[] }>(fx.server.url, `/sessions/${next.id}`, { cookie: fx.cookies.b });
    const alias = (id: string) => group.members.find((m) => m.id === id)?.alias;
    const phq = info.body.due.find((d) => d.instrument === 'phq-9')!;
    expect(phq.memberIds.map(alias)).not.toContain('Maple');
    expect(phq.memberIds.map(alias)).not.toContain('River');
    expect(phq.memberIds.length).toBe(group.members.filter((m) => m.dischargedOn === null).length - 2);
    expect(info.body.due.find((d) => d.instrument === 'gad-7')!.memberIds.map(alias)).toContain('Maple');
    // Every session: Maple is due again.
    await api(fx.server.url, path, { cookie: fx.cookies.a, method: 'PUT', body: { schedule: [{ instrument: 'phq-9', everySessions: 1 }] } });
    const again = await api<{ due: { instrument: string; memberIds: string[] }[] }>(fx.server.url, `/sessions/${next.id}`, { cookie: fx.cookies.a });
    expect(again.body.due[0]!.memberIds.map(alias)).toContain('Maple');
  });

  it('refuses anyone outside the group, names an unknown member, and rejects a malformed id with a 4xx', async () => {
    // A group of A's alone: B, a colleague of the same organization, is not on its staff.
    const created = await api<{ group: GroupSummary }>(fx.server.url, '/groups', { cookie: fx.cookies.a, body: { name: 'A alone', aliases: ['Oak', 'Fern'] } });
    expect(created.status).toBe(201);
    const group = created.body.group;
    const member = group.members[0]!;
    const outsider = fx.cookies.b;
    expect((await api(fx.server.url, `/groups/${group.id}/members/${member.id}/progress`, { cookie: fx.cookies.a })).status).toBe(200);
    expect((await api(fx.server.url, `/groups/${(await demoGroup(fx.server.url, fx.cookies.b)).id}/progress`, { cookie: fx.cookies.b })).status).toBe(200);
    expect((await api(fx.server.url, `/groups/${group.id}/members/${member.id}/progress`, { cookie: outsider })).status).toBe(403);
    expect((await api(fx.server.url, `/groups/${group.id}/progress`, { cookie: outsider })).status).toBe(403);
    expect((await api(fx.server.url, `/groups/${group.id}/progress`)).status).toBe(401);
    const unknown = await api<{ error: { code: string } }>(fx.server.url, `/groups/${group.id}/members/00000000-0000-4000-8000-000000000000/progress`, { cookie: fx.cookies.a });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'NOT_FOUND']);
    const bad = await api<{ error: { code: string } }>(fx.server.url, `/groups/${group.id}/members/not-an-id/progress`, { cookie: fx.cookies.a });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'BAD_REQUEST']);
  });
});
