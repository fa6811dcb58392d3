import { NotesClose, type SessionSummary } from '@hearth/shared';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/src/app.ts';
import { loadConfig } from '../../server/src/config.ts';
import { createLogger } from '../../server/src/log.ts';
import { openPglite, type Db, type Queryable, type Row } from '../../server/src/store/Db.ts';
import { login } from '../support/boardClient.ts';
import { chars, createParagraph, docFromRows, openNotes, paragraph, synced, textOf, type, type NotesClient } from '../support/notesClient.ts';
import { startServerProcess, type ServerProcess } from '../support/serverProcess.ts';
import { createTestDatabase, type TestDatabase } from '../support/services.ts';
import { DEMO_PASSWORD, FACILITATOR_A, FACILITATOR_B, demoLogins, scheduleSession } from '../support/testServer.ts';
import { waitFor } from '../support/wait.ts';

/** A database whose every statement on notes_updates fails while `failing` is set: Postgres "down" for notes only. */
function notesFailing(db: Db, state: { failing: boolean }): Db {
  const check = (text: string) => {
    if (state.failing && text.includes('notes_updates')) throw new Error('simulated failure: notes_updates unavailable');
  };
  const wrap = (q: Queryable): Queryable => ({
    async query<T extends Row = Row>(text: string, params?: readonly unknown[]) {
      check(text);
      return q.query<T>(text, params);
    }
  });
  return {
    kind: db.kind,
    ...wrap(db),
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    exec: (script) => db.exec(script),
    close: () => db.close()
  };
}

type StoredRow = { id: string; update: Uint8Array };

describe('a notes document that cannot be loaded', () => {
  let raw: Db;
  const state = { failing: false };
  let server: RunningServer;
  let cookies: { a: string; b: string; supervisor: string };
  let session: SessionSummary;
  const clients: NotesClient[] = [];
  const rows = () => raw.query<StoredRow>('select id::text as id, update from notes_updates where session_id = $1 order by id', [session.id]);

  beforeAll(async () => {
    raw = await openPglite('memory://');
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DEMO: 'true', LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent', DATA_DIR: 'memory://' });
    server = await startServer(config, createLogger(config.logLevel), { db: notesFailing(raw, state) });
    cookies = await demoLogins(server.url);
    session = await scheduleSession(server.url, cookies.a);
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await server?.close();
  });

  it('refuses the connection with 4500, creates and stores nothing, and never replaces what is stored', async () => {
    // Notes that exist: typed, saved, and the document closed after its last connection.
    const a = openNotes(server.url, session.id, cookies.a);
    clients.push(a);
    await synced(a);
    createParagraph(a.doc).insert(0, 'Stored before the outage.');
    await waitFor(async () => textOf(docFromRows(await rows())) === 'Stored before the outage.', 15_000, 'the notes stored');
    a.destroy();
    await waitFor(() => !server.notes.isOpen(session.id), 5000, 'the document closed after its last connection');
    const before = await rows();

    state.failing = true;
    const b = openNotes(server.url, session.id, cookies.b);
    clients.push(b);
    await waitFor(() => b.closes.filter((c) => c === NotesClose.LOAD_FAILED).length >= 2, 10_000, 'two refusals with 4500 (the client retries)');
    expect(server.notes.isOpen(session.id)).toBe(false);
    expect(b.provider.synced).toBe(false);
    // Typed meanwhile, offline: kept by the client until the server can take it.
    createParagraph(b.doc).insert(0, 'Typed while the notes could not load.');
    state.failing = false;
    expect(await rows()).toEqual(before);

    await synced(b, 15_000);
    await waitFor(() => b.doc.getXmlFragment('general').length === 2, 5000, 'both paragraphs at B');
    const stored = await waitFor(async () => {
      const doc = docFromRows(await rows());
      const s = doc.getXmlFragment('general').toString();
      return s.includes('Stored before the outage.') && s.includes('Typed while the notes could not load.') ? s : null;
    }, 15_000, 'both paragraphs stored');
    // Both, once each: the stored notes are the merge, not one copy over the other.
    expect(stored.split('Stored before the outage.').length - 1).toBe(1);
    expect(stored.split('Typed while the notes could not load.').length - 1).toBe(1);
  });
});

/**
 * A server process killed with SIGKILL while two facilitators type: nothing typed before the kill
 * (saved or not) is lost, and edits made while it was down merge when the clients reconnect.
 */
