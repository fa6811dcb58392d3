import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DEFAULT_PARTICIPATION_SETTINGS, MAX_RESUME_EVENTS, type GroupSummary, type JoinResult, type SessionInfo } from '@hearth/shared';
import { describe, expect, it } from 'vitest';
import { api, emitAck, login } from '../support/boardClient.ts';
import { useServerFixture } from '../support/serverFixture.ts';
import { DEMO_PASSWORD, FACILITATOR_A, demoGroup, joinAsMember, personalCode, scheduleSession } from '../support/testServer.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);
const CLINICIANS = ['Alex Rivera', 'Sam Okafor', 'Morgan Lee'];

/** Promises of the README and the contract that no other test held the product to. */
describe('what the README and the contract promise', () => {
  // The resume test sends some 500 commands as fast as it can: far past a person's pace, so the per-socket limit is raised.
  const fx = useServerFixture({ COMMANDS_PER_SECOND: '10000', COMMAND_BURST: '10000' });

  it('never gives a supervisor a member\'s invite, and shows a code only when it is issued', async () => {
    const session = await scheduleSession(fx.server.url, fx.cookies.a);
    const code = await personalCode(fx.server.url, session.groupId, 'Cedar');
    const memberId = (await api<{ groups: GroupSummary[] }>(fx.server.url, '/groups', { cookie: fx.cookies.a })).body.groups[0]!.members.find((m) => m.alias === 'Cedar')!.id;
    expect(await api(fx.server.url, `/groups/${session.groupId}/invites`, { cookie: fx.cookies.supervisor })).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    expect(await api(fx.server.url, `/groups/${session.groupId}/members/${memberId}/invite`, { cookie: fx.cookies.supervisor, method: 'POST' })).toMatchObject({ status: 403 });
    const asSupervisor = await api<{ groups: GroupSummary[] }>(fx.server.url, '/groups', { cookie: fx.cookies.supervisor });
    const info = await api<SessionInfo>(fx.server.url, `/sessions/${session.id}`, { cookie: fx.cookies.supervisor });
    // Positive control: the facilitators see that Cedar has one — but not the code either.
    const asFacilitator = await api<{ invites: { alias: string; issuedAt: string | null }[] }>(fx.server.url, `/groups/${session.groupId}/invites`, { cookie: fx.cookies.a });
    expect(asFacilitator.body.invites.find((i) => i.alias === 'Cedar')?.issuedAt).toMatch(/^\d{4}-/);
    for (const body of [asSupervisor.body, info.body, asFacilitator.body]) expect(JSON.stringify(body)).not.toContain(code);
  });

  it('refuses a command id another account used, with COMMAND_ID_TAKEN, and applies nothing', async () => {
    const session = await scheduleSession(fx.server.url, fx.cookies.a);
    const [a, b] = [await fx.open({ cookie: fx.cookies.a }), await fx.open({ cookie: fx.cookies.b })];
    await emitAck(a, 'join', { sessionId: session.id });
    const joinB = (await emitAck(b, 'join', { sessionId: session.id })) as Extract<JoinResult, { ok: true }>;
    expect(await emitAck(a, 'command', { sessionId: session.id, id: 'shared-id', command: { type: 'session.start' } })).toMatchObject({ ok: true });
    const taken = await emitAck(b, 'command', { sessionId: session.id, id: 'shared-id', command: { type: 'item.start', itemId: 'a1' } });
    expect(taken).toMatchObject({ ok: false, error: { code: 'COMMAND_ID_TAKEN' } });
    // The same id from its own sender is a duplicate, answered without applying it again.
    expect(await emitAck(a, 'command', { sessionId: session.id, id: 'shared-id', command: { type: 'session.start' } })).toMatchObject({ ok: true, duplicate: true });
    const after = (await emitAck(b, 'join', { sessionId: session.id, lastSeq: joinB.seq })) as Extract<JoinResult, { ok: true; mode: 'resume' }>;
    expect(after.mode).toBe('resume');
    expect(after.events.map((e) => e.event.type)).toEqual(['session.started']);
    // Over HTTP too.
    const http = await api(fx.server.url, `/sessions/${session.id}/commands`, { cookie: fx.cookies.b, body: { id: 'shared-id', command: { type: 'item.start', itemId: 'a1' } } });
    expect(http).toMatchObject({ status: 409, body: { error: { code: 'COMMAND_ID_TAKEN' } } });
  });

  it('answers a join with a snapshot when the gap is beyond the resume limit, or the lastSeq is past the log\'s end', { timeout: 60_000 }, async () => {
    const session = await scheduleSession(fx.server.url, fx.cookies.a);
    const a = await fx.open({ cookie: fx.cookies.a });
    const first = (await emitAck(a, 'join', { sessionId: session.id })) as Extract<JoinResult, { ok: true }>;
    const cmd = (id: string, command: unknown) => emitAck(a, 'command', { sessionId: session.id, id, command });
    expect(await cmd('s', { type: 'session.start' })).toMatchObject({ ok: true });
    expect(await cmd('i', { type: 'item.start', itemId: 'a1' })).toMatchObject({ ok: true });
    for (let n = 0; n < MAX_RESUME_EVENTS; n++) {
      expect(await cmd(`p${n}`, { type: n % 2 === 0 ? 'item.pause' : 'item.resume', itemId: 'a1' })).toMatchObject({ ok: true });
    }
    const join = (lastSeq: number) => emitAck(a, 'join', { sessionId: session.id, lastSeq }) as Promise<Extract<JoinResult, { ok: true }>>;
    const end = (await join(first.seq)).seq;
    expect(end - first.seq).toBeGreaterThan(MAX_RESUME_EVENTS);
    // Within the limit: the missed events, in order, from one past lastSeq.
    const near = await join(end - MAX_RESUME_EVENTS);
    expect(near.mode).toBe('resume');
    if (near.mode === 'resume') expect(near.events.map((e) => e.seq)).toEqual(Array.from({ length: MAX_RESUME_EVENTS }, (_, n) => end - MAX_RESUME_EVENTS + 1 + n));
    // Beyond it, and past the end (a client from another database, or a bug): the whole board.
    for (const lastSeq of [end - MAX_RESUME_EVENTS - 1, first.seq, end + 5]) {
      const r = await join(lastSeq);
      expect(r.mode, `lastSeq ${lastSeq}`).toBe('snapshot');
      expect(r.seq).toBe(end);
    }
  });

  it('keeps a group\'s nudge settings: defaults until set, facilitators change them, new sessions start with them, supervisors may not', async () => {
    const group = await demoGroup(fx.server.url, fx.cookies.a);
    const path = `/groups/${group.id}/settings`;
    expect((await api(fx.server.url, path, { cookie: fx.cookies.a })).body).toEqual({ settings: DEFAULT_PARTICIPATION_SETTINGS });
    const mine = { quietFraction: 0.3, quietAfterMinutes: 10, silentMinutes: 25, dominanceMultiple: 3 };
    expect(await api(fx.server.url, path, { cookie: fx.cookies.supervisor, method: 'PUT', body: mine })).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    expect((await api(fx.server.url, path, { cookie: fx.cookies.a })).body).toEqual({ settings: DEFAULT_PARTICIPATION_SETTINGS });
    expect(await api(fx.server.url, path, { cookie: fx.cookies.a, method: 'PUT', body: { ...mine, quietFraction: 7 } })).toMatchObject({ status: 400 });
    expect(await api(fx.server.url, path, { cookie: fx.cookies.a, method: 'PUT', body: mine })).toMatchObject({ status: 200, body: { settings: mine } });
    // Any clinician of the group reads them.
    expect((await api(fx.server.url, path, { cookie: fx.cookies.supervisor })).body).toEqual({ settings: mine });
    const session = await scheduleSession(fx.server.url, fx.cookies.a);
    const a = await fx.open({ cookie: fx.cookies.a });
    const joined = (await emitAck(a, 'join', { sessionId: session.id })) as Extract<JoinResult, { ok: true; mode: 'snapshot' }>;
    expect((joined.state as { settings?: unknown }).settings).toEqual(mine);
    await api(fx.server.url, path, { cookie: fx.cookies.a, method: 'PUT', body: DEFAULT_PARTICIPATION_SETTINGS });
  });

  it('sends a member over HTTP nothing clinical and no clinician\'s name', async () => {
    const session = await scheduleSession(fx.server.url, fx.cookies.a, 'Evening group');
    const a = await fx.open({ cookie: fx.cookies.a });
    await emitAck(a, 'join', { sessionId: session.id });
    const secret = 'GUIDANCE-MARKER watch for Maple today';
    expect(await emitAck(a, 'command', { sessionId: session.id, id: 'g', command: { type: 'agenda.set_guidance', itemId: 'a1', guidance: secret } })).toMatchObject({ ok: true });
    const code = await personalCode(fx.server.url, session.groupId, 'Maple');
    const invite = await api<{ alias: string; session: unknown; resources: unknown[]; agreement: { points: string[] } }>(fx.server.url, `/invites/${code}`);
    // The group agreement is the same text for every member: nothing about anyone.
    expect(Object.keys(invite.body).sort()).toEqual(['agreement', 'alias', 'resources', 'session']);
    expect(Object.keys(invite.body.agreement).sort()).toEqual(['acceptedAt', 'points', 'title', 'version']);
    const token = await joinAsMember(fx.server.url, session, 'Maple');
    const bodies = [JSON.stringify(invite.body)];
    for (const path of [`/join/${code}`, '/', '/login', `/sessions/${session.id}`]) {
      const res = await fetch(`${fx.server.url}${path}`, { headers: { cookie: `hearth_session=${token}` }, redirect: 'manual' });
      bodies.push(await res.text());
    }
    for (const path of ['/me', '/groups', `/sessions/${session.id}`]) {
      const res = await fetch(`${fx.server.url}/api${path}`, { headers: { cookie: `hearth_session=${token}`, authorization: `Bearer ${token}` } });
      expect(res.status, path).toBe(401);
      bodies.push(await res.text());
    }
    const all = bodies.join('\n');
    // Positive control: the member's invite did answer, with their own alias.
    expect(all).toContain('"alias":"Maple"');
    for (const s of [secret, 'GUIDANCE-MARKER', ...CLINICIANS, FACILITATOR_A]) expect(all).not.toContain(s);
  });
});

