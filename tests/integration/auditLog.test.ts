import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { AUDIT_CSV_COLUMNS, type AuditPage, type AuditVerification } from '@hearth/shared';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog, auditHash } from '../../server/src/store/AuditLog.ts';
import type { Db } from '../../server/src/store/Db.ts';
import { migrate, splitStatements } from '../../server/src/store/migrate.ts';
import { api } from '../support/boardClient.ts';
import { recordHttp } from '../support/contractTraffic.ts';
import { createParagraph, openNotes, synced, type NotesClient } from '../support/notesClient.ts';
import { useServerFixture } from '../support/serverFixture.ts';
import { STORAGE_ADAPTERS } from '../support/storageAdapters.ts';
import { scheduleSession } from '../support/testServer.ts';
import { waitFor } from '../support/wait.ts';

const run = promisify(execFile);
const MIGRATIONS = new URL('../../server/src/store/migrations/', import.meta.url);
const CHAIN_MIGRATION = '018_audit_chain.sql';

/** Applies the migrations before the audit chain's, as a database of the release before had them. */
async function migrateBeforeChain(db: Db): Promise<void> {
  await db.exec('create table schema_migrations (name text primary key, applied_at timestamptz not null default now())');
  for (const name of (await readdir(MIGRATIONS)).filter((f) => f.endsWith('.sql') && f < CHAIN_MIGRATION).sort()) {
    const sql = await readFile(new URL(name, MIGRATIONS), 'utf8');
    await db.transaction(async (tx) => {
      for (const statement of splitStatements(sql)) await tx.query(statement);
      await tx.query('insert into schema_migrations (name) values ($1)', [name]);
    });
  }
}

const refusal = (q: Promise<unknown>) => q.then(() => 'allowed', (e: Error) => e.message);

/** Text that canonical JSON must escape exactly as RFC 8785 says, in SQL and in code alike. */
const AWKWARD = 'quote " backslash \\ newline \n tab \t bell \u0007 é ☕ 𝄞';

/**
 * The audit log as evidence, on both storage adapters: the migration chains the entries written
 * before it (hashing in SQL what the code recomputes), appends keep one chain per organization
 * however many writers race, and the database refuses to change or delete an entry.
 */
