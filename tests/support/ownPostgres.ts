import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { waitFor } from './wait.ts';

/** A PostgreSQL server of one test's own on 127.0.0.1 (never the machine's shared one), to stop and start. */
export interface OwnPostgres {
  /** A URL for a database on it (created at start). */
  readonly url: string;
  readonly port: number;
  /** Fast shutdown: connections are cut, as when the database goes away. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it for good and removes its files. */
  destroy(): Promise<void>;
}

/** The installed PostgreSQL's binaries, newest version first. */
function binDir(): string | null {
  const root = '/usr/lib/postgresql';
  try {
    const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
    return versions.length > 0 ? join(root, versions[0]!, 'bin') : null;
  } catch {
    return null;
  }
}

/** Whether a test can run a PostgreSQL of its own here (the binaries, and a postgres user to run them as when root). */
export const HAS_POSTGRES_SERVER = binDir() !== null && (process.getuid?.() !== 0 || spawnSync('id', ['postgres'], { stdio: 'ignore' }).status === 0);

/**
 * Whether a suite that stops a PostgreSQL of its own can run, for `describe.skipIf(!…)`: under CI a
 * missing server fails the file with what to install; elsewhere the skip is printed loudly.
 */
export function ownPostgresSuite(name: string): boolean {
  if (HAS_POSTGRES_SERVER) return true;
  const why = `no PostgreSQL server binaries (or no postgres user), so "${name}" cannot start a PostgreSQL of its own`;
  if (process.env['CI'] === 'true') throw new Error(`${why}. CI needs these tests: install postgresql.`);
  process.stderr.write(`\n*** SKIPPED: ${why}. ***\n\n`);
  return false;
}

/**
 * initdb into a temporary folder and start it on `port` (trust auth, loopback only). As root, the
 * server runs as the postgres user, as PostgreSQL requires.
 */
export async function startOwnPostgres(port: number): Promise<OwnPostgres> {
  const bin = binDir();
  if (!bin) throw new Error('no PostgreSQL binaries under /usr/lib/postgresql');
  const dir = mkdtempSync(join(tmpdir(), 'hearth-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    chmodSync(dir, 0o777);
    execFileSync('chown', ['postgres', dir]);
  }
  const as = (cmd: string, args: string[]) =>
    asRoot ? execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'pipe' }) : execFileSync(cmd, args, { stdio: 'pipe' });
  as(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const ctl = (action: 'start' | 'stop') =>
    as(join(bin, 'pg_ctl'), [
      '-D', data, '-w', '-t', '30',
      ...(action === 'start'
        ? ['-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`, '-l', join(dir, 'log'), 'start']
        : ['-m', 'fast', 'stop'])
    ]);
  const admin = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const ready = async () => {
    await waitFor(async () => {
      const sql = postgres(admin, { max: 1, connect_timeout: 2, onnotice: () => undefined });
      try {
        await sql`select 1`;
        return true;
      } catch {
        return false;
      } finally {
        await sql.end({ timeout: 1 });
      }
    }, 30_000, `own PostgreSQL on ${port}`);
  };
  ctl('start');
  await ready();
  const sql = postgres(admin, { max: 1, onnotice: () => undefined });
  await sql.unsafe('create database hearth');
  await sql.end();
  let running = true;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/hearth`,
    port,
    async stop() {
      if (!running) return;
      ctl('stop');
      running = false;
    },
    async start() {
      if (running) return;
      ctl('start');
      running = true;
      await ready();
    },
    async destroy() {
      if (running) ctl('stop');
      running = false;
      rmSync(dir, { recursive: true, force: true });
    }
  };
}
