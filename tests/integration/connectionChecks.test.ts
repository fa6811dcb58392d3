import { NotesClose, NotesMessage, notesDocName, type JoinResult, type WireError } from '@hearth/shared';
import * as encoding from 'lib0/encoding';
import postgres from 'postgres';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { emitAck, login } from '../support/boardClient.ts';
import { createParagraph, notesUrl, openNotes, synced, upgradeStatus } from '../support/notesClient.ts';
import { useServerFixture } from '../support/serverFixture.ts';
import { DEMO_PASSWORD, FACILITATOR_A, FACILITATOR_B, scheduleSession, startTestServer } from '../support/testServer.ts';
import { waitFor } from '../support/wait.ts';

const RECHECK_S = 0.5;

/** Opens a raw notes connection (as a browser would, with the cookie) and resolves once it is open. */
function rawNotes(url: string, cookie: string): Promise<{ ws: WebSocket; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { cookie } });
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    ws.once('open', () => resolve({ ws, closed }));
    ws.once('error', reject);
  });
}

/**
 * What the connections promise beyond the happy path: a login that ends while its sockets are
 * silent still ends them at the periodic re-check (interval shortened here); malformed and oversized
 * notes frames close with their documented codes; and an upgrade during shutdown is answered 503.
 */
describe('connection checks', () => {
  const fx = useServerFixture({ CREDENTIAL_RECHECK_SECONDS: String(RECHECK_S) });

  it('ends a silent board socket (revoked) and notes connection (4401) when the login ends elsewhere', async () => {
    const cookie = await login(fx.server.url, FACILITATOR_B, DEMO_PASSWORD);
    const session = await scheduleSession(fx.server.url, fx.cookies.a);
    const socket = await fx.open({ cookie });
    expect(((await emitAck(socket, 'join', { sessionId: session.id })) as JoinResult).ok).toBe(true);
    const revoked: WireError[] = [];
    socket.on('revoked', (e) => revoked.push(e));
    const notes = openNotes(fx.server.url, session.id, cookie);
    await synced(notes);
    // Positive control: alive across several re-checks while the login is valid.
    await new Promise((r) => setTimeout(r, RECHECK_S * 3000));
    expect(socket.connected).toBe(true);
    expect(notes.closes).toEqual([]);

    // The login ends behind the sockets' backs (no logout request: an expiry, an admin's revocation).
    const sql = postgres(fx.databaseUrl, { max: 1, onnotice: () => undefined });
    try {
      await sql`update auth_sessions set revoked_at = now() where id = (select id from auth_sessions order by created_at desc limit 1)`;
    } finally {
      await sql.end();
    }
    await waitFor(() => revoked.length > 0 && !socket.connected, 10_000, 'the board socket revoked and closed');
    expect(revoked[0]!.code).toBe('UNAUTHENTICATED');
    await waitFor(() => notes.closes.includes(NotesClose.UNAUTHENTICATED), 10_000, 'notes closed with 4401');
    notes.destroy();
  });

  it('closes notes (4403) and the board socket (revoked, FORBIDDEN) at the re-check once the clinician is no longer staff of the group', async () => {
    const session = await scheduleSession(fx.server.url, fx.cookies.a);
    const notes = openNotes(fx.server.url, session.id, fx.cookies.supervisor);
    await synced(notes);
    const socket = await fx.open({ cookie: fx.cookies.supervisor });
    expect(((await emitAck(socket, 'join', { sessionId: session.id })) as JoinResult).ok).toBe(true);
    const revoked: WireError[] = [];
    socket.on('revoked', (e) => revoked.push(e));
    const sql = postgres(fx.databaseUrl, { max: 1, onnotice: () => undefined });
    try {
      const [row] = await sql<{ account_id: string; role: string }[]>`delete from group_staff where group_id = ${session.groupId} and role = 'supervisor' returning account_id, role`;
      await waitFor(() => notes.closes.includes(NotesClose.FORBIDDEN), 10_000, 'notes closed with 4403');
      await waitFor(() => revoked.length > 0 && !socket.connected, 10_000, 'the board socket revoked');
      expect(revoked[0]!.code).toBe('FORBIDDEN');
      await sql`insert into group_staff (group_id, account_id, role) values (${session.groupId}, ${row!.account_id}, ${row!.role})`;
    } finally {
      await sql.end();
      notes.destroy();
    }
  });

  it('keeps one client from speaking for another in awareness', async () => {
    const session = await scheduleSession(fx.server.url, fx.cookies.a);
    const [alex, sup, sam] = [openNotes(fx.server.url, session.id, fx.cookies.a), openNotes(fx.server.url, session.id, fx.cookies.supervisor), openNotes(fx.server.url, session.id, fx.cookies.b)];
    try {
      await Promise.all([alex, sup, sam].map((c) => synced(c)));
      alex.provider.awareness.setLocalStateField('user', { name: 'Alex' });
      const seenBySam = (id: number) => (sam.provider.awareness.getStates().get(id) as { user?: { name: string } } | undefined)?.user?.name;
      await waitFor(() => seenBySam(alex.doc.clientID) === 'Alex', 5000, 'Alex\'s state at Sam');
      // The supervisor's connection sends an update for Alex's client id, then one for its own.
      const forged = encoding.createEncoder();
      encoding.writeVarUint(forged, 1);
      encoding.writeVarUint(forged, alex.doc.clientID);
      encoding.writeVarUint(forged, 10_000);
      encoding.writeVarString(forged, JSON.stringify({ user: { name: 'Mallory' } }));
      const message = encoding.createEncoder();
      encoding.writeVarUint(message, NotesMessage.AWARENESS);
      encoding.writeVarUint8Array(message, encoding.toUint8Array(forged));
      sup.provider.ws!.send(encoding.toUint8Array(message));
      sup.provider.awareness.setLocalStateField('user', { name: 'Morgan' });
      // Positive control: what the supervisor said for itself, sent after the forgery, arrived.
      await waitFor(() => seenBySam(sup.doc.clientID) === 'Morgan', 5000, 'the supervisor\'s own state at Sam');
      expect(seenBySam(alex.doc.clientID)).toBe('Alex');
      expect(sup.closes).toEqual([]);
    } finally {
      for (const c of [alex, sup, sam]) c.destroy();
    }
  });

  it('closes a text frame and an unknown message type with 4400, and a frame over 4 MiB with 1009', async () => {
    const session = await scheduleSession(fx.server.url, fx.cookies.a);
    const url = `${notesUrl(fx.server.url)}/${notesDocName(session.id)}`;
    const text = await rawNotes(url, fx.cookies.a);
    text.ws.send('hello');
    expect(await text.closed).toBe(NotesClose.BAD_REQUEST);

    const unknown = await rawNotes(url, fx.cookies.a);
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 99);
    unknown.ws.send(encoding.toUint8Array(e));
    expect(await unknown.closed).toBe(NotesClose.BAD_REQUEST);

    const big = await rawNotes(url, fx.cookies.a);
    const frame = new Uint8Array(4 * 1024 * 1024 + 16);
    frame[0] = NotesMessage.SYNC;
    big.ws.send(frame);
    expect(await big.closed).toBe(1009);

    // Positive control: a well-formed connection is answered and stays open.
    const ok = await rawNotes(url, fx.cookies.a);
    const answered = new Promise<boolean>((r) => {
      ok.ws.once('message', () => r(true));
      setTimeout(() => r(false), 10_000).unref();
    });
    const hello = encoding.createEncoder();
    encoding.writeVarUint(hello, NotesMessage.SYNC);
    syncProtocol.writeSyncStep1(hello, new Y.Doc());
    ok.ws.send(encoding.toUint8Array(hello));
    expect(await answered).toBe(true);
    expect(ok.ws.readyState).toBe(WebSocket.OPEN);
    ok.ws.close();
  });
});

