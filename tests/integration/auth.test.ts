import { randomBytes, randomUUID } from 'node:crypto';
import { ErrorCode, type GroupSummary, type SessionSummary, type WireError } from '@hearth/shared';
import { io } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { Auth, AuthError } from '../../server/src/auth/Auth.ts';
import { AttemptLimiter } from '../../server/src/limits/AttemptLimiter.ts';
import { RateLimits } from '../../server/src/limits/RateLimits.ts';
import { createLogger } from '../../server/src/log.ts';
import { waitFor } from '../support/wait.ts';
import { api, emitAck, login } from '../support/boardClient.ts';
import { boardAt, nextEvent, refusedConnection } from '../support/probes.ts';
import { useServerFixture } from '../support/serverFixture.ts';
import { DEMO_PASSWORD, FACILITATOR_A, FACILITATOR_B, demoGroup, joinAsMember, scheduleSession } from '../support/testServer.ts';

type ErrorBody = { error: { code: string; message: string } };

const SECRET = randomBytes(32).toString('base64url');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Who may connect, join and command, and for how long: refused handshakes, sessions of other
 * groups, member tokens out of their session, logout reaching open sockets, login failures and
 * their rate limit, cross-site requests — and, with an injected clock, idle and absolute expiry.
 */
describe('authentication and access', () => {
  const fx = useServerFixture({ SESSION_SECRET: SECRET });
  const open = fx.open;

  /** A live session of the demo group and the board as a fresh join sees it. */
  const liveSession = async () => {
    const session = await scheduleSession(fx.server.url, fx.cookies.a);
    const res = await api(fx.server.url, `/sessions/${session.id}/commands`, { cookie: fx.cookies.a, body: { id: 'start', command: { type: 'session.start' } } });
    expect(res.status).toBe(200);
    return { session, before: await boardAt(fx.server.url, { cookie: fx.cookies.a }, session.id) };
  };

  /** The board is as it was, and a facilitator's valid command is still applied at the next seq. */
  const assertUnchangedAndServing = async (session: SessionSummary, before: { seq: number; state: unknown }) => {
    expect(await boardAt(fx.server.url, { cookie: fx.cookies.a }, session.id)).toEqual(before);
    const a = await open({ cookie: fx.cookies.a });
    expect((await emitAck(a, 'join', { sessionId: session.id })).ok).toBe(true);
    const ok = await emitAck(a, 'command', { sessionId: session.id, id: `probe-${randomUUID()}`, command: { type: 'item.start', itemId: 'a1' } });
    expect(ok).toMatchObject({ ok: true, seq: before.seq + 1 });
  };

  /** A login session for Alex written straight into the database, for states HTTP cannot produce quickly. */
  const storedLogin = async (opts: { expiresAt: Date; lastSeenAt?: Date }): Promise<string> => {
    const account = await fx.server.accounts.byEmail(FACILITATOR_A);
    if (!account) throw new Error('no demo account');
    const token = randomBytes(32).toString('base64url');
    const hasher = new Auth(fx.server.accounts, fx.server.audit, SECRET, { sessionIdleMs: 2 * HOUR, sessionAbsoluteMs: 12 * HOUR, memberTokenMs: 24 * HOUR, passwordLinkMs: 72 * HOUR });
    const id = await fx.server.accounts.createAuthSession(account.id, hasher.hashToken(token), opts.expiresAt);
    if (opts.lastSeenAt) await fx.server.db.query('update auth_sessions set last_seen_at = $2 where id = $1', [id, opts.lastSeenAt]);
    return `hearth_session=${token}`;
  };

  describe('the /board handshake', () => {
    it('refuses a connection with no credentials, or a forged member token, with UNAUTHENTICATED', async () => {
      const { session, before } = await liveSession();
      for (const token of [randomBytes(32).toString('base64url'), 'x', 'y'.repeat(199), 'z'.repeat(5000)]) {
        const refusal = await refusedConnection(fx.server.url, { token });
        expect(refusal.data, token.slice(0, 20)).toMatchObject({ code: ErrorCode.UNAUTHENTICATED });
      }
      expect((await refusedConnection(fx.server.url, {})).data).toMatchObject({ code: ErrorCode.UNAUTHENTICATED });
      // A token that is not a string at all.
      for (const token of [12345, { $ne: null }, ['t']]) {
        const socket = io(`${fx.server.url}/board`, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token } });
        try {
          const e = await nextEvent(socket, 'connect_error');
          expect(e.data).toMatchObject({ code: ErrorCode.UNAUTHENTICATED });
        } finally {
          socket.close();
        }
      }
      await assertUnchangedAndServing(session, before);
    });

    it('refuses a forged, expired or idle login cookie with UNAUTHENTICATED', async () => {
      const { session, before } = await liveSession();
      const forged = [
        `hearth_session=${randomBytes(32).toString('base64url')}`,
        'hearth_session=',
        'hearth_session=%E0%A4%A',
        `hearth_session=${'q'.repeat(8000)}`,
        `other=${fx.cookies.a.split('=')[1]}`
      ];
      const expired = await storedLogin({ expiresAt: new Date(Date.now() - MINUTE) });
      const idle = await storedLogin({ expiresAt: new Date(Date.now() + HOUR), lastSeenAt: new Date(Date.now() - 3 * HOUR) });
      for (const cookie of [...forged, expired, idle]) {
        const refusal = await refusedConnection(fx.server.url, { cookie });
        expect(refusal.data, cookie.slice(0, 40)).toMatchObject({ code: ErrorCode.UNAUTHENTICATED });
        expect(await api<ErrorBody>(fx.server.url, '/me', { cookie })).toMatchObject({ status: 401, body: { error: { code: ErrorCode.UNAUTHENTICATED } } });
      }
      // The same path with a live login is accepted: the refusals above were about the cookie alone.
      const fresh = await storedLogin({ expiresAt: new Date(Date.now() + HOUR) });
      const ok = await open({ cookie: fresh });
      expect((await emitAck(ok, 'join', { sessionId: session.id })).ok).toBe(true);
      await assertUnchangedAndServing(session, before);
    });

    it('refuses a connection from a foreign Origin, and accepts the server\'s own', async () => {
      const { session, before } = await liveSession();
      for (const origin of ['https://evil.example', 'null', `${fx.server.url}.evil.example`]) {
        const refusal = await refusedConnection(fx.server.url, { cookie: fx.cookies.a, origin });
        expect(refusal.message).toMatch(/websocket error/);
      }
      // The Engine.IO handshake says why when asked over HTTP.
      const res = await fetch(`${fx.server.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: 'https://evil.example', cookie: fx.cookies.a } });
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ message: ErrorCode.BAD_ORIGIN });
      const own = await open({ cookie: fx.cookies.a, origin: fx.server.url });
      expect((await emitAck(own, 'join', { sessionId: session.id })).ok).toBe(true);
      await assertUnchangedAndServing(session, before);
    });

    it("sends 'revoked' to a logged-out cookie's open socket, disconnects it, and refuses it afterwards", async () => {
      const { session, before } = await liveSession();
      const cookie = await login(fx.server.url, FACILITATOR_A, DEMO_PASSWORD);
      const doomed = await open({ cookie });
      const bystander = await open({ cookie: fx.cookies.a });
      for (const s of [doomed, bystander]) expect((await emitAck(s, 'join', { sessionId: session.id })).ok).toBe(true);

      const revoked = nextEvent(doomed, 'revoked');
      const disconnected = nextEvent(doomed, 'disconnect');
      const out = await api(fx.server.url, '/auth/logout', { method: 'POST', cookie });
      expect(out.status).toBe(204);
      expect(await revoked).toMatchObject({ code: ErrorCode.UNAUTHENTICATED });
      expect(await disconnected).toBe('io server disconnect');

      expect((await refusedConnection(fx.server.url, { cookie })).data).toMatchObject({ code: ErrorCode.UNAUTHENTICATED });
      expect(await api<ErrorBody>(fx.server.url, '/groups', { cookie })).toMatchObject({ status: 401, body: { error: { code: ErrorCode.UNAUTHENTICATED } } });
      // Logging out twice is harmless; the same account's other login is untouched.
      expect((await api(fx.server.url, '/auth/logout', { method: 'POST', cookie })).status).toBe(204);
      expect(bystander.connected).toBe(true);
      expect(await emitAck(bystander, 'command', { sessionId: session.id, id: 'after-logout', command: { type: 'item.start', itemId: 'a1' } })).toMatchObject({
        ok: true,
        seq: before.seq + 1
      });
    });
  });

  describe('joining and commanding', () => {
    it("refuses a clinician a session of a group they are not staff of (FORBIDDEN), and an unknown one (NOT_FOUND)", async () => {
      // Sam's own group, without Alex and without the supervisor.
      const created = await api<{ group: GroupSummary }>(fx.server.url, '/groups', { cookie: fx.cookies.b, body: { name: "Sam's private group", aliases: ['Oak', 'Elm'] } });
      expect(created.status).toBe(201);
      const scheduled = await api<{ session: SessionSummary }>(fx.server.url, `/groups/${created.body.group.id}/sessions`, {
        cookie: fx.cookies.b,
        body: { title: 'Private', scheduledFor: null, agenda: [{ itemId: 'a1', title: 'Check-in', kind: 'check-in', plannedMinutes: 10 }] }
      });
      expect(scheduled.status).toBe(201);
      const foreign = scheduled.body.session;
      const before = await boardAt(fx.server.url, { cookie: fx.cookies.b }, foreign.id);

      for (const cookie of [fx.cookies.a, fx.cookies.supervisor]) {
        const s = await open({ cookie });
        expect(await emitAck(s, 'join', { sessionId: foreign.id })).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
        expect(await emitAck(s, 'command', { sessionId: foreign.id, id: 'f1', command: { type: 'session.start' } })).toMatchObject({
          ok: false,
          error: { code: ErrorCode.NOT_JOINED }
        });
        expect(await emitAck(s, 'join', { sessionId: randomUUID() })).toMatchObject({ ok: false, error: { code: ErrorCode.NOT_FOUND } });
        // Nor over HTTP: reading it, commanding it, or scheduling into its group.
        expect(await api<ErrorBody>(fx.server.url, `/sessions/${foreign.id}`, { cookie })).toMatchObject({ status: 403, body: { error: { code: ErrorCode.FORBIDDEN } } });
        expect(await api<ErrorBody>(fx.server.url, `/sessions/${foreign.id}/commands`, { cookie, body: { id: 'f2', command: { type: 'session.start' } } })).toMatchObject({
          status: 403,
          body: { error: { code: ErrorCode.FORBIDDEN } }
        });
        expect(
          await api<ErrorBody>(fx.server.url, `/groups/${created.body.group.id}/sessions`, { cookie, body: { title: 'Intruder', scheduledFor: null, agenda: [] } })
        ).toMatchObject({ status: 403, body: { error: { code: ErrorCode.FORBIDDEN } } });
      }
      // Nothing of it appears in their group lists, and its board is as it was.
      const listed = await api<{ groups: GroupSummary[] }>(fx.server.url, '/groups', { cookie: fx.cookies.a });
      expect(listed.body.groups.map((g) => g.id)).not.toContain(created.body.group.id);
      expect(await boardAt(fx.server.url, { cookie: fx.cookies.b }, foreign.id)).toEqual(before);
      const sam = await open({ cookie: fx.cookies.b });
      expect(await emitAck(sam, 'join', { sessionId: foreign.id })).toMatchObject({ ok: true, role: 'facilitator' });
      expect(await emitAck(sam, 'command', { sessionId: foreign.id, id: 'f3', command: { type: 'session.start' } })).toMatchObject({ ok: true, seq: before.seq + 1 });
    });

    it('refuses a member token in another session: the join is FORBIDDEN and its commands are refused', async () => {
      const own = await liveSession();
      const other = await liveSession();
      const token = await joinAsMember(fx.server.url, own.session, 'Sparrow');
      const member = await open({ token });
      expect(await emitAck(member, 'join', { sessionId: other.session.id })).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
      // A session that does not exist looks the same to a member: the token learns nothing.
      expect(await emitAck(member, 'join', { sessionId: randomUUID() })).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
      expect(await emitAck(member, 'command', { sessionId: other.session.id, id: 'm1', command: { type: 'item.start', itemId: 'a1' } })).toMatchObject({
        ok: false,
        error: { code: ErrorCode.NOT_JOINED }
      });
      // Joined to its own session, it is still refused in the other one.
      expect(await emitAck(member, 'join', { sessionId: own.session.id })).toMatchObject({ ok: true, role: 'member' });
      expect(await emitAck(member, 'command', { sessionId: other.session.id, id: 'm2', command: { type: 'item.start', itemId: 'a1' } })).toMatchObject({
        ok: false,
        error: { code: ErrorCode.NOT_JOINED }
      });
      expect(await emitAck(member, 'join', { sessionId: other.session.id })).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
      // A member token is not a login cookie: the API refuses it.
      expect(await api<ErrorBody>(fx.server.url, '/groups', { cookie: `hearth_session=${token}` })).toMatchObject({ status: 401 });
      await assertUnchangedAndServing(other.session, other.before);
    });

    it('refuses a supervisor commanding over HTTP with 403 FORBIDDEN, and the board is unchanged', async () => {
      const { session, before } = await liveSession();
      const res = await api<ErrorBody>(fx.server.url, `/sessions/${session.id}/commands`, {
        cookie: fx.cookies.supervisor,
        body: { id: 'sup-1', command: { type: 'item.start', itemId: 'a1' } }
      });
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ error: { code: ErrorCode.FORBIDDEN, message: 'A supervisor may not item.start.' } });
      await assertUnchangedAndServing(session, before);
    });
  });

  describe('the HTTP API', () => {
    it('refuses a wrong password with 401 INVALID_CREDENTIALS, and an unknown email alike', async () => {
      const wrong = await api<ErrorBody>(fx.server.url, '/auth/login', { body: { email: FACILITATOR_B, password: 'not-the-password' } });
      const unknown = await api<ErrorBody>(fx.server.url, '/auth/login', { body: { email: 'nobody@demo.hearth', password: 'not-the-password' } });
      expect(wrong.status).toBe(401);
      expect(wrong.body.error.code).toBe(ErrorCode.INVALID_CREDENTIALS);
      // Nothing tells an attacker which emails have accounts.
      expect(unknown).toEqual(wrong);
      expect((await api(fx.server.url, '/groups', { cookie: fx.cookies.b })).status).toBe(200);
    });

    it('rate-limits an email after 10 failed sign-ins with 429 RATE_LIMITED, and no other', async () => {
      const email = `ghost-${randomBytes(4).toString('hex')}@demo.hearth`;
      for (let i = 0; i < 10; i++) {
        // The limit keys on the normalised email: changing its case does not buy more attempts.
        const attempt = await api<ErrorBody>(fx.server.url, '/auth/login', { body: { email: i % 2 ? email.toUpperCase() : email, password: `guess-${i}` } });
        expect(attempt.status, `attempt ${i + 1}`).toBe(401);
      }
      const limited = await api<ErrorBody>(fx.server.url, '/auth/login', { body: { email, password: 'guess-11' } });
      expect(limited).toMatchObject({ status: 429, body: { error: { code: ErrorCode.RATE_LIMITED } } });
      const other = await api<ErrorBody>(fx.server.url, '/auth/login', { body: { email: 'someone-else@demo.hearth', password: 'x' } });
      expect(other.body.error.code).toBe(ErrorCode.INVALID_CREDENTIALS);
      expect(await login(fx.server.url, FACILITATOR_B, DEMO_PASSWORD)).toMatch(/^hearth_session=/);
    });

    it('refuses a state-changing request from a foreign Origin with 403 BAD_ORIGIN, and changes nothing', async () => {
      const { session, before } = await liveSession();
      const origin = 'https://evil.example';
      const signIn = await fetch(`${fx.server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin },
        body: JSON.stringify({ email: FACILITATOR_A, password: DEMO_PASSWORD })
      });
      expect(signIn.status).toBe(403);
      expect(signIn.headers.get('set-cookie')).toBeNull();
      expect(((await signIn.json()) as ErrorBody).error.code).toBe(ErrorCode.BAD_ORIGIN);
      const group = await demoGroup(fx.server.url, fx.cookies.a);
      const cases: [string, object | undefined][] = [
        ['/groups', { name: 'Cross-site', aliases: ['A'] }],
        [`/groups/${group.id}/sessions`, { title: 'Cross-site', scheduledFor: null, agenda: [] }],
        [`/sessions/${session.id}/commands`, { id: 'cs1', command: { type: 'session.end' } }],
        ['/auth/logout', undefined]
      ];
      for (const [path, body] of cases) {
        const res = await api<ErrorBody>(fx.server.url, path, { method: 'POST', cookie: fx.cookies.a, origin, ...(body && { body }) });
        expect(res, path).toMatchObject({ status: 403, body: { error: { code: ErrorCode.BAD_ORIGIN } } });
      }
      // The cross-site logout did not log Alex out, and nothing was created or changed.
      const after = await demoGroup(fx.server.url, fx.cookies.a);
      expect(after.sessions.length).toBe(group.sessions.length);
      expect((await api<{ groups: GroupSummary[] }>(fx.server.url, '/groups', { cookie: fx.cookies.a })).body.groups.length).toBe(1);
      await assertUnchangedAndServing(session, before);
    });

    it('answers /api/groups and /api/me without a cookie with 401 UNAUTHENTICATED', async () => {
      for (const path of ['/groups', '/me']) {
        expect(await api<ErrorBody>(fx.server.url, path)).toMatchObject({ status: 401, body: { error: { code: ErrorCode.UNAUTHENTICATED } } });
      }
      expect(await api<ErrorBody>(fx.server.url, '/groups', { body: { name: 'Anonymous', aliases: ['A'] } })).toMatchObject({
        status: 401,
        body: { error: { code: ErrorCode.UNAUTHENTICATED } }
      });
      const session = await scheduleSession(fx.server.url, fx.cookies.a);
      expect(await api<ErrorBody>(fx.server.url, `/sessions/${session.id}/commands`, { body: { id: 'anon', command: { type: 'session.start' } } })).toMatchObject({
        status: 401
      });
      expect((await boardAt(fx.server.url, { cookie: fx.cookies.a }, session.id)).state.status).toBe('scheduled');
    });
  });

  describe('Auth with an injected clock, on the real database', () => {
    const config = { sessionIdleMs: 30 * MINUTE, sessionAbsoluteMs: 4 * HOUR, memberTokenMs: 2 * HOUR, passwordLinkMs: 72 * HOUR };
    const clocked = () => {
      const clock = { now: Date.now() };
      const auth = new Auth(fx.server.accounts, fx.server.audit, SECRET, config, () => clock.now);
      return { clock, auth };
    };

    it('ends a login left idle longer than the idle limit, and keeps one in use alive', async () => {
      const { clock, auth } = clocked();
      const { token } = await auth.login(FACILITATOR_A, DEMO_PASSWORD, '127.0.0.9');
      const start = clock.now;
      expect(await auth.clinician(token)).toMatchObject({ kind: 'clinician', account: { email: FACILITATOR_A } });
      // Used every 25 minutes, it outlives the 30-minute idle limit several times over.
      for (let t = 25; t <= 100; t += 25) {
        clock.now = start + t * MINUTE;
        expect(await auth.clinician(token), `at ${t} min`).not.toBeNull();
      }
      clock.now = start + (100 + 31) * MINUTE;
      expect(await auth.clinician(token)).toBeNull();
      // A login never used after sign-in ends after the idle limit alone.
      const second = await auth.login(FACILITATOR_A, DEMO_PASSWORD, '127.0.0.9');
      clock.now += 31 * MINUTE;
      expect(await auth.clinician(second.token)).toBeNull();
    });

    it('ends a login at its absolute limit, however active', async () => {
      const { clock, auth } = clocked();
      const { token } = await auth.login(FACILITATOR_A, DEMO_PASSWORD, '127.0.0.9');
      const start = clock.now;
      for (let t = 20; t < 240; t += 20) {
        clock.now = start + t * MINUTE;
        expect(await auth.clinician(token), `at ${t} min`).not.toBeNull();
      }
      clock.now = start + 4 * HOUR;
      expect(await auth.clinician(token)).toBeNull();
    });

    it('ends a member token at its expiry', async () => {
      const { clock, auth } = clocked();
      const session = await scheduleSession(fx.server.url, fx.cookies.a);
      const group = await demoGroup(fx.server.url, fx.cookies.a);
      const [member] = await fx.server.groups.roster(group.id);
      if (!member) throw new Error('empty roster');
      const { token } = await auth.issueMemberToken(session.id, member.id, null);
      const start = clock.now;
      clock.now = start + 2 * HOUR - 1;
      expect(await auth.member(token)).toMatchObject({ kind: 'member', sessionId: session.id, memberId: member.id });
      clock.now = start + 2 * HOUR;
      expect(await auth.member(token)).toBeNull();
    });

    it('refuses unknown, missing and revoked tokens', async () => {
      const { auth } = clocked();
      expect(await auth.clinician(undefined)).toBeNull();
      expect(await auth.clinician(randomBytes(32).toString('base64url'))).toBeNull();
      expect(await auth.member(randomBytes(32).toString('base64url'))).toBeNull();
      const { token } = await auth.login(FACILITATOR_A, DEMO_PASSWORD, '127.0.0.9');
      const who = await auth.clinician(token);
      if (!who) throw new Error('login did not take');
      await auth.logout(who);
      expect(await auth.clinician(token)).toBeNull();
      // A token is only good under the secret it was issued with: a copy of the database logs no one in.
      const { token: t2 } = await auth.login(FACILITATOR_A, DEMO_PASSWORD, '127.0.0.9');
      const elsewhere = new Auth(fx.server.accounts, fx.server.audit, randomBytes(32).toString('base64url'), config);
      expect(await elsewhere.clinician(t2)).toBeNull();
    });

    it('rate-limits even the right password after 10 failures, until the window has passed', async () => {
      // The lockout counts in rate-limiter-flexible's real time, not the injected clock: a 2-second window.
      const silent = createLogger('silent');
      const signIns = new AttemptLimiter(new RateLimits(null, silent).shared('sign-in', 10, 2), 10, 'failed sign-ins', silent);
      const auth = new Auth(fx.server.accounts, fx.server.audit, SECRET, config, Date.now, signIns);
      const ip = '198.51.100.7';
      const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof AuthError ? e.code : String(e)));
      for (let i = 0; i < 10; i++) expect(await code(auth.login(FACILITATOR_A, `wrong-${i}`, ip))).toBe(ErrorCode.INVALID_CREDENTIALS);
      const locked = await auth.login(FACILITATOR_A, DEMO_PASSWORD, ip).then(() => null, (e: unknown) => e);
      expect(locked).toMatchObject({ code: ErrorCode.RATE_LIMITED, retryAfterMs: expect.any(Number) });
      expect((locked as AuthError).retryAfterMs).toBeLessThanOrEqual(2000);
      // From another address the account is not locked out.
      expect(await code(auth.login(FACILITATOR_A, DEMO_PASSWORD, '198.51.100.8'))).toBe('ok');
      await waitFor(async () => (await code(auth.login(FACILITATOR_A, DEMO_PASSWORD, ip))) === 'ok', 5000, 'the lockout window to pass');
    });
  });
});
