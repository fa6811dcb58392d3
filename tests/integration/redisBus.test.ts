import type { EventMessage, SessionSummary } from '@hearth/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/src/app.ts';
import { api, connectBoard, emitAck, type BoardClient } from '../support/boardClient.ts';
import { dropProbe, hearthConnections, redisProbe, shardSubscribers, type RedisProbe } from '../support/redisProbe.ts';
import { freePort, redisFaultSuite, startOwnRedis, type OwnRedis } from '../support/ownRedis.ts';
import { createTestDatabase, type TestDatabase } from '../support/services.ts';
import { demoLogins, scheduleSession, startTestServer } from '../support/testServer.ts';
import { waitFor } from '../support/wait.ts';

/**
 * The bus on a Redis of this test's own (its connections are counted, and it is stopped): how many
 * connections an instance holds, that an instance hears a session only while it serves it, that
 * REDIS_PREFIX keeps deployments apart, and that /api/health reports the bus.
 */
describe.skipIf(!redisFaultSuite('one Redis bus per instance'))('one Redis bus per instance', () => {
  let redis: OwnRedis;
  let probe: RedisProbe;
  let db: TestDatabase;
  let one: RunningServer;
  let two: RunningServer;
  let other: RunningServer;
  let cookies: { a: string; b: string };
  let session: SessionSummary;
  const sockets: BoardClient[] = [];

  beforeAll(async () => {
    redis = await startOwnRedis(await freePort());
    probe = await redisProbe(redis.url);
    db = await createTestDatabase();
    one = await startTestServer({ DATABASE_URL: db.url, REDIS_URL: redis.url });
    two = await startTestServer({ DATABASE_URL: db.url, REDIS_URL: redis.url });
    // Another deployment on the same Redis and the same database, under its own prefix.
    other = await startTestServer({ DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_PREFIX: 'other-deployment:' });
    cookies = await demoLogins(one.url);
    session = await scheduleSession(one.url, cookies.a);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await one?.close();
    await two?.close();
    await other?.close();
    dropProbe(probe);
    await redis?.kill9();
    await db?.drop();
  });

  const joined = async (server: RunningServer, cookie: string) => {
    const socket = await connectBoard(server.url, { cookie });
    sockets.push(socket);
    const events: EventMessage[] = [];
    socket.on('event', (m) => events.push(m));
    const r = await emitAck(socket, 'join', { sessionId: session.id });
    if (!r.ok) throw new Error(r.error.code);
    return { socket, events };
  };

  it('holds two connections per instance: one for commands and publishing, one subscriber', async () => {
    await waitFor(async () => (await hearthConnections(probe)) === 6, 10_000, 'three instances connected');
    const list = String(await probe.sendCommand(['CLIENT', 'LIST']));
    const names = [...list.matchAll(/ name=(hearth-\S+)/g)].map((m) => m[1]).sort();
    expect(names).toEqual(['hearth-commands', 'hearth-commands', 'hearth-commands', 'hearth-subscriber', 'hearth-subscriber', 'hearth-subscriber']);
  });

  it('hears a session only while it serves it, and carries its events to the other instance', async () => {
    const channel = `hearth:board:{${session.id}}`;
    expect(await shardSubscribers(probe, channel)).toBe(0);
    const a = await joined(one, cookies.a);
    expect(await shardSubscribers(probe, channel)).toBe(1);
    const b = await joined(two, cookies.b);
    expect(await shardSubscribers(probe, channel)).toBe(2);

    const r = await emitAck(a.socket, 'command', { sessionId: session.id, id: 'bus-1', command: { type: 'session.start' } });
    expect(r.ok).toBe(true);
    await waitFor(() => b.events.some((m) => m.event.type === 'session.started'), 5000, 'the event on the other instance');

    // The last socket of the session leaves instance two: it stops hearing the session.
    b.socket.close();
    await waitFor(async () => (await shardSubscribers(probe, channel)) === 1, 5000, 'instance two to stop hearing the session');
  });

  it('keeps deployments on one Redis apart by REDIS_PREFIX', async () => {
    const here = await joined(one, cookies.a);
    const elsewhere = await joined(other, (await demoLogins(other.url)).a);
    // Each deployment hears the session under its own name only.
    expect(await shardSubscribers(probe, `other-deployment:board:{${session.id}}`)).toBe(1);
    expect(await shardSubscribers(probe, `hearth:board:{${session.id}}`)).toBe(1);
    for (const [id, command] of [['bus-2', { type: 'item.start', itemId: 'a1' }], ['bus-3', { type: 'item.pause', itemId: 'a1' }]] as const) {
      expect((await emitAck(here.socket, 'command', { sessionId: session.id, id, command })).ok).toBe(true);
    }
    await waitFor(() => here.events.some((m) => m.event.type === 'item.paused'), 5000, 'the events on their own instance');
    // The other deployment's socket heard nothing of them through Redis (it would only see them on its next resync).
    expect(elsewhere.events.filter((m) => m.event.type === 'item.started' || m.event.type === 'item.paused')).toEqual([]);
  });

  it('reports the bus in /api/health: ok, then down while Redis is away', async () => {
    expect((await api(one.url, '/health')).body).toEqual({ ok: true, database: 'ok', redis: 'ok' });
    await redis.kill9();
    await waitFor(async () => (await api<{ redis: string }>(one.url, '/health')).body.redis === 'down', 10_000, 'redis down in health');
    expect((await api(one.url, '/health')).status).toBe(200);
  });
});
