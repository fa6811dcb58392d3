import { randomUUID } from 'node:crypto';
import { NOTES_READ_ONLY_REASON, NotesClose, notesDocName, type SessionSummary } from '@hearth/shared';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/src/app.ts';
import { notesText } from '../../server/src/notes/sections.ts';
import { api, login } from '../support/boardClient.ts';
import { boardAt } from '../support/probes.ts';
import {
  chars,
  createParagraph,
  docFromRows,
  notesUrl,
  openNotes,
  paragraph,
  synced,
  textOf,
  type,
  upgradeStatus,
  type NotesClient
} from '../support/notesClient.ts';
import { createTestDatabase, type TestDatabase } from '../support/services.ts';
import { DEMO_PASSWORD, FACILITATOR_B, demoLogins, joinAsMember, scheduleSession, startTestServer } from '../support/testServer.ts';
import { waitFor } from '../support/wait.ts';

type Row = { id: string; update: Uint8Array };

/** The stored notes of a session, merged from every row, as their general section's text. */
async function storedText(sql: postgres.Sql, sessionId: string): Promise<{ text: string; rows: Row[] }> {
  const rows = await sql.unsafe<Row[]>('select id::text as id, update from notes_updates where session_id = $1 order by id', [sessionId]);
  return { text: textOf(docFromRows(rows)), rows: [...rows] };
}

/**
 * The notes endpoint against a real server with the stock y-websocket client: who may open notes,
 * read-only supervisors, logout, concurrent typing, and what Postgres holds.
 */