describe('kill -9 while two facilitators type', () => {
  let db: TestDatabase;
  let sql: postgres.Sql;
  let proc: ServerProcess | undefined;
  const clients: NotesClient[] = [];
  // PGlite's files cannot be shared by two processes; Postgres outlives the server process.
  const env = () => ({ DATABASE_URL: db.url, DEMO: 'true' });

  beforeAll(async () => {
    db = await createTestDatabase();
    sql = postgres(db.url, { max: 2, onnotice: () => undefined });
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await proc?.stop();
    await sql?.end({ timeout: 5 });
    await db?.drop();
  });

  it('after the restart both hold the same text, and every character typed is there and stored', async () => {
    const first = await startServerProcess(env());
    proc = first;
    const [cookieA, cookieB] = await Promise.all([login(first.url, FACILITATOR_A, DEMO_PASSWORD), login(first.url, FACILITATOR_B, DEMO_PASSWORD)]);
    const session = await scheduleSession(first.url, cookieA);
    const a = openNotes(first.url, session.id, cookieA);
    const b = openNotes(first.url, session.id, cookieB);
    clients.push(a, b);
    await Promise.all([synced(a), synced(b)]);
    createParagraph(a.doc);
    const textB = await waitFor(() => paragraph(b.doc), 5000, 'the paragraph at B');
    const textA = paragraph(a.doc)!;

    // Phase 1: typed, converged and saved.
    let typedA = '';
    let typedB = '';
    const phase1 = await Promise.all([type(textA, 'abcdefghij', 100), type(textB, 'ABCDEFGHIJ', 100)]);
    typedA += phase1[0];
    typedB += phase1[1];
    await waitFor(() => textOf(a.doc).length === 200 && textOf(a.doc) === textOf(b.doc), 10_000, 'phase 1 converged');
    const rowsOf = () => sql.unsafe<{ update: Uint8Array }[]>('select update from notes_updates where session_id = $1', [session.id]);
    await waitFor(async () => textOf(docFromRows(await rowsOf())) === textOf(a.doc), 15_000, 'phase 1 stored');

    // Phase 2: both keep typing; when each has typed 100 more, the server is killed, and they go on typing offline.
    const keys = { a: 0, b: 0 };
    let killed: Promise<void> | null = null;
    let typedAtKill = 0;
    const maybeKill = () => {
      if (!killed && keys.a >= 100 && keys.b >= 100) {
        typedAtKill = 200 + keys.a + keys.b;
        killed = first.kill9();
      }
    };
    const phase2 = await Promise.all([
      type(textA, 'klmnopqrst', 300, (n) => ((keys.a = n), maybeKill())),
      type(textB, 'KLMNOPQRST', 300, (n) => ((keys.b = n), maybeKill()))
    ]);
    typedA += phase2[0];
    typedB += phase2[1];
    expect(killed).not.toBeNull();
    await killed;
    await waitFor(() => !a.provider.wsconnected && !b.provider.wsconnected, 5000, 'both providers disconnected');
    // What only the clients hold now: typed after the last save, and everything after the kill.
    expect(textOf(docFromRows(await rowsOf())).length).toBeLessThanOrEqual(typedAtKill);

    // The same port, so the providers find it again.
    proc = await startServerProcess({ ...env(), PORT: String(first.port) });
    await waitFor(() => textOf(a.doc).length === 800 && textOf(a.doc) === textOf(b.doc), 20_000, 'both texts equal with 800 characters');
    expect(chars(textOf(a.doc))).toBe(chars(typedA + typedB));
    await waitFor(async () => textOf(docFromRows(await rowsOf())) === textOf(a.doc), 15_000, 'the full text stored');
  });

  it('SIGTERM saves what was not saved yet before the process exits', async () => {
    await proc?.stop();
    // Saves an hour after a change: only the stop itself can have saved what is stored afterwards.
    proc = await startServerProcess({ ...env(), NOTES_SAVE_AFTER_SECONDS: '3600', NOTES_SAVE_WITHIN_SECONDS: '3600' });
    const running = proc;
    const cookieA = await login(running.url, FACILITATOR_A, DEMO_PASSWORD);
    const session = await scheduleSession(running.url, cookieA);
    const a = openNotes(running.url, session.id, cookieA);
    const watcher = openNotes(running.url, session.id, cookieA);
    clients.push(a, watcher);
    await Promise.all([synced(a), synced(watcher)]);
    createParagraph(a.doc).insert(0, 'Typed just before the deploy.');
    // The server has it once another client does, and has not saved it.
    await waitFor(() => textOf(watcher.doc) === 'Typed just before the deploy.', 5000, 'the text at the watcher');
    const before = await sql.unsafe<{ update: Uint8Array }[]>('select update from notes_updates where session_id = $1', [session.id]);
    expect(textOf(docFromRows(before))).toBe('');
    const closes = a.closes.length;
    await running.stop();
    expect(running.child.exitCode).toBe(0);
    expect(a.closes.slice(closes)).toContain(NotesClose.GOING_AWAY);
    const rows = await sql.unsafe<{ update: Uint8Array }[]>('select update from notes_updates where session_id = $1', [session.id]);
    expect(textOf(docFromRows(rows))).toBe('Typed just before the deploy.');
  });
});
