import { randomBytes } from 'node:crypto';
import { ErrorCode, type CommandResult, type ErrorBody, type WireError } from '@hearth/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { RunningServer } from '../../server/src/app.ts';
import { connectBoard, emitAck, login, type BoardClient } from '../support/boardClient.ts';
import { freePort, redisFaultSuite, startOwnRedis, type OwnRedis } from '../support/ownRedis.ts';
import { createTestDatabase, REDIS_URL, type TestDatabase } from '../support/services.ts';
import { DEMO_PASSWORD, FACILITATOR_A, FACILITATOR_B, demoGroup, personalCode, scheduleSession, startTestServer } from '../support/testServer.ts';
import { waitFor } from '../support/wait.ts';

/** The documented defaults of the command limit, named here because the test servers raise nothing else about commands. */
const COMMANDS = { COMMANDS_PER_SECOND: '20', COMMAND_BURST: '40' };

/** A sign-in over HTTP: the status, the Retry-After header and the body. */
async function signIn(url: string, email: string, password: string): Promise<{ status: number; retryAfter: string | null; body: ErrorBody | null }> {
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  const text = await res.text();
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: res.status === 200 ? null : (JSON.parse(text) as ErrorBody) };
}

/** GET of a personal invite: the status, the Retry-After header and the error code, if any. */
async function openInvite(url: string, code: string): Promise<{ status: number; retryAfter: string | null; code: string | null }> {
  const res = await fetch(`${url}/api/invites/${code}`);
  const body = (await res.json()) as Partial<ErrorBody>;
  return { status: res.status, retryAfter: res.headers.get('retry-after'), code: body.error?.code ?? null };
}

/** A board connection, or the refusal's data: every attempt is one of the two. */
async function tryConnect(url: string, cookie: string): Promise<{ socket: BoardClient } | { refused: WireError | undefined }> {
  try {
    return { socket: await connectBoard(url, { cookie }) };
  } catch (e) {
    return { refused: typeof e === 'object' && e !== null && 'data' in e ? (e.data as WireError) : undefined };
  }
}

/** Sends `n` commands without waiting between them; every answer, in the order sent. */
function burst(socket: BoardClient, sessionId: string, n: number, tag: string): Promise<CommandResult[]> {
  return Promise.all(
    Array.from({ length: n }, (_, i) =>
      emitAck(socket, 'command', { sessionId, id: `${tag}-${i}`, command: { type: 'agenda.set_guidance', itemId: 'a1', guidance: `${tag} ${i}` } }, 15_000)
    )
  );
}

const limitedOf = (results: CommandResult[]) => results.filter((r) => !r.ok && r.error.code === ErrorCode.RATE_LIMITED);

/** The session's log position as a fresh join sees it. */
async function seqOf(socket: BoardClient, sessionId: string): Promise<number> {
  const joined = await emitAck(socket, 'join', { sessionId });
  if (!joined.ok) throw new Error(`join refused: ${joined.error.code}`);
  return joined.seq;
}

