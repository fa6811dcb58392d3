import { execFile } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { RecordExport } from '@hearth/shared';
import { openDb } from '../server/src/app.ts';
import { loadConfig } from '../server/src/config.ts';
import { RecordStore } from '../server/src/records/RecordStore.ts';
import { api } from '../tests/support/boardClient.ts';
import { startServerProcess } from '../tests/support/serverProcess.ts';
import { DEMO_PASSWORD, demoLogins, scheduleSession } from '../tests/support/testServer.ts';
import { summarize, type BenchResult } from './stats.ts';

const RECORDS = 30;
const CHAIN = 10_000;
const VERIFY_RUNS = 5;
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const run = promisify(execFile);

const ms = async (fn: () => Promise<unknown>): Promise<number> => {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
};

/**
 * Records: the finalizing signature against the server in its own process (the last signature →
 * content hash → chained insert), beside a signature that does not finalize and a bare insert of
 * the same row; then, in this process on the same database, appends to a group's chain until it
 * holds 10,000 entries and times `verify-records` over it, beside a bare read of the same rows.
 */
export async function recordsBenchmarks(env: Record<string, string>, storeName: string): Promise<Record<string, BenchResult>> {
  const finalSign: number[] = [];
  const coSign: number[] = [];
  let groupId = '';
  let exported: RecordExport | undefined;
  const server = await startServerProcess({ DEMO: 'true', ...env });
  try {
    const cookies = await demoLogins(server.url);
    for (let n = 0; n < RECORDS; n++) {
      const session = await scheduleSession(server.url, cookies.a, `Bench record ${n}`);
      groupId = session.groupId;
      const command = (id: string, c: unknown) => api(server.url, `/sessions/${session.id}/commands`, { cookie: cookies.a, body: { id, command: c } });
      await command(`s${n}`, { type: 'session.start' });
      await command(`e${n}`, { type: 'session.end' });
      // Nobody joined: every member's absence is confirmed, so no guard stays open.
      const take = await api<{ guards: { kind: string; memberId?: string }[] }>(server.url, `/sessions/${session.id}/record`, { cookie: cookies.a, body: {} });
      for (const g of take.body.guards) {
        if (g.kind === 'attendance-unconfirmed') await command(`ac${n}-${g.memberId}`, { type: 'attendance.correct', memberId: g.memberId, status: 'absent', reason: 'Did not attend' });
      }
      const sign = (cookie: string) => api<{ status: string }>(server.url, `/sessions/${session.id}/record/signatures`, { cookie, body: { password: DEMO_PASSWORD } });
      const author = await sign(cookies.a);
      if (author.status !== 200) throw new Error(`author signature refused: ${JSON.stringify(author.body)}`);
      coSign.push(await ms(() => sign(cookies.b)));
      let final: { body: { status: string } } | undefined;
      finalSign.push(await ms(async () => (final = await sign(cookies.supervisor))));
      if (final?.body.status !== 'final') throw new Error(`the last signature did not finalize: ${JSON.stringify(final?.body)}`);
      if (n === 0) exported = (await api<RecordExport>(server.url, `/sessions/${session.id}/record/export`, { cookie: cookies.a })).body;
    }
  } finally {
    await server.stop();
  }

  // In this process, on the same store (PGlite admits one process at a time: the server has stopped).
  const db = await openDb(loadConfig({ DEMO: 'false', LOG_LEVEL: 'silent', ...env }));
  const append: number[] = [];
  const bare: number[] = [];
  const verify: number[] = [];
  const bareRead: number[] = [];
  let cli = 0;
  try {
    const store = new RecordStore(db);
    const body = JSON.parse(exported!.body) as unknown;
    const [{ id: recordId }] = (await db.query<{ id: string }>('select record_id as id from record_entries where group_id = $1 limit 1', [groupId])) as [{ id: string }];
    // The bare insert: the same row (the same canonical body, hashes given) into a copy of the table with no trigger, lock or chain.
    await db.query('create table if not exists bench_bare_entries (like record_entries including defaults)');
    const existing = Number((await db.query<{ n: string }>('select count(*)::text as n from record_entries where group_id = $1', [groupId]))[0]!.n);
    for (let n = existing; n < CHAIN; n++) {
      const addendum = { recordId, amends: exported!.entry.hash, reason: `Bench addendum ${n}`, text: 'x', content: body };
      append.push(await ms(() => store.append({ groupId, recordId, kind: 'addendum', body: addendum })));
      if (n % 10 === 0) {
        bare.push(
          await ms(() =>
            db.query(
              `insert into bench_bare_entries (id, group_id, chain_seq, kind, record_id, body, body_hash, prev_hash, hash) values (gen_random_uuid(), $1, $2, 'addendum', $3, $4, $5, $6, $7)`,
              [groupId, n, recordId, exported!.body, exported!.entry.bodyHash, exported!.entry.prevHash, exported!.entry.hash]
            )
          )
        );
      }
    }
    for (let n = 0; n < VERIFY_RUNS; n++) {
      bareRead.push(await ms(() => db.query('select * from record_entries where group_id = $1 order by chain_seq', [groupId])));
      let result: Awaited<ReturnType<RecordStore['verify']>> | undefined;
      verify.push(await ms(async () => (result = await store.verify(groupId))));
      if (result?.firstBreak !== null || result.entries < CHAIN) throw new Error(`the chain did not verify: ${JSON.stringify(result)}`);
    }
    await db.query('drop table bench_bare_entries');
  } finally {
    await db.close();
  }
  if (env['DATABASE_URL']) {
    // The command as an operator runs it (a process of its own, Node's start included).
    cli = await ms(() => run(process.execPath, ['--import', 'tsx', 'server/src/records/verifyCli.ts'], { cwd: ROOT, env: { ...process.env, ...env } }));
  }

  const median = (x: number[]) => summarize(x, '').median;
  const ratio = (x: number[], base: number[]) => (median(x) / median(base)).toFixed(1);
  const size = Math.round(exported!.body.length / 1024);
  return {
    'records.bare_insert': summarize(bare, `Bare INSERT of a final entry's row (${size} KiB canonical body, hashes given) into a copy of record_entries without trigger, lock or chain, ${storeName}, in the bench process.`),
    'records.append': summarize(
      append,
      `RecordStore.append in the bench process: canonicalize and hash the body, take the group's advisory lock, read the chain's head, insert the linked entry, in one transaction (${storeName}); ${append.length} appends up to a ${CHAIN}-entry chain. ${ratio(append, bare)}× the bare insert's median.`,
      'records.bare_insert'
    ),
    'records.sign_not_final': summarize(
      coSign,
      `The co-author's signature over HTTP to the server in its own process: password check (scrypt), draw the draft from log and notes, hash, insert the signature. ${RECORDS} records.`,
      'records.bare_insert'
    ),
    'records.finalize': summarize(
      finalSign,
      `The last (supervisor's) signature over HTTP: as the co-author's, plus the finalize (content hash → chained insert → record final) in one transaction. ${ratio(finalSign, coSign)}× the non-final signature's median, ${ratio(finalSign, bare)}× the bare insert's (most of both is the password's scrypt). ${RECORDS} records, ${storeName}.`,
      'records.bare_insert'
    ),
    'records.bare_read_10k': summarize(bareRead, `Bare SELECT of the group's ${CHAIN} chain entries in order (${storeName}), ${VERIFY_RUNS} runs.`),
    'records.verify_10k': summarize(
      verify,
      `verify over a ${CHAIN}-entry chain: read every entry, recompute each body's SHA-256, its canonical form and its link hash, check prev_hash and numbering (${storeName}). ${ratio(verify, bareRead)}× the bare read's median.${cli ? ` \`npm run verify-records\` as a process over the whole database: ${Math.round(cli)} ms, Node's start included.` : ''}`,
      'records.bare_read_10k'
    )
  };
}