describe.each(STORAGE_ADAPTERS)('the audit chain on $name', (adapter) => {
  let db: Db;
  let second: Db;
  let cleanup: () => Promise<void>;
  const org = randomUUID();
  const account = randomUUID();
  const group = randomUUID();
  const member = randomUUID();

  beforeAll(async () => {
    ({ db, second, cleanup } = await adapter.open());
  });
  afterAll(() => cleanup());

  it('chains the entries written before the migration, organization by organization', async () => {
    await migrateBeforeChain(db);
    await db.query('insert into organizations (id, name) values ($1, $2)', [org, 'Riverside']);
    await db.query(`insert into accounts (id, organization_id, email, display_name, password_hash) values ($1, $2, 'jo@riverside.example', 'Jo', '')`, [account, org]);
    await db.query(`insert into groups (id, organization_id, name) values ($1, $2, 'Tuesday')`, [group, org]);
    await db.query(`insert into roster_members (id, group_id, alias, position) values ($1, $2, 'Maple', 1)`, [member, group]);
    const old: [string, string | null, string, string | null, string | null][] = [
      ['clinician', account, 'login', null, '10.0.0.1'],
      ['anonymous', null, 'login.failed', 'jo@riverside.example', '10.0.0.2'],
      ['anonymous', null, 'login.failed', 'nobody@elsewhere.example', null],
      ['member', member, 'member.join', AWKWARD, '::1'],
      ['facilitator', account, 'notes.open', randomUUID(), AWKWARD]
    ];
    for (const [role, id, action, target, ip] of old) {
      await db.query('insert into audit_log (actor_role, actor_id, action, target, ip) values ($1, $2, $3, $4, $5)', [role, id, action, target, ip]);
    }
    // The chain's migration first, then whatever came after it.
    const later = (await readdir(MIGRATIONS)).filter((f) => f.endsWith('.sql') && f >= CHAIN_MIGRATION).sort();
    expect(await migrate(db)).toEqual(later);
    expect(later[0]).toBe(CHAIN_MIGRATION);

    const rows = await db.query<{ action: string; organization_id: string | null; chain_seq: number }>('select action, organization_id::text as organization_id, chain_seq from audit_log order by id');
    expect(rows).toEqual([
      { action: 'login', organization_id: org, chain_seq: 1 },
      { action: 'login.failed', organization_id: org, chain_seq: 2 },
      { action: 'login.failed', organization_id: null, chain_seq: 1 },
      { action: 'member.join', organization_id: org, chain_seq: 3 },
      { action: 'notes.open', organization_id: org, chain_seq: 4 }
    ]);
    const audit = new AuditLog(db);
    expect(await audit.verify(org)).toMatchObject({ ok: true, entries: 4, firstBreak: null, head: { chainSeq: 4 } });
    expect(await audit.verify(null)).toMatchObject({ ok: true, entries: 1, firstBreak: null });

    // Later entries carry on the same chains, with the organization derived the same way.
    await audit.record({ actorRole: 'member', actorId: member, action: 'board.open', target: AWKWARD });
    await audit.record({ actorRole: 'anonymous', actorId: null, action: 'passkey.refused', ip: '10.0.0.3' });
    expect(await audit.verify(org)).toMatchObject({ ok: true, entries: 5 });
    expect(await audit.verify(null)).toMatchObject({ ok: true, entries: 2 });
    const [entry] = await audit.page(org, { limit: 1 });
    expect(entry).toMatchObject({ action: 'board.open', chainSeq: 5, actor: { id: member, name: 'Maple', role: 'member' }, target: AWKWARD });
  });

  it('numbers concurrent appends without a fork', async () => {
    const writers = [new AuditLog(db), new AuditLog(second)];
    await Promise.all(Array.from({ length: 40 }, (_, n) => writers[n % 2]!.record({ actorRole: 'clinician', actorId: account, action: 'record.view', target: `r${n}` })));
    const seqs = await db.query<{ chain_seq: number }>('select chain_seq from audit_log where organization_id = $1 order by chain_seq', [org]);
    expect(seqs.map((r) => Number(r.chain_seq))).toEqual(Array.from({ length: 45 }, (_, n) => n + 1));
    expect(await writers[0]!.verify(org)).toMatchObject({ ok: true, entries: 45 });
  });

  it('refuses to change, delete or truncate an entry', async () => {
    expect(await refusal(db.query(`update audit_log set action = 'nothing'`))).toMatch(/append-only/);
    expect(await refusal(db.query('delete from audit_log'))).toMatch(/append-only/);
    expect(await refusal(db.query('truncate audit_log'))).toMatch(/append-only/);
    // A forged entry at the chain's next place, with a hash of its own making, is named.
    const [head] = await db.query<{ hash: string; chain_seq: number }>('select hash, chain_seq from audit_log where organization_id = $1 order by chain_seq desc limit 1', [org]);
    const [forged] = await db.query<{ id: string }>(
      `insert into audit_log (organization_id, chain_seq, actor_role, actor_id, action, prev_hash, hash) values ($1, $2, 'clinician', $3, 'login', $4, $5) returning id::text as id`,
      [org, Number(head!.chain_seq) + 1, account, head!.hash, 'f'.repeat(64)]
    );
    expect(await new AuditLog(db).verify(org)).toMatchObject({ ok: false, firstBreak: { entryId: forged!.id, problem: expect.stringContaining('changed') } });
  });
});

/**
 * The organization's audit log over the API, for its administrators (the demo's first facilitator
 * is one; the supervisor is not): pages, the CSV, the chain's check — which names a tampered entry,
 * as `npm run admin -- verify-audit` does — and the clinical reads it now records.
 */