describe('rate limits shared by two instances through Redis', () => {
  let db: TestDatabase;
  let p1: RunningServer;
  let p2: RunningServer;
  const sockets: BoardClient[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    // A prefix of this run's own: the shared Redis keeps other runs' counts under theirs.
    const shared = {
      DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: `rate-${randomBytes(6).toString('hex')}:`,
      INVITE_ATTEMPTS: '5', CONNECTIONS_PER_MINUTE: '12', ...COMMANDS
    };
    p1 = await startTestServer(shared);
    p2 = await startTestServer({ ...shared, DEMO: 'false' });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await p2?.close();
    await p1?.close();
    await db?.drop();
  });

  it('refuses an address its personal codes on instance 2 after codes that did not work on instance 1', async () => {
    const cookie = await login(p1.url, FACILITATOR_A, DEMO_PASSWORD);
    const demo = await demoGroup(p1.url, cookie);
    const right = await personalCode(p1.url, demo.id, demo.members[0]!.alias);
    expect((await openInvite(p2.url, right)).status).toBe(200);
    for (let i = 0; i < 5; i++) {
      const guess = `guess${randomBytes(8).toString('hex')}`;
      expect((await openInvite(p1.url, guess)).code, `guess ${i + 1}`).toBe(ErrorCode.INVITE_NOT_VALID);
    }
    const refused = await openInvite(p2.url, right);
    expect(refused).toMatchObject({ status: 429, code: ErrorCode.RATE_LIMITED });
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
  });

  it('locks an email out on instance 2 after failed sign-ins on both, the right password too, with Retry-After', async () => {
    for (let i = 0; i < 10; i++) {
      const attempt = await signIn(i % 2 ? p2.url : p1.url, FACILITATOR_A, `guess-${i}`);
      expect(attempt.status, `attempt ${i + 1}`).toBe(401);
    }
    for (const url of [p2.url, p1.url]) {
      const locked = await signIn(url, FACILITATOR_A, DEMO_PASSWORD);
      expect(locked.status).toBe(429);
      expect(locked.body?.error).toMatchObject({ code: ErrorCode.RATE_LIMITED, message: expect.stringMatching(/Try again in \d+ minutes?/), retryAfterMs: expect.any(Number) });
      expect(locked.body!.error.retryAfterMs!).toBeLessThanOrEqual(15 * 60_000);
      expect(Number(locked.retryAfter)).toBe(Math.ceil(locked.body!.error.retryAfterMs! / 1000));
    }
    // Another email from the same address is not locked out.
    expect((await signIn(p2.url, FACILITATOR_B, 'not-the-password')).status).toBe(401);
  });

  it('answers a burst past the allowance with RATE_LIMITED for the excess only, changing nothing for them, and keeps the socket open', async () => {
    const cookie = await login(p1.url, FACILITATOR_B, DEMO_PASSWORD);
    const session = await scheduleSession(p1.url, cookie);
    const socket = await connectBoard(p1.url, { cookie });
    sockets.push(socket);
    const before = await seqOf(socket, session.id);

    const results = await burst(socket, session.id, 100, 'flood');
    const limited = limitedOf(results);
    const applied = results.filter((r) => r.ok);
    // Counts, not speed: at least the burst allowance goes through however the answers are timed.
    expect(applied.length).toBeGreaterThanOrEqual(40);
    expect(limited.length).toBeGreaterThan(0);
    expect(applied.length + limited.length).toBe(100);
    for (const r of limited) {
      expect(r).toEqual({ ok: false, error: { code: ErrorCode.RATE_LIMITED, message: expect.any(String), retryAfterMs: expect.any(Number) } });
      if (!r.ok) expect(r.error.retryAfterMs!).toBeLessThanOrEqual(10_000);
    }
    // The refused commands appended nothing; the socket is still there and takes commands again.
    expect(await seqOf(socket, session.id)).toBe(before + applied.length);
    expect(socket.connected).toBe(true);
    const again = await waitFor(async () => {
      const r = await emitAck(socket, 'command', { sessionId: session.id, id: 'after-flood', command: { type: 'agenda.set_guidance', itemId: 'a1', guidance: 'after' } });
      return r.ok ? r : null;
    }, 15_000, 'a command after the flood');
    expect(again.ok).toBe(true);
  });

  it('never limits a facilitator\'s fast sequence: 30 commands within a second', async () => {
    const cookie = await login(p2.url, FACILITATOR_B, DEMO_PASSWORD);
    const session = await scheduleSession(p2.url, cookie);
    const socket = await connectBoard(p2.url, { cookie });
    sockets.push(socket);
    await seqOf(socket, session.id);
    // Keys pressed about 30 ms apart, each sent at once, as the board's shortcuts send them.
    const sent: Promise<CommandResult>[] = [];
    for (let i = 0; i < 30; i++) {
      sent.push(emitAck(socket, 'command', { sessionId: session.id, id: `keys-${i}`, command: { type: 'agenda.set_guidance', itemId: 'a1', guidance: `keys ${i}` } }, 15_000));
      await new Promise((r) => setTimeout(r, 30));
    }
    const results = await Promise.all(sent);
    expect(limitedOf(results)).toEqual([]);
    expect(results.every((r) => r.ok)).toBe(true);
    // The limit was there all along: a flood right after them, on the same socket, meets it.
    expect(limitedOf(await burst(socket, session.id, 60, 'then-flood')).length).toBeGreaterThan(0);
    // And 30 at the same instant, on a fresh socket, are within the burst too.
    const other = await connectBoard(p2.url, { cookie });
    sockets.push(other);
    await seqOf(other, session.id);
    expect(limitedOf(await burst(other, session.id, 30, 'same-instant'))).toEqual([]);
  });

  // Last: it uses up this address's connections on both instances for a minute.
  it('refuses a connection flood from one address on either instance with RATE_LIMITED connect errors, and notes upgrades with 429', async () => {
    const cookie = await login(p1.url, FACILITATOR_B, DEMO_PASSWORD);
    const outcomes = [];
    for (let i = 0; i < 24; i++) {
      const outcome = await tryConnect(i % 2 ? p2.url : p1.url, cookie);
      if ('socket' in outcome) sockets.push(outcome.socket);
      outcomes.push(outcome);
    }
    const refused = outcomes.flatMap((o) => ('refused' in o ? [o.refused] : []));
    // Twelve a minute between both instances (fewer: the tests before connected too), not twelve each.
    expect(outcomes.length - refused.length).toBeLessThanOrEqual(12);
    expect(refused.length).toBeGreaterThanOrEqual(12);
    for (const data of refused) {
      expect(data).toMatchObject({ code: ErrorCode.RATE_LIMITED, message: expect.any(String), retryAfterMs: expect.any(Number) });
      expect(data!.retryAfterMs!).toBeLessThanOrEqual(60_000);
    }
    // The notes endpoint counts against the same allowance, before it reads the login.
    const status = await new Promise<{ status: number; retryAfter: string | undefined }>((resolve, reject) => {
      const ws = new WebSocket(`${p2.url.replace('http', 'ws')}/yjs/notes:00000000-0000-4000-8000-000000000000`, { headers: { cookie, origin: p2.url } });
      ws.once('unexpected-response', (_req, res) => {
        resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] });
        ws.terminate();
      });
      ws.once('open', () => reject(new Error('the notes connection was accepted')));
      ws.once('error', () => undefined);
    });
    expect(status.status).toBe(429);
    expect(Number(status.retryAfter)).toBeGreaterThan(0);
  });
});

