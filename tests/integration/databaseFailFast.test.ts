import { ErrorCode, type CommandResult, type JoinResult } from '@hearth/shared';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/src/app.ts';
import { api, connectBoard, emitAck, type BoardClient } from '../support/boardClient.ts';
import { ownPostgresSuite, startOwnPostgres, type OwnPostgres } from '../support/ownPostgres.ts';
import { freePort } from '../support/ownRedis.ts';
import { demoLogins, scheduleSession, startTestServer } from '../support/testServer.ts';

/** The protocol's promise: every command is answered within this long, whatever the database does. */
const ANSWER_MS = 1000;
/** And the board serves again within this long of the database's return. */
const BACK_MS = 1000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The board while PostgreSQL (a server of the test's own, fast shutdown) is away: a stream of
 * commands at 20 a second, and retries of the same ids, each answered within a second with the
 * retryable UNAVAILABLE (never left hanging, never piling up behind the session's queue); health
 * says so; once it is back the board serves within a second, and every acknowledged command is in
 * the database.
 */
describe.skipIf(!ownPostgresSuite('database fail-fast'))('commands while the database is away', () => {
  let pg: OwnPostgres;
  let server: RunningServer;
  let socket: BoardClient;
  let sessionId: string;
  let cookie: string;

  beforeAll(async () => {
    pg = await startOwnPostgres(await freePort());
    // 30 commands a second on one socket for 3 s, and retries as fast as answered: past the
    // per-socket limit (tested in rateLimits.test.ts), which is raised so every answer is the database's.
    server = await startTestServer({ DATABASE_URL: pg.url, COMMANDS_PER_SECOND: '100000', COMMAND_BURST: '100000' });
    const cookies = await demoLogins(server.url);
    cookie = cookies.a;
    sessionId = (await scheduleSession(server.url, cookies.a)).id;
    socket = await connectBoard(server.url, { cookie: cookies.a });
    expect(((await emitAck(socket, 'join', { sessionId })) as JoinResult).ok).toBe(true);
  }, 60_000);
  afterAll(async () => {
    socket?.close();
    await server?.close();
    await pg?.destroy();
  });

  /** Sends one command and times its answer. */
  const timed = async (id: string, paused: boolean): Promise<{ result: CommandResult; ms: number }> => {
    const t0 = performance.now();
    const result = await emitAck(socket, 'command', { sessionId, id, command: { type: paused ? 'item.resume' : 'item.pause', itemId: 'a1' } }, 10_000);
    return { result, ms: performance.now() - t0 };
  };

  it('answers every command within a second while it is away, and serves within a second of its return, losing nothing', async () => {
    expect(await emitAck(socket, 'command', { sessionId, id: 'start', command: { type: 'session.start' } })).toMatchObject({ ok: true });
    expect(await emitAck(socket, 'command', { sessionId, id: 'item', command: { type: 'item.start', itemId: 'a1' } })).toMatchObject({ ok: true });
    const acknowledged = new Set<string>(['start', 'item']);
    let paused = false;
    // Some traffic before the outage, acknowledged as usual.
    for (let n = 0; n < 10; n++) {
      const { result } = await timed(`before-${n}`, paused);
      expect(result.ok).toBe(true);
      acknowledged.add(`before-${n}`);
      paused = !paused;
    }

    await pg.stop();
    // 20 commands a second for 3 s, each sent without waiting for the one before, plus a retry of
    // the first id every other tick: all answered within a second, with the retryable code.
    const answers: Promise<{ id: string; result: CommandResult; ms: number }>[] = [];
    for (let n = 0; n < 60; n++) {
      const id = `during-${n}`;
      answers.push(timed(id, paused).then((a) => ({ id, ...a })));
      if (n % 2 === 1) answers.push(timed('during-0', paused).then((a) => ({ id: 'during-0', ...a })));
      await sleep(50);
    }
    const health = await api<{ error: { code: string } }>(server.url, '/health');
    expect(health).toMatchObject({ status: 503, body: { error: { code: ErrorCode.UNAVAILABLE } } });
    // The API as a whole: a signed-in page's request is answered 503 UNAVAILABLE at once, not 500.
    const t0 = performance.now();
    const groups = await api<{ error: { code: string } }>(server.url, '/groups', { cookie });
    expect(groups).toMatchObject({ status: 503, body: { error: { code: ErrorCode.UNAVAILABLE } } });
    expect(performance.now() - t0).toBeLessThan(ANSWER_MS);
    const during = await Promise.all(answers);
    const slowest = Math.max(...during.map((a) => a.ms));
    expect(slowest).toBeLessThan(ANSWER_MS);
    for (const a of during) {
      expect(a.result).toMatchObject({ ok: false, error: { code: ErrorCode.UNAVAILABLE } });
    }
    expect(socket.connected).toBe(true);

    await pg.start();
    const back = performance.now();
    // The same ids again, as a client's outbox retries them: the first that is acknowledged marks
    // the board serving again.
    let served = -1;
    for (let n = 0; served < 0 && performance.now() - back < 10_000; n++) {
      const { result } = await timed(`during-${n}`, paused);
      if (result.ok) {
        served = performance.now() - back;
        acknowledged.add(`during-${n}`);
        paused = !paused;
      } else {
        expect(result).toMatchObject({ error: { code: ErrorCode.UNAVAILABLE } });
        await sleep(20);
      }
    }
    expect(served).toBeGreaterThanOrEqual(0);
    expect(served).toBeLessThan(BACK_MS);
    expect((await api(server.url, '/health')).status).toBe(200);
    for (let n = 0; n < 10; n++) {
      const { result } = await timed(`after-${n}`, paused);
      expect(result.ok).toBe(true);
      acknowledged.add(`after-${n}`);
      paused = !paused;
    }

    // Nothing acknowledged is missing from the log, and nothing refused is in it.
    const sql = postgres(pg.url, { max: 1, onnotice: () => undefined });
    try {
      const rows = await sql<{ command_id: string }[]>`select command_id from session_commands where session_id = ${sessionId}`;
      const stored = new Set(rows.map((r) => r.command_id));
      for (const id of acknowledged) expect(stored.has(id), id).toBe(true);
      const refusedIds = during.map((a) => a.id).filter((id) => !acknowledged.has(id));
      for (const id of refusedIds) expect(stored.has(id), id).toBe(false);
    } finally {
      await sql.end();
    }
    process.stdout.write(`database away: ${during.length} answers, slowest ${slowest.toFixed(0)} ms; serving again ${served.toFixed(0)} ms after its return\n`);
  });
});
