import type { JoinResult, SessionSummary } from '@hearth/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/src/app.ts';
import { loadConfig } from '../../server/src/config.ts';
import { createLogger } from '../../server/src/log.ts';
import { openPglite } from '../../server/src/store/Db.ts';
import { connectBoard, emitAck, type BoardClient } from '../support/boardClient.ts';
import { recording } from '../support/recordingDb.ts';
import { demoGroup, demoLogins, joinAsMember, scheduleSession } from '../support/testServer.ts';

const RECHECK_SECONDS = 1;

/**
 * The sockets' periodic credential re-check asks the database once per login and once for all the
 * member tokens that are due together, not once per socket: many sockets of one clinician, and a
 * group's members, cost a statement or two a sweep.
 */
describe('the credential re-check of open sockets', () => {
  const texts: string[] = [];
  let server: RunningServer;
  let session: SessionSummary;
  const sockets: BoardClient[] = [];

  beforeAll(async () => {
    const raw = await openPglite('memory://');
    const config = loadConfig({
      PORT: '0', HOST: '127.0.0.1', DEMO: 'true', LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent', DATA_DIR: 'memory://',
      CREDENTIAL_RECHECK_SECONDS: String(RECHECK_SECONDS)
    });
    server = await startServer(config, createLogger(config.logLevel), { db: recording(raw, texts) });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await server?.close();
  });

  it('asks once per login and once per batch of member tokens, and keeps every valid socket open', async () => {
    const cookies = await demoLogins(server.url);
    session = await scheduleSession(server.url, cookies.a);
    const group = await demoGroup(server.url, cookies.a);
    const tokens = await Promise.all(group.members.map((m) => joinAsMember(server.url, { id: session.id, groupId: group.id }, m.alias)));
    // Four tabs of one facilitator and every member, connected together.
    const connected = await Promise.all([
      ...[1, 2, 3, 4].map(() => connectBoard(server.url, { cookie: cookies.a })),
      ...tokens.map((token) => connectBoard(server.url, { token }))
    ]);
    sockets.push(...connected);
    const joined = await Promise.all(connected.map((s) => emitAck(s, 'join', { sessionId: session.id }) as Promise<JoinResult>));
    expect(joined.every((j) => j.ok)).toBe(true);

    texts.length = 0;
    await new Promise((resolve) => setTimeout(resolve, RECHECK_SECONDS * 2500));
    const memberLookups = texts.filter((t) => t.includes('from member_tokens')).length;
    const loginLookups = texts.filter((t) => t.includes('from auth_sessions')).length;
    // Each socket was due twice in that time: one statement per socket would be 2 × 4 logins and 2 × members.
    expect(memberLookups).toBeGreaterThanOrEqual(1);
    expect(memberLookups).toBeLessThanOrEqual(4);
    expect(memberLookups).toBeLessThan(tokens.length);
    expect(loginLookups).toBeGreaterThanOrEqual(1);
    expect(loginLookups).toBeLessThanOrEqual(4);
    expect(connected.every((s) => s.connected)).toBe(true);
  });
});