describe.skipIf(!redisFaultSuite('rate limits with Redis stopped'))('rate limits with Redis stopped', () => {
  let db: TestDatabase;
  let redis: OwnRedis | null = null;
  let server: RunningServer;
  const sockets: BoardClient[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    redis = await startOwnRedis(await freePort());
    server = await startTestServer({ DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_PREFIX: 'rate-down:', CONNECTIONS_PER_MINUTE: '8', ...COMMANDS });
    await waitFor(async () => ((await (await fetch(`${server.url}/api/health`)).json()) as { redis: string }).redis === 'ok', 10_000, 'Redis to be up');
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await server?.close();
    await redis?.kill9();
    await db?.drop();
  });

  it('still limits sign-ins, commands and connections in memory, and answers no 5xx', async () => {
    // Signed in while Redis is up; then Redis goes.
    const cookie = await login(server.url, FACILITATOR_A, DEMO_PASSWORD);
    const session = await scheduleSession(server.url, cookie);
    await redis!.kill9();
    await waitFor(async () => ((await (await fetch(`${server.url}/api/health`)).json()) as { redis: string }).redis === 'down', 10_000, 'Redis to be seen down');

    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await signIn(server.url, FACILITATOR_B, `guess-${i}`)).status);
    expect(statuses).toEqual(Array(10).fill(401));
    const locked = await signIn(server.url, FACILITATOR_B, DEMO_PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.body?.error.code).toBe(ErrorCode.RATE_LIMITED);
    expect(Number(locked.retryAfter)).toBeGreaterThan(0);

    const socket = await connectBoard(server.url, { cookie });
    sockets.push(socket);
    await seqOf(socket, session.id);
    const results = await burst(socket, session.id, 80, 'down');
    expect(results.filter((r) => r.ok).length).toBeGreaterThanOrEqual(40);
    expect(limitedOf(results).length).toBeGreaterThan(0);
    // Every answer is applied or limited: no INTERNAL, no UNAVAILABLE from the limit.
    expect(results.every((r) => r.ok || r.error.code === ErrorCode.RATE_LIMITED)).toBe(true);

    const outcomes = [];
    for (let i = 0; i < 12; i++) {
      const outcome = await tryConnect(server.url, cookie);
      if ('socket' in outcome) sockets.push(outcome.socket);
      outcomes.push(outcome);
    }
    const refused = outcomes.flatMap((o) => ('refused' in o ? [o.refused] : []));
    expect(refused.length).toBeGreaterThanOrEqual(5);
    for (const data of refused) expect(data?.code).toBe(ErrorCode.RATE_LIMITED);
  });
});
