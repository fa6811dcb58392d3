import { readdir, readFile } from 'node:fs/promises';
import type { Db } from './Db.ts';

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);

/** Arbitrary constant naming Hearth's migration lock among Postgres advisory locks. */
const MIGRATION_LOCK = 7_337_001;

/**
 * Applies the SQL migrations not yet applied, in file-name order, each in its own transaction.
 * Several instances may start at once: an advisory lock lets one migrate while the others wait.
 */
export async function migrate(db: Db): Promise<string[]> {
  // Even "create table if not exists" races between instances starting together: take the lock first.
  await db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    // Looked up first: an instance running as a role that may not create tables (docs/operations.md) starts too.
    const [found] = await tx.query<{ name: string | null }>(`select to_regclass('schema_migrations')::text as name`);
    if (!found?.name) {
      await tx.query(`create table schema_migrations (name text primary key, applied_at timestamptz not null default now())`);
    }
  });
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql')).sort();
  const applied: string[] = [];
  for (const name of files) {
    const sql = await readFile(new URL(name, MIGRATIONS_DIR), 'utf8');
    const done = await db.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      const seen = await tx.query('select 1 from schema_migrations where name = $1', [name]);
      if (seen.length > 0) return false;
      await execInTx(tx, sql);
      await tx.query('insert into schema_migrations (name) values ($1)', [name]);
      return true;
    });
    if (done) applied.push(name);
  }
  return applied;
}

/** Runs a script inside a transaction, statement by statement (dollar-quoted bodies kept whole). */
async function execInTx(tx: { query(text: string): Promise<unknown> }, script: string): Promise<void> {
  for (const statement of splitStatements(script)) await tx.query(statement);
}

/** Splits SQL on semicolons outside $$-quoted bodies and comments. */
export function splitStatements(script: string): string[] {
  const out: string[] = [];
  let current = '';
  let inDollar = false;
  for (const line of script.split('\n')) {
    const trimmed = line.trim();
    if (!inDollar && trimmed.startsWith('--')) continue;
    current += `${line}\n`;
    const dollars = line.split('$$').length - 1;
    if (dollars % 2 === 1) inDollar = !inDollar;
    if (!inDollar && trimmed.endsWith(';')) {
      out.push(current.trim());
      current = '';
    }
  }
  if (current.trim()) out.push(current.trim());
  return out;
}
