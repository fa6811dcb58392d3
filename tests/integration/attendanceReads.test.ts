import type { EventMessage, JoinResult } from '@hearth/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/src/app.ts';
import { loadConfig } from '../../server/src/config.ts';
import { createLogger } from '../../server/src/log.ts';
import { openPostgres } from '../../server/src/store/Db.ts';
import { api, connectBoard, emitAck, type BoardClient } from '../support/boardClient.ts';
import { recording } from '../support/recordingDb.ts';
import { createTestDatabase, REDIS_URL, type TestDatabase } from '../support/services.ts';
import { demoGroup, demoLogins, joinAsMember, scheduleSession, startTestServer } from '../support/testServer.ts';
import { waitFor } from '../support/wait.ts';

const RECONCILE_SECONDS = 0.3;
const PRESENCE = { PRESENCE_HEARTBEAT_SECONDS: '0.1', PRESENCE_TTL_SECONDS: '2', PRESENCE_GRACE_SECONDS: '1', PRESENCE_RECONCILE_SECONDS: String(RECONCILE_SECONDS) };
/** The board's read of a session's log after a position (EventLog.since). */
const LOG_READ = /from session_events where session_id = \$1 and seq > \$2/;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The periodic attendance check compares presence with the board this instance holds while it hears
 * every other instance's appends to that session, instead of reading each served session's log on a
 * timer; an append heard from another instance makes the next check read the log once.
 */
describe('the attendance check of served sessions', () => {
  const texts: string[] = [];
  let db: TestDatabase;
  let one: RunningServer;
  let two: RunningServer;
  const sockets: BoardClient[] = [];
  const reads = () => texts.filter((t) => LOG_READ.test(t)).length;

  beforeAll(async () => {
    db = await createTestDatabase();
    const shared = { DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: `attendance-${process.pid}:`, ...PRESENCE };
    const config = loadConfig({
      PORT: '0', HOST: '127.0.0.1', DEMO: 'true', LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent', CONNECTIONS_PER_MINUTE: '100000', INVITE_ATTEMPTS: '10000', ...shared
    });
    one = await startServer(config, createLogger(config.logLevel), { db: recording(openPostgres(db.url), texts) });
    two = await startTestServer({ ...shared, DEMO: 'false' });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await two?.close();
    await one?.close();
    await db?.drop();
  });

  it('reads no log while nothing else is appended, reads it once after another instance appends, and still records who leaves', async () => {
    const cookies = await demoLogins(one.url);
    const session = await scheduleSession(one.url, cookies.a);
    const group = await demoGroup(one.url, cookies.a);
    const facilitator = await connectBoard(one.url, { cookie: cookies.a });
    sockets.push(facilitator);
    expect(await emitAck(facilitator, 'join', { sessionId: session.id })).toMatchObject({ ok: true });
    expect(await emitAck(facilitator, 'command', { sessionId: session.id, id: 'go', command: { type: 'session.start' } })).toMatchObject({ ok: true });
    const heard: EventMessage[] = [];
    facilitator.on('event', (m) => heard.push(m));
    const members = group.members.slice(0, 3);
    for (const m of members) {
      const socket = await connectBoard(one.url, { token: await joinAsMember(one.url, { id: session.id, groupId: group.id }, m.alias) });
      sockets.push(socket);
      expect(((await emitAck(socket, 'join', { sessionId: session.id })) as JoinResult).ok).toBe(true);
    }
    await waitFor(() => heard.filter((m) => m.event.type === 'member.connected').length === members.length, 5000, 'every member to be recorded present');

    // Quiet: the checks run (every 0.3 s) on the board this instance holds.
    await pause(1000);
    const quiet = reads();
    await pause(RECONCILE_SECONDS * 1000 * 8);
    expect(reads() - quiet).toBe(0);

    // Another instance appends: heard here, and the next check reads the log once to catch up.
    const before = reads();
    const viaTwo = await api(two.url, `/sessions/${session.id}/commands`, { cookie: cookies.b, body: { id: 'start-item', command: { type: 'item.start', itemId: 'a1' } } });
    expect(viaTwo.status).toBe(200);
    await waitFor(() => heard.some((m) => m.event.type === 'item.started'), 5000, 'the other instance\'s event to arrive');
    await waitFor(() => reads() > before, 5000, 'a read of the log after the heard append');
    await pause(RECONCILE_SECONDS * 1000 * 3);
    const caughtUp = reads();
    expect(caughtUp - before).toBeLessThanOrEqual(2);
    await pause(RECONCILE_SECONDS * 1000 * 6);
    expect(reads() - caughtUp).toBe(0);

    // A member who leaves is still recorded gone, by the check or by presence's own change.
    sockets[1]!.close();
    await waitFor(() => heard.some((m) => m.event.type === 'member.disconnected'), 8000, 'the member who left to be recorded gone');
  }, 40_000);
});
