import { ErrorCode, type JoinResult } from '@hearth/shared';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/src/app.ts';
import { api, emitAck, type BoardClient, connectBoard } from '../support/boardClient.ts';
import { createParagraph, docFromRows, openNotes, synced, textOf, type NotesClient } from '../support/notesClient.ts';
import { ownPostgresSuite, startOwnPostgres, type OwnPostgres } from '../support/ownPostgres.ts';
import { freePort } from '../support/ownRedis.ts';
import { demoLogins, scheduleSession, startTestServer } from '../support/testServer.ts';
import { waitFor } from '../support/wait.ts';

/**
 * PostgreSQL itself going away and coming back — a server of the test's own, stopped (fast
 * shutdown: every connection cut) and started again: health says so, commands are refused with a
 * code instead of acknowledged, notes typed meanwhile are kept and saved once it is back, and the
 * process keeps running throughout.
 */
describe.skipIf(!ownPostgresSuite('PostgreSQL going away'))('PostgreSQL going away and coming back', () => {
  let pg: OwnPostgres;
  let server: RunningServer;
  let cookies: { a: string; b: string; supervisor: string };
  const clients: NotesClient[] = [];
  const sockets: BoardClient[] = [];

  beforeAll(async () => {
    pg = await startOwnPostgres(await freePort());
    server = await startTestServer({ DATABASE_URL: pg.url });
    cookies = await demoLogins(server.url);
  }, 60_000);
  afterAll(async () => {
    for (const c of clients) c.destroy();
    for (const s of sockets) s.close();
    await server?.close();
    await pg?.destroy();
  });

  it('answers health with 503 while it is down and 200 again after, refuses commands with a code, and loses no notes', async () => {
    const session = await scheduleSession(server.url, cookies.a);
    const a = await connectBoard(server.url, { cookie: cookies.a });
    sockets.push(a);
    expect(((await emitAck(a, 'join', { sessionId: session.id })) as JoinResult).ok).toBe(true);
    expect(await emitAck(a, 'command', { sessionId: session.id, id: 'start', command: { type: 'session.start' } })).toMatchObject({ ok: true });
    const notes = openNotes(server.url, session.id, cookies.a);
    clients.push(notes);
    await synced(notes);
    const text = createParagraph(notes.doc);
    text.insert(0, 'Before the outage.');
    const stored = async () => {
      const sql = postgres(pg.url, { max: 1, onnotice: () => undefined });
      try {
        return textOf(docFromRows(await sql<{ update: Uint8Array }[]>`select update from notes_updates where session_id = ${session.id}`));
      } finally {
        await sql.end();
      }
    };
    await waitFor(async () => (await stored()) === 'Before the outage.', 15_000, 'the first text stored');
    expect(await api(server.url, '/health')).toMatchObject({ status: 200, body: { ok: true, database: 'ok' } });

    await pg.stop();
    const down = await api<{ error: { code: string } }>(server.url, '/health');
    expect(down).toMatchObject({ status: 503, body: { error: { code: ErrorCode.UNAVAILABLE } } });
    // A command cannot be made durable: it is refused (never acknowledged), and the socket stays up.
    const refused = await emitAck(a, 'command', { sessionId: session.id, id: 'during', command: { type: 'item.start', itemId: 'a1' } });
    expect(refused.ok).toBe(false);
    expect(a.connected).toBe(true);
    // Typed while the database is away: kept in memory, saved when it is back.
    text.insert(text.length, ' Typed during it.');

    await pg.start();
    await waitFor(async () => (await api(server.url, '/health')).status === 200, 30_000, 'health back to 200');
    await waitFor(async () => (await stored().catch(() => '')) === 'Before the outage. Typed during it.', 30_000, 'the notes typed during the outage stored');
    // The refused command was never applied; sent again, it is.
    expect(await emitAck(a, 'command', { sessionId: session.id, id: 'during', command: { type: 'item.start', itemId: 'a1' } })).toMatchObject({ ok: true, duplicate: false });
  });
});
