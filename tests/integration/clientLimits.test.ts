import { DEFAULT_CRISIS_PROTOCOL, DEFAULT_PARTICIPATION_SETTINGS, ErrorCode } from '@hearth/shared';
import { describe, expect, it } from 'vitest';
import { api, emitAck } from '../support/boardClient.ts';
import { useServerFixture } from '../support/serverFixture.ts';
import { joinAsMember, personalCode, scheduleSession } from '../support/testServer.ts';

/**
 * What clients may not do even with a valid login or token: send the commands only the server issues
 * (a member forging their own attendance, a session created without its row), or join a session that
 * has ended through its spent invite link.
 */
describe('limits on what clients may send', () => {
  const fx = useServerFixture();
  const open = fx.open;

  it('refuses a member forging their own arrival or departure, and leaves attendance as presence made it', async () => {
    const session = await scheduleSession(fx.server.url, fx.cookies.a);
    const member = await open({ token: await joinAsMember(fx.server.url, session, 'Maple') });
    const joined = await emitAck(member, 'join', { sessionId: session.id });
    if (!joined.ok) throw new Error('join failed');
    const a = await open({ cookie: fx.cookies.a });
    const before = await emitAck(a, 'join', { sessionId: session.id });
    for (const [n, type] of (['member.disconnect', 'member.connect'] as const).entries()) {
      const res = await emitAck(member, 'command', { sessionId: session.id, id: `forge-${n}`, command: { type } });
      expect(res).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
    }
    const after = await emitAck(a, 'join', { sessionId: session.id });
    expect(after.ok && before.ok && after.seq).toBe(before.ok ? before.seq : -1);
  });

  it('refuses session.create from a facilitator over the socket and over HTTP', async () => {
    const session = await scheduleSession(fx.server.url, fx.cookies.a);
    const command = {
      type: 'session.create',
      title: 'Forged',
      scheduledFor: null,
      agenda: [],
      roster: [],
      settings: DEFAULT_PARTICIPATION_SETTINGS,
      crisis: DEFAULT_CRISIS_PROTOCOL
    };
    const a = await open({ cookie: fx.cookies.a });
    await emitAck(a, 'join', { sessionId: session.id });
    expect(await emitAck(a, 'command', { sessionId: session.id, id: 'forged-create', command })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.FORBIDDEN }
    });
    const http = await api<{ error: { code: string } }>(fx.server.url, `/sessions/${session.id}/commands`, {
      cookie: fx.cookies.a,
      body: { id: 'forged-create-http', command }
    });
    expect(http.status).toBe(403);
    expect(http.body.error.code).toBe(ErrorCode.FORBIDDEN);
  });

  it('lets no one join a session that has ended, even with a good personal invite', async () => {
    const session = await scheduleSession(fx.server.url, fx.cookies.a);
    const code = await personalCode(fx.server.url, session.groupId, 'Maple');
    expect((await api(fx.server.url, `/invites/${code}`)).status).toBe(200);
    for (const [n, type] of (['session.start', 'session.end'] as const).entries()) {
      const res = await api<{ ok: boolean }>(fx.server.url, `/sessions/${session.id}/commands`, { cookie: fx.cookies.a, body: { id: `end-${n}`, command: { type } } });
      expect(res.body.ok).toBe(true);
    }
    const join = await api<{ error: { code: string } }>(fx.server.url, `/invites/${code}/join`, { body: { sessionId: session.id } });
    expect(join.status).toBe(409);
    expect(join.body.error.code).toBe(ErrorCode.NO_OPEN_SESSION);
  });
});
