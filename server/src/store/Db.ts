import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';

/** One row as the database returns it. */
export type Row = object;

/** What can run SQL: the database itself or a transaction on it. Parameters are $1, $2, … */
export interface Queryable {
  query<T extends Row = Row>(text: string, params?: readonly unknown[]): Promise<T[]>;
}

/**
 * The storage port. Two adapters share one set of SQL migrations: PGlite (embedded, the default)
 * and a real Postgres server through the `postgres` client.
 */
export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /**
   * False while the server is known to be away (a query lost its connection and no probe has
   * reached it since): queries then fail at once with DatabaseUnavailable instead of queueing.
   * An adapter without the notion (embedded storage, a test's wrapper) may leave it out: available.
   */
  readonly available?: boolean;
  /** When the server last answered a statement (performance.now()); with `available`, for adapters that keep count. */
  readonly lastAnswerAt?: number;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs a script of several statements (migrations). */
  exec(script: string): Promise<void>;
  close(): Promise<void>;
}

/** Postgres's SQLSTATE for a unique violation: the sequencer's "someone else went first". */
export const UNIQUE_VIOLATION = '23505';

/** The SQLSTATE of a database error from either adapter, if it has one. */
export function sqlState(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') return err.code;
  return undefined;
}

/**
 * The database could not be reached: the connection was refused, lost, or the server is shutting
 * down. Nothing of the statement was committed (or its outcome is unknown): callers answer
 * UNAVAILABLE, retryable with the same id.
 */
export class DatabaseUnavailable extends Error {
  constructor(readonly reason: string) {
    super(`database unavailable: ${reason}`);
  }
}

/** SQLSTATE classes and client codes that mean "the server is not there", not "the statement is wrong". */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH',
  'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT',
  '57P01', '57P02', '57P03' // admin shutdown, crash shutdown, cannot connect now
]);

/** Whether an error from the client means the database is away. */
export function isConnectionError(err: unknown): boolean {
  if (err instanceof DatabaseUnavailable) return true;
  const code = sqlState(err);
  return code !== undefined && (CONNECTION_CODES.has(code) || code.startsWith('08'));
}

/** How often an unavailable database is probed: it serves again within about this long of its return. */
const PROBE_EVERY_MS = 150;
/** A probe that takes longer than this counts as failed. */
const PROBE_TIMEOUT_MS = 1000;

/** Opens PGlite with its files under `dir` (or in memory for `memory://`). */
export async function openPglite(dir: string): Promise<Db> {
  if (!dir.startsWith('memory://')) await mkdir(dir, { recursive: true });
  const pg = await PGlite.create(dir);
  const wrap = (q: Pick<PGlite, 'query'>): Queryable => ({
    async query<T extends Row>(text: string, params: readonly unknown[] = []) {
      return (await q.query<T>(text, [...params])).rows;
    }
  });
  return {
    kind: 'pglite',
    available: true,
    ...wrap(pg),
    transaction: (fn) => pg.transaction((tx) => fn(wrap(tx))),
    exec: async (script) => {
      await pg.exec(script);
    },
    close: () => pg.close()
  };
}

/**
 * Connects to a Postgres server. Statements with parameters are prepared (once per connection, then
 * one round trip each). While the server is away the adapter fails fast: the first query that loses
 * its connection marks it unavailable, later ones fail at once, and a probe every PROBE_EVERY_MS
 * marks it available again; the client's own reconnect backoff is capped to match.
 */
export function openPostgres(url: string, maxConnections = 10): Db {
  const sql = postgres(url, {
    max: maxConnections,
    onnotice: () => undefined,
    connect_timeout: 5,
    // The client's default grows to 20 s between attempts; capped, a returning server is used at once.
    backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 0.25)
  });
  let available = true;
  let closed = false;
  let lastAnswerAt = performance.now();
  const probe = async () => {
    while (!available && !closed) {
      await new Promise((resolve) => setTimeout(resolve, PROBE_EVERY_MS));
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('probe timed out')), PROBE_TIMEOUT_MS)));
      try {
        await Promise.race([sql`select 1`, late]);
        lastAnswerAt = performance.now();
        available = true;
      } catch {
        // still away
      } finally {
        clearTimeout(timer);
      }
    }
  };
  const lost = (err: unknown): never => {
    if (available && !closed) {
      available = false;
      void probe();
    }
    throw err instanceof DatabaseUnavailable ? err : new DatabaseUnavailable(sqlState(err) ?? 'connection lost');
  };
  const guard = async <T>(run: () => Promise<T>): Promise<T> => {
    if (!available) throw new DatabaseUnavailable('not reachable');
    try {
      const answer = await run();
      lastAnswerAt = performance.now();
      return answer;
    } catch (err) {
      if (isConnectionError(err)) return lost(err);
      // A refusal (a constraint, a bad statement) is an answer too.
      lastAnswerAt = performance.now();
      throw err;
    }
  };
  const wrap = (q: postgres.Sql | postgres.TransactionSql): Queryable => ({
    async query<T extends Row>(text: string, params: readonly unknown[] = []) {
      const rows = await q.unsafe(text, params as postgres.ParameterOrJSON<never>[], { prepare: params.length > 0 });
      return rows as unknown as T[];
    }
  });
  const top = wrap(sql);
  return {
    kind: 'postgres',
    get available() {
      return available;
    },
    get lastAnswerAt() {
      return lastAnswerAt;
    },
    query: (text, params) => guard(() => top.query(text, params)),
    transaction: <T>(fn: (tx: Queryable) => Promise<T>) => guard(async () => (await sql.begin((tx) => fn(wrap(tx)))) as T),
    exec: async (script) => {
      await guard(() => sql.unsafe(script));
    },
    close: () => {
      closed = true;
      return sql.end({ timeout: 5 });
    }
  };
}