describe('a configured PUBLIC_ORIGIN and the login cookie', () => {
  const fx = useServerFixture({ PUBLIC_ORIGIN: 'https://hearth.example.org,https://hearth-backup.example.org' });

  it('accepts only the listed origins, and marks the cookie HttpOnly, SameSite=Lax, Secure, with its Max-Age', async () => {
    const post = (origin: string) =>
      fetch(`${fx.server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin }, body: JSON.stringify({ email: FACILITATOR_A, password: DEMO_PASSWORD }) });
    const foreign = await post('https://elsewhere.example.com');
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { error: { code: string } }).error.code).toBe('BAD_ORIGIN');
    expect(foreign.headers.get('set-cookie')).toBeNull();
    // The server's own localhost is no longer allowed once origins are configured.
    expect((await post(fx.server.url)).status).toBe(403);
    for (const origin of ['https://hearth.example.org', 'https://hearth-backup.example.org']) {
      const res = await post(origin);
      expect(res.status).toBe(200);
      const cookie = res.headers.get('set-cookie')!;
      expect(cookie).toMatch(/^hearth_session=[^;]+;/);
      expect(cookie).toMatch(/; HttpOnly/i);
      expect(cookie).toMatch(/; SameSite=Lax/i);
      expect(cookie).toMatch(/; Secure/i);
      expect(cookie).toMatch(/; Path=\//i);
      expect(cookie).toMatch(/; Max-Age=43200(;|$)/); // SESSION_ABSOLUTE_HOURS, 12 by default
    }
  });

  it('clears the cookie at logout, and the token stops working', async () => {
    const res = await fetch(`${fx.server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: FACILITATOR_A, password: DEMO_PASSWORD }) });
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    expect((await api(fx.server.url, '/me', { cookie })).status).toBe(200);
    const out = await fetch(`${fx.server.url}/api/auth/logout`, { method: 'POST', headers: { cookie } });
    const cleared = out.headers.get('set-cookie')!;
    expect(cleared).toMatch(/^hearth_session=;/);
    expect(cleared).toMatch(/; Max-Age=0(;|$)/);
    expect(cleared).toMatch(/; HttpOnly/i);
    expect((await api(fx.server.url, '/me', { cookie })).status).toBe(401);
  });
});