describe('the audit log over the API', () => {
  const fx = useServerFixture();
  let sql: postgres.Sql;
  let notes: NotesClient | undefined;
  let sessionId = '';
  const NOTE_TEXT = 'Talked about the anniversary of a loss; grounding helped.';

  beforeAll(() => {
    sql = postgres(fx.databaseUrl, { max: 2, onnotice: () => undefined });
  });
  afterAll(async () => {
    notes?.destroy();
    await sql.end();
  });

  const admin = <T>(path: string) => api<T>(fx.server.url, `/organization/audit${path}`, { cookie: fx.cookies.a });
  const csv = async (cookie: string) => {
    const res = await fetch(`${fx.server.url}/api/organization/audit.csv`, { headers: { cookie } });
    const text = await res.text();
    recordHttp('GET', '/api/organization/audit.csv', res.status, res.headers.get('content-type')?.startsWith('text/csv') ? text : JSON.parse(text));
    return { status: res.status, type: res.headers.get('content-type'), disposition: res.headers.get('content-disposition'), text };
  };
  const cli = (args: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'server/src/admin/adminCli.ts', 'verify-audit', ...args], { env: { ...process.env, DATABASE_URL: fx.databaseUrl, LOG_LEVEL: 'silent' } }).then(
      (r) => ({ code: 0, out: r.stdout }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr })
    );

  it('records who opened notes and read a record, never what they say', async () => {
    const session = await scheduleSession(fx.server.url, fx.cookies.a, 'Audited group');
    sessionId = session.id;
    notes = openNotes(fx.server.url, sessionId, fx.cookies.a);
    await synced(notes);
    createParagraph(notes.doc).insert(0, NOTE_TEXT);
    const cmd = (id: string, type: string) => api(fx.server.url, `/sessions/${sessionId}/commands`, { cookie: fx.cookies.a, body: { id, command: { type } } });
    expect((await cmd('start', 'session.start')).status).toBe(200);
    expect((await cmd('end', 'session.end')).status).toBe(200);
    const take = () => api(fx.server.url, `/sessions/${sessionId}/record`, { cookie: fx.cookies.a, body: {} });
    await waitFor(async () => (await take()).status === 200, 20_000, 'the draft taken once the notes are saved');
    // Taking it again reads it: that is a view as much as GET is.
    expect((await take()).status).toBe(200);
    expect((await api(fx.server.url, `/sessions/${sessionId}/record`, { cookie: fx.cookies.supervisor })).status).toBe(200);

    const { status, body } = await admin<AuditPage>('?limit=200');
    expect(status).toBe(200);
    const [record] = await sql<{ id: string }[]>`select id::text from records where session_id = ${sessionId}`;
    const recordId = record!.id;
    const about = (target: string) => body.entries.filter((e) => e.target === target).map((e) => `${e.action} by ${e.actor.name} (${e.actor.role})`);
    expect(about(sessionId)).toContain('notes.open by Alex Rivera (facilitator)');
    expect(about(recordId)).toEqual(['record.view by Dr. Morgan Lee (supervisor)', 'record.view by Alex Rivera (facilitator)', 'record.draft by Alex Rivera (facilitator)']);
    expect(JSON.stringify(body)).not.toContain('anniversary');
  });

  it('pages newest first, for administrators only, and refuses bad queries with their codes', async () => {
    const first = await admin<AuditPage>('?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.entries).toHaveLength(2);
    expect(first.body.entries[0]).toMatchObject({ action: 'audit.view', actor: { name: 'Alex Rivera', role: 'clinician' } });
    const ids = first.body.entries.map((e) => Number(e.id));
    expect(ids[0]).toBeGreaterThan(ids[1]!);
    const next = await admin<AuditPage>(`?limit=2&before=${first.body.nextBefore}`);
    expect(Number(next.body.entries[0]!.id)).toBeLessThan(ids[1]!);
    // Turning pages is not audited again; only opening the log is.
    const latest = await admin<AuditPage>(`?before=${Number.MAX_SAFE_INTEGER}&limit=1`);
    expect(latest.body.entries[0]!.id).toBe(String(ids[0]));

    for (const path of ['', '.csv', '/verify']) {
      const res = await api<{ error: { code: string } }>(fx.server.url, `/organization/audit${path}`, { cookie: fx.cookies.supervisor });
      expect(res, path).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
      expect((await api(fx.server.url, `/organization/audit${path}`)).status, path).toBe(401);
    }
    for (const query of ['?limit=0', '?limit=201', '?limit=many', '?before=-3', '?before=1.5', '?limit=1&limit=2', '?page=2']) {
      expect(await admin(query), query).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
    }
  });

  it('exports CSV with who, what, when and from where, and nothing clinical', async () => {
    const res = await csv(fx.cookies.a);
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/csv/);
    expect(res.disposition).toMatch(/^attachment; filename="hearth-audit-\d{4}-\d\d-\d\d\.csv"$/);
    const [header, ...lines] = res.text.trimEnd().split('\r\n');
    expect(header).toBe(AUDIT_CSV_COLUMNS.join(','));
    expect(header).toBe('entry_id,at,actor_name,actor_role,actor_id,action,target,ip,chain_seq,hash');
    expect(lines[0]).toMatch(/^"\d+","\d{4}-\d\d-\d\dT[\d:.]+Z","Alex Rivera","clinician","[0-9a-f-]{36}","audit\.export\.csv","","[^"]*","\d+","[0-9a-f]{64}"$/);
    expect(res.text).toContain('"notes.open"');
    expect(res.text).not.toContain('anniversary');
    expect((await csv(fx.cookies.supervisor)).status).toBe(403);
  });

  it('verifies the chain, and names a tampered entry over the API and with npm run admin -- verify-audit', { timeout: 120_000 }, async () => {
    const verify = () => admin<AuditVerification>('/verify');
    expect((await verify()).body).toMatchObject({ ok: true, firstBreak: null, head: { chainSeq: expect.any(Number) } });
    const healthy = await cli([]);
    expect(healthy.code, healthy.out).toBe(0);
    expect(healthy.out).toContain('organization Demo Counseling Practice');
    expect(healthy.out).toContain('every chain holds');

    // As a superuser, with the trigger off: who opened the notes rewritten.
    const [entry] = await sql<{ id: string }[]>`select id::text from audit_log where action = 'notes.open' and target = ${sessionId} order by id limit 1`;
    const tamper = (action: string) =>
      sql.begin(async (tx) => {
        await tx`alter table audit_log disable trigger audit_log_append_only`;
        await tx`update audit_log set action = ${action} where id = ${entry!.id}`;
        await tx`alter table audit_log enable trigger audit_log_append_only`;
      });
    await tamper('board.open');
    expect((await verify()).body).toMatchObject({ ok: false, firstBreak: { entryId: entry!.id, problem: expect.stringContaining('changed after it was written') } });
    const broken = await cli(['--organization', 'Demo Counseling Practice']);
    expect(broken.code).toBe(1);
    expect(broken.out).toMatch(new RegExp(`BROKEN organization Demo Counseling Practice .*\\(id ${entry!.id}\\): its hash does not match`));
    expect((await cli(['--organization', 'Nowhere'])).code).toBe(1);
    expect((await cli(['--email', 'x@y.example'])).code).toBe(2);

    // Put back, it holds again; an entry deleted leaves a hole that is named.
    await tamper('notes.open');
    expect((await verify()).body.ok).toBe(true);
    const [gone] = await sql<{ id: string; chain_seq: number }[]>`
      select id::text, chain_seq from audit_log where organization_id is not null order by chain_seq desc offset 3 limit 1`;
    const [after] = await sql<{ id: string }[]>`select id::text from audit_log where organization_id is not null and chain_seq = ${Number(gone!.chain_seq) + 1}`;
    await sql.begin(async (tx) => {
      await tx`alter table audit_log disable trigger audit_log_append_only`;
      await tx`delete from audit_log where id = ${gone!.id}`;
      await tx`alter table audit_log enable trigger audit_log_append_only`;
    });
    expect((await verify()).body).toMatchObject({ ok: false, firstBreak: { entryId: after!.id, problem: expect.stringContaining('one is missing') } });
  });

  it('hashes what verify recomputes', () => {
    // The hash covers every field: a guard against a field dropped from the link.
    const link = { organizationId: null, chainSeq: 1, at: '2025-01-01T00:00:00.000Z', actorRole: 'anonymous', actorId: null, action: 'login.failed', target: 'a@b.example', ip: null, prevHash: null };
    const hashes = new Set([auditHash(link), ...Object.keys(link).map((k) => auditHash({ ...link, [k]: k === 'chainSeq' ? 2 : 'x' }))]);
    expect(hashes.size).toBe(Object.keys(link).length + 1);
  });
});
