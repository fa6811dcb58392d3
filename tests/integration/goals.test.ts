import type { Goal, JoinResult, MemberProgress, RecordView } from '@hearth/shared';
import { describe, expect, it } from 'vitest';
import { api, emitAck } from '../support/boardClient.ts';
import { useServerFixture } from '../support/serverFixture.ts';
import { demoGroup, joinAsMember, scheduleSession } from '../support/testServer.ts';

type Snapshot = Extract<JoinResult, { ok: true; mode: 'snapshot' }>;

/**
 * Treatment goals: a group's facilitators keep up to three open goals per member; each session's
 * record rates the open ones of the members who attended (worse, no change, better), and the
 * member's progress shows each goal with its ratings by session.
 */
describe('treatment goals', () => {
  const fx = useServerFixture();

  it('keeps up to three open goals per member, for the group\'s facilitators to change and its supervisor to read', async () => {
    const group = await demoGroup(fx.server.url, fx.cookies.a);
    const maple = group.members.find((m) => m.alias === 'Maple')!;
    const path = `/groups/${group.id}/members/${maple.id}/goals`;
    const add = (cookie: string, body: unknown) => api<{ goals: Goal[]; error?: { code: string } }>(fx.server.url, path, { cookie, body });
    expect((await add(fx.cookies.a, { text: 'Use a skill when urges rise', target: 'Twice a week, self-reported', reviewOn: '2027-01-12' })).status).toBe(201);
    expect((await add(fx.cookies.b, { text: 'Speak up once each session', target: '', reviewOn: null })).status).toBe(201);
    const third = await add(fx.cookies.a, { text: 'Sleep before midnight', target: '', reviewOn: null });
    expect(third.body.goals.map((g) => g.text)).toEqual(['Use a skill when urges rise', 'Speak up once each session', 'Sleep before midnight']);
    const fourth = await add(fx.cookies.a, { text: 'One too many', target: '', reviewOn: null });
    expect([fourth.status, fourth.body.error?.code]).toEqual([409, 'LIMIT_REACHED']);
    expect((await add(fx.cookies.supervisor, { text: 'Not mine to set', target: '', reviewOn: null })).status).toBe(403);
    for (const bad of [{ text: '', target: '', reviewOn: null }, { text: 'x', target: '', reviewOn: 'soon' }, { text: 'x', target: '', reviewOn: null, extra: 1 }]) {
      expect((await add(fx.cookies.a, bad)).status, JSON.stringify(bad)).toBe(400);
    }
    expect((await api(fx.server.url, `/groups/${group.id}/members/00000000-0000-4000-8000-000000000000/goals`, { cookie: fx.cookies.a })).status).toBe(404);

    // Closing one makes room; the supervisor reads them all, open ones first.
    const sleep = third.body.goals[2]!;
    const closed = await api<{ goals: Goal[] }>(fx.server.url, `${path}/${sleep.id}`, { cookie: fx.cookies.a, method: 'PUT', body: { closed: true } });
    expect(closed.body.goals.map((g) => [g.text, g.closedAt !== null])).toEqual([
      ['Use a skill when urges rise', false],
      ['Speak up once each session', false],
      ['Sleep before midnight', true]
    ]);
    expect((await api(fx.server.url, `${path}/${sleep.id}`, { cookie: fx.cookies.supervisor, method: 'PUT', body: { text: 'x' } })).status).toBe(403);
    expect((await api(fx.server.url, `${path}/00000000-0000-4000-8000-000000000000`, { cookie: fx.cookies.a, method: 'PUT', body: { text: 'x' } })).status).toBe(404);
    expect((await api<{ goals: Goal[] }>(fx.server.url, path, { cookie: fx.cookies.supervisor })).body.goals).toHaveLength(3);
  });

  it('rates the open goals of those who attended in the record, and shows the ratings on the member\'s progress', async () => {
    const session = await scheduleSession(fx.server.url, fx.cookies.a, 'Goals week');
    const group = await demoGroup(fx.server.url, fx.cookies.a);
    const id = (alias: string) => group.members.find((m) => m.alias === alias)!.id;
    await api(fx.server.url, `/groups/${group.id}/members/${id('River')}/goals`, { cookie: fx.cookies.a, body: { text: 'Ask for help early', target: '', reviewOn: null } });
    const token = await joinAsMember(fx.server.url, session, 'Maple');
    const a = await fx.open({ cookie: fx.cookies.a });
    const maple = await fx.open({ token });
    for (const s of [a, maple]) expect(((await emitAck(s, 'join', { sessionId: session.id })) as Snapshot).ok).toBe(true);
    for (const [n, type] of ['session.start', 'session.end'].entries()) expect(await emitAck(a, 'command', { sessionId: session.id, id: `c${n}`, command: { type } })).toMatchObject({ ok: true });

    const taken = await api<RecordView>(fx.server.url, `/sessions/${session.id}/record`, { cookie: fx.cookies.a, body: {} });
    expect(taken.status).toBeLessThan(300);
    const note = (v: RecordView, alias: string) => v.content.members.find((m) => m.alias === alias)!;
    expect(note(taken.body, 'Maple').goals!.map((g) => [g.text, g.rating])).toEqual([
      ['Use a skill when urges rise', null],
      ['Speak up once each session', null]
    ]);
    // River was absent: an absence entry rates nothing.
    expect(note(taken.body, 'River').goals).toEqual([]);

    const goalId = note(taken.body, 'Maple').goals![0]!.goalId;
    const rate = (cookie: string, memberId: string, goal: string, rating: unknown) =>
      api<RecordView & { error?: { code: string } }>(fx.server.url, `/sessions/${session.id}/record/members/${memberId}/goals/${goal}`, { cookie, method: 'PUT', body: { rating } });
    const rated = await rate(fx.cookies.a, id('Maple'), goalId, 'better');
    expect(rated.status).toBe(200);
    expect(note(rated.body, 'Maple').goals![0]!.rating).toBe('better');
    expect((await rate(fx.cookies.a, id('Maple'), goalId, 'amazing')).status).toBe(400);
    expect((await rate(fx.cookies.supervisor, id('Maple'), goalId, 'worse')).status).toBe(403);
    const absent = await rate(fx.cookies.a, id('River'), goalId, 'better');
    expect([absent.status, absent.body.error?.code]).toEqual([409, 'MEMBER_NOT_FOUND']);

    const progress = await api<MemberProgress>(fx.server.url, `/groups/${group.id}/members/${id('Maple')}/progress`, { cookie: fx.cookies.supervisor });
    expect(progress.body.role).toBe('supervisor');
    const skill = progress.body.goals.find((g) => g.goal.id === goalId)!;
    expect(skill.ratings.map((r) => [r.sessionId, r.rating])).toEqual([[session.id, 'better']]);
    // Un-rated again: gone from the record and from progress.
    expect(note((await rate(fx.cookies.a, id('Maple'), goalId, null)).body, 'Maple').goals![0]!.rating).toBeNull();
    const after = await api<MemberProgress>(fx.server.url, `/groups/${group.id}/members/${id('Maple')}/progress`, { cookie: fx.cookies.a });
    expect(after.body.goals.find((g) => g.goal.id === goalId)!.ratings).toEqual([]);
    expect(after.body.role).toBe('facilitator');
  });
});