describe('an upgrade during shutdown', () => {
  const fx = useServerFixture();

  it('is answered 503 BUSY while the server saves the notes before it exits', async () => {
    // A second server on the same database, whose shutdown is held open: its last save waits on a lock.
    const server = await startTestServer({ DATABASE_URL: fx.databaseUrl });
    const cookie = await login(server.url, FACILITATOR_A, DEMO_PASSWORD);
    const session = await scheduleSession(server.url, cookie);
    const notes = openNotes(server.url, session.id, cookie);
    await synced(notes);
    createParagraph(notes.doc).insert(0, 'Saved at shutdown');
    const url = `${notesUrl(server.url)}/${notesDocName(session.id)}`;
    const locker = postgres(fx.databaseUrl, { max: 1, onnotice: () => undefined });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const transaction = locker.begin(async (tx) => {
      await tx`lock table notes_updates in access exclusive mode`;
      locked();
      await held;
    });
    await isLocked;
    const closing = server.close();
    try {
      await waitFor(async () => (await upgradeStatus(url, { cookie }).catch(() => 0)) === 503, 10_000, 'an upgrade answered 503');
    } finally {
      release();
      await transaction;
      await closing;
      await locker.end();
      notes.destroy();
    }
    // And what was typed was saved once the lock let go.
    const sql = postgres(fx.databaseUrl, { max: 1, onnotice: () => undefined });
    const rows = await sql`select 1 from notes_updates where session_id = ${session.id}`;
    await sql.end();
    expect(rows.length).toBeGreaterThan(0);
  });
});
