import type { JoinResult } from '@hearth/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/src/app.ts';
import { connectBoard, emitAck, type BoardClient } from '../support/boardClient.ts';
import { demoGroup, demoLogins, joinAsMember, scheduleSession, startTestServer } from '../support/testServer.ts';

const TOKEN = 'metrics-token-for-the-test';

/**
 * GET /metrics (METRICS=true): the Prometheus text format with commands by outcome, append,
 * command and fan-out latency, open sockets by role, presence and database health — and nothing
 * that names a person, a session or what was said. Off by default.
 */
describe('the metrics endpoint', () => {
  let server: RunningServer;
  let off: RunningServer;
  const sockets: BoardClient[] = [];

  beforeAll(async () => {
    server = await startTestServer({ METRICS: 'true', METRICS_TOKEN: TOKEN });
    off = await startTestServer();
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await server?.close();
    await off?.close();
  });

  it('counts commands, latency and sockets by role, behind its token, with no ids or content', async () => {
    const cookies = await demoLogins(server.url);
    const session = await scheduleSession(server.url, cookies.a, 'Metrics session');
    const group = await demoGroup(server.url, cookies.a);
    const alias = group.members[0]!.alias;
    const a = await connectBoard(server.url, { cookie: cookies.a });
    const member = await connectBoard(server.url, { token: await joinAsMember(server.url, { id: session.id, groupId: group.id }, alias) });
    sockets.push(a, member);
    expect(((await emitAck(a, 'join', { sessionId: session.id })) as JoinResult).ok).toBe(true);
    expect(((await emitAck(member, 'join', { sessionId: session.id })) as JoinResult).ok).toBe(true);
    await emitAck(a, 'command', { sessionId: session.id, id: 'm-start', command: { type: 'session.start' } });
    await emitAck(a, 'command', { sessionId: session.id, id: 'm-start', command: { type: 'session.start' } });
    await emitAck(a, 'command', { sessionId: session.id, id: 'm-bad', command: { type: 'item.pause', itemId: 'a1' } });

    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    const res = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    const value = (line: string) => Number(new RegExp(`^${line.replace(/[{}"]/g, (c) => `\\${c}`)} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(value('hearth_commands_total{outcome="ok"}')).toBeGreaterThanOrEqual(1);
    expect(value('hearth_commands_total{outcome="duplicate"}')).toBe(1);
    expect(value('hearth_commands_total{outcome="refused"}')).toBe(1);
    expect(value('hearth_append_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(value('hearth_fanout_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(value('hearth_open_sockets{role="facilitator"}')).toBe(1);
    expect(value('hearth_open_sockets{role="member"}')).toBe(1);
    expect(value('hearth_database_up')).toBe(1);
    expect(value('hearth_presence_connections')).toBe(2);
    expect(text).toContain('hearth_process_cpu_seconds_total');
    expect(text).toContain('hearth_nodejs_heap_size_used_bytes');
    // Nothing that names anyone or anything: no session id, no alias, no title, no email.
    for (const secret of [session.id, alias, 'Metrics session', 'demo.hearth', group.id]) expect(text).not.toContain(secret);

    // Off by default: the path is the web app's, not metrics.
    expect(await (await fetch(`${off.url}/metrics`)).text()).not.toContain('hearth_commands_total');
  });
});