describe('notes over y-websocket', () => {
  let db: TestDatabase;
  let sql: postgres.Sql;
  let server: RunningServer;
  let cookies: { a: string; b: string; supervisor: string };
  let session: SessionSummary;
  const clients: NotesClient[] = [];

  const open = (cookie: string | undefined, sessionId = session.id, opts: { origin?: string } = {}) => {
    const c = openNotes(server.url, sessionId, cookie, opts);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    sql = postgres(db.url, { max: 2, onnotice: () => undefined });
    server = await startTestServer({ DATABASE_URL: db.url });
    cookies = await demoLogins(server.url);
    session = await scheduleSession(server.url, cookies.a);
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await server?.close();
    await sql?.end({ timeout: 5 });
    await db?.drop();
  });

  it('two facilitators type concurrently into one paragraph and converge; Postgres holds the same text', async () => {
    const a = open(cookies.a);
    const b = open(cookies.b);
    await Promise.all([synced(a), synced(b)]);
    createParagraph(a.doc);
    const textB = await waitFor(() => paragraph(b.doc), 5000, 'the paragraph at B');
    const [typedA, typedB] = await Promise.all([type(paragraph(a.doc)!, 'abcdefghij', 300), type(textB, 'KLMNOPQRST', 300)]);
    await waitFor(() => textOf(a.doc).length === 600 && textOf(a.doc) === textOf(b.doc), 10_000, 'both texts equal with 600 characters');
    expect(chars(textOf(a.doc))).toBe(chars(typedA + typedB));
    // Saved about 2 s after the last keystroke (at most 10 s after the first).
    const stored = await waitFor(async () => {
      const s = await storedText(sql, session.id);
      return s.text === textOf(a.doc) ? s : null;
    }, 15_000, 'the typed text in notes_updates');
    expect(stored.rows.length).toBe(1);
  });

  it('a supervisor receives the notes but cannot edit them: the edit is refused, reaches no one and is not stored', async () => {
    const a = open(cookies.a);
    const b = open(cookies.b);
    const sup = open(cookies.supervisor);
    await Promise.all([synced(a), synced(b), synced(sup)]);
    const before = textOf(a.doc);
    expect(textOf(sup.doc)).toBe(before);

    // Facilitators see who is watching: the supervisor's awareness is relayed.
    sup.provider.awareness.setLocalStateField('user', { name: 'Morgan', role: 'supervisor' });
    await waitFor(() => a.provider.awareness.getStates().get(sup.doc.clientID), 5000, 'the supervisor\'s awareness at A');

    paragraph(sup.doc)!.insert(0, 'SUPERVISOR-EDIT ');
    createParagraph(sup.doc).insert(0, 'SUPERVISOR-PARAGRAPH');
    await waitFor(() => sup.denied.length >= 2, 5000, 'permission denied for both edits');
    expect(sup.denied[0]).toBe(NOTES_READ_ONLY_REASON);

    // A barrier: a facilitator's later edit reaches everyone, so anything the supervisor sent earlier would have too.
    paragraph(a.doc)!.insert(0, '[marker]');
    await waitFor(
      () => textOf(b.doc).startsWith('[marker]') && sup.doc.getXmlFragment('general').toString().includes('[marker]'),
      5000,
      'the marker at B and the supervisor'
    );
    expect(b.doc.getXmlFragment('general').toString()).not.toContain('SUPERVISOR');
    expect(a.doc.getXmlFragment('general').toString()).not.toContain('SUPERVISOR');
    const stored = await waitFor(async () => {
      const s = await storedText(sql, session.id);
      return s.text.startsWith('[marker]') ? s : null;
    }, 15_000, 'the marker stored');
    expect(docFromRows(stored.rows).getXmlFragment('general').toString()).not.toContain('SUPERVISOR');
    // The supervisor's connection stays open: refusing an edit is not a reason to disconnect.
    expect(sup.provider.wsconnected).toBe(true);
    expect(sup.closes).toEqual([]);
  });

  it('refuses members, strangers, other origins, bad paths and unknown sessions at the upgrade', async () => {
    const url = `${notesUrl(server.url)}/${notesDocName(session.id)}`;
    const memberToken = await joinAsMember(server.url, session, 'River');
    expect(await upgradeStatus(url)).toBe(401);
    expect(await upgradeStatus(url, { cookie: 'hearth_session=not-a-real-token' })).toBe(401);
    expect(await upgradeStatus(`${url}?token=${memberToken}`)).toBe(403);
    expect(await upgradeStatus(url, { authorization: `Bearer ${memberToken}` })).toBe(403);
    expect(await upgradeStatus(url, { cookie: cookies.a, origin: 'https://evil.example' })).toBe(403);
    expect(await upgradeStatus(`${notesUrl(server.url)}/notes:not-a-uuid`, { cookie: cookies.a })).toBe(400);
    expect(await upgradeStatus(`${notesUrl(server.url)}/board:${session.id}`, { cookie: cookies.a })).toBe(400);
    expect(await upgradeStatus(`${notesUrl(server.url)}/${notesDocName(randomUUID())}`, { cookie: cookies.a })).toBe(404);
    // The same doors open for a facilitator and a supervisor.
    expect(await upgradeStatus(url, { cookie: cookies.a, origin: server.url })).toBe(101);
    expect(await upgradeStatus(url, { cookie: cookies.supervisor })).toBe(101);
    // Socket.IO still has its own path.
    expect(await upgradeStatus(`${server.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`)).toBe(101);
  });

  it('a member\'s stock provider never connects', async () => {
    const memberToken = await joinAsMember(server.url, session, 'Sparrow');
    const m = openNotes(server.url, session.id, undefined, { params: { token: memberToken } });
    clients.push(m);
    let errors = 0;
    m.provider.on('connection-error', () => errors++);
    await waitFor(() => errors >= 1, 5000, 'a refused connection');
    expect(m.provider.wsconnected).toBe(false);
    expect(m.doc.getXmlFragment('general').length).toBe(0);
    m.destroy();
  });

  it('logging out closes the notes connection at once, and the client does not come back', async () => {
    const cookie = await login(server.url, FACILITATOR_B, DEMO_PASSWORD);
    const c = open(cookie);
    await synced(c);
    let closed: { code: number; reason: string } | null = null;
    c.provider.on('closed', (e) => (closed = e));
    const res = await api(server.url, '/auth/logout', { cookie, body: {} });
    expect(res.status).toBeLessThan(300);
    await waitFor(() => c.closes.includes(NotesClose.UNAUTHENTICATED), 5000, 'close 4401');
    await waitFor(() => closed, 5000, 'the provider giving up');
    expect(c.provider.shouldConnect).toBe(false);
  });

  it('each member has a section of their own, and facilitators write in it', async () => {
    const { state } = await boardAt(server.url, { cookie: cookies.a }, session.id);
    const member = state.roster[0]!;
    const a = open(cookies.a);
    const b = open(cookies.b);
    await Promise.all([synced(a), synced(b)]);
    const section = `member:${member.memberId}`;
    createParagraph(a.doc, section).insert(0, `${member.alias} named a goal.`);
    await waitFor(() => textOf(b.doc, section) === `${member.alias} named a goal.`, 5000, 'the member section at B');
    // What the record will take: the stored document, section by section, as plain text.
    const stored = await waitFor(async () => {
      const { rows } = await storedText(sql, session.id);
      const text = notesText(docFromRows(rows), state.roster);
      return text.members[0]?.text ? text : null;
    }, 15_000, 'the member section stored');
    expect(stored.members[0]).toEqual({ memberId: member.memberId, alias: member.alias, text: `${member.alias} named a goal.` });
    expect(stored.members.slice(1).every((m) => m.text === '')).toBe(true);
  });
});
