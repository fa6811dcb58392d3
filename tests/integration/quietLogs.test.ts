import { sectionName, type JoinResult } from '@hearth/shared';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, connectBoard, emitAck, login, type BoardClient } from '../support/boardClient.ts';
import { createParagraph, openNotes, synced, type NotesClient } from '../support/notesClient.ts';
import { startServerProcess, type ServerProcess } from '../support/serverProcess.ts';
import { createTestDatabase, type TestDatabase } from '../support/services.ts';
import { DEMO_PASSWORD, FACILITATOR_A, FACILITATOR_B, SUPERVISOR, joinAsMember, scheduleSession } from '../support/testServer.ts';
import { waitFor } from '../support/wait.ts';

/** Clinical text written during the run, each a marker to search the logs and the audit log for. */
const MARK = {
  notes: 'MARK-NOTES general observation',
  memberNotes: 'MARK-MEMBER narrative about Maple',
  guidance: 'MARK-GUIDANCE watch the pace',
  flag: 'MARK-FLAG raised voices',
  followUp: 'MARK-FOLLOWUP called after',
  cue: 'MARK-CUE slow down',
  correction: 'MARK-CORRECTION joined by phone',
  resource: 'MARK-RESOURCE breathing sheet',
  summary: 'MARK-SUMMARY edited in review',
  addendum: 'MARK-ADDENDUM late information'
} as const;

/**
 * What a process writes to its logs at the most detailed level while every clinical act happens —
 * notes, guidance, flags, cues, corrections, resources, the record's review, signatures and an
 * addendum, and a bad request or two — holds none of the clinical text; nor does the audit log,
 * which records each notes connection (`notes.open`: who, which session, role, address).
 */
describe('logs and the audit log hold no clinical content', () => {
  let db: TestDatabase;
  let proc: ServerProcess;
  const sockets: BoardClient[] = [];
  const notes: NotesClient[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    proc = await startServerProcess({ DATABASE_URL: db.url, DEMO: 'true', LOG_LEVEL: 'debug' });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    for (const n of notes) n.destroy();
    await proc?.stop();
    await db?.drop();
  });

  it('logs none of it at debug level, and audits each notes connection without content', async () => {
    const url = proc.url;
    const [a, b, sup] = [await login(url, FACILITATOR_A, DEMO_PASSWORD), await login(url, FACILITATOR_B, DEMO_PASSWORD), await login(url, SUPERVISOR, DEMO_PASSWORD)];
    const session = await scheduleSession(url, a);
    const maple = await joinAsMember(url, session, 'Maple');
    const open = async (auth: { cookie?: string; token?: string }) => {
      const s = await connectBoard(url, auth);
      sockets.push(s);
      return (await emitAck(s, 'join', { sessionId: session.id })) as Extract<JoinResult, { ok: true }>;
    };
    const joined = await open({ cookie: a });
    const [socketA] = sockets;
    await open({ cookie: sup });
    await open({ token: maple });
    const mapleId = (joined as Extract<JoinResult, { ok: true; mode: 'snapshot' }>).state.roster.find((r) => r.alias === 'Maple')!.memberId;
    const cmd = async (id: string, command: unknown, socket = socketA!) => expect(await emitAck(socket, 'command', { sessionId: session.id, id, command })).toMatchObject({ ok: true });

    await cmd('g', { type: 'agenda.set_guidance', itemId: 'a1', guidance: MARK.guidance });
    await cmd('s', { type: 'session.start' });
    await cmd('f', { type: 'flag.raise', flagId: 'f1', category: 'distress', severity: 'moderate', memberIds: [mapleId], note: MARK.flag });
    await cmd('fu', { type: 'flag.follow_up', flagId: 'f1', note: MARK.followUp });
    await cmd('c', { type: 'cue.send', cueId: 'c1', text: MARK.cue }, sockets[1]);
    await cmd('r', { type: 'resource.share', shareId: 'r1', title: MARK.resource, body: MARK.resource, url: null, memberId: mapleId });
    // Bad input carrying clinical text: refused, and the text is not echoed into the logs.
    await emitAck(socketA!, 'command', { sessionId: session.id, id: 'bad', command: { type: 'flag.raise', note: MARK.flag, severity: 'nonsense' } });
    await api(url, `/sessions/${session.id}/commands`, { cookie: a, body: { id: 'bad2', command: { type: 'cue.send', text: MARK.cue } } });

    const editor = openNotes(url, session.id, a);
    notes.push(editor, openNotes(url, session.id, sup));
    await Promise.all(notes.map((n) => synced(n)));
    editor.doc.transact(() => {
      createParagraph(editor.doc).insert(0, MARK.notes);
      createParagraph(editor.doc, sectionName(mapleId)).insert(0, MARK.memberNotes);
    });
    await cmd('end', { type: 'session.end' });
    await cmd('ac', { type: 'attendance.correct', memberId: mapleId, status: 'late', reason: MARK.correction });
    await cmd('res', { type: 'flag.resolve', flagId: 'f1', outcome: MARK.followUp });

    // The record: taken, its summary edited, every absence confirmed, signed three times, amended.
    const rec = (cookie: string, path = '', body?: unknown, method?: string) => api<{ guards: { kind: string; memberId?: string }[]; status: string }>(url, `/sessions/${session.id}/record${path}`, { cookie, ...(body !== undefined && { body }), ...(method && { method }) });
    const taken = await rec(a, '', {});
    expect(taken.status).toBe(200);
    for (const g of taken.body.guards) if (g.kind === 'attendance-unconfirmed') await cmd(`abs-${g.memberId}`, { type: 'attendance.correct', memberId: g.memberId, status: 'absent', reason: 'not there' });
    expect((await rec(a, '/summary', { summary: MARK.summary }, 'PUT')).status).toBe(200);
    for (const cookie of [a, b, sup]) expect((await rec(cookie, '/signatures', { password: DEMO_PASSWORD })).status).toBe(200);
    expect((await rec(a, '/addenda', { password: DEMO_PASSWORD, reason: MARK.addendum, text: MARK.addendum })).status).toBe(200);
    expect((await rec(a, '/addenda', { password: 'wrong', reason: MARK.addendum, text: MARK.addendum })).status).toBe(401);

    const sql = postgres(db.url, { max: 1, onnotice: () => undefined });
    try {
      const audit = await sql<{ actor_role: string; actor_id: string; action: string; target: string; ip: string }[]>`select actor_role, actor_id, action, target, ip from audit_log`;
      const opens = audit.filter((r) => r.action === 'notes.open');
      expect(opens.map((r) => r.actor_role).sort()).toEqual(['facilitator', 'supervisor']);
      expect(opens.every((r) => r.target === session.id && r.ip.includes('127.0.0.1'))).toBe(true);
      for (const text of Object.values(MARK)) expect(JSON.stringify(audit), text).not.toContain(text);
    } finally {
      await sql.end();
    }
    // Positive control: the process did log at debug level while all this happened.
    await waitFor(() => proc.output().split('\n').length > 5, 5000, 'log lines');
    const logs = proc.output();
    for (const text of [...Object.values(MARK), 'MARK-']) expect(logs, text).not.toContain(text);
  });
});