describe('the server without PUBLIC_ORIGIN', () => {
  const fx = useServerFixture();

  it('serves http://localhost with a cookie that is not Secure (it would never be sent back)', async () => {
    const res = await fetch(`${fx.server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: fx.server.url }, body: JSON.stringify({ email: FACILITATOR_A, password: DEMO_PASSWORD }) });
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).not.toMatch(/Secure/i);
    expect(await login(fx.server.url, FACILITATOR_A, DEMO_PASSWORD)).toMatch(/^hearth_session=/);
  });
});

describe('a bad configuration', () => {
  it('stops the start with exit code 2 and names each bad variable', async () => {
    const result = await run(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', PORT: 'eighty', REDIS_URL: 'http://not-redis', PRESENCE_TTL_SECONDS: '3', PRESENCE_HEARTBEAT_SECONDS: '2' },
      timeout: 30_000
    }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr })
    );
    expect(result.code).toBe(2);
    for (const name of ['PORT', 'REDIS_URL']) expect(result.stderr).toContain(name);
  });

  it('checks settings against each other once each is valid', async () => {
    const result = await run(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', PRESENCE_TTL_SECONDS: '3', PRESENCE_HEARTBEAT_SECONDS: '2', NOTES_SAVE_AFTER_SECONDS: '20', NOTES_SAVE_WITHIN_SECONDS: '5' },
      timeout: 30_000
    }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr })
    );
    expect(result.code).toBe(2);
    for (const name of ['PRESENCE_HEARTBEAT_SECONDS', 'NOTES_SAVE_WITHIN_SECONDS']) expect(result.stderr).toContain(name);
  });
});
