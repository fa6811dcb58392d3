import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { createClient } from 'redis';
import { SERVICE_DEFAULTS } from './services.ts';

/**
 * `npm test`'s first step: are the services the integration and end-to-end tests use here? A quick
 * look (bounded, a couple of seconds at most) so that a machine without them hears which one is
 * missing and the command that sets it up, before any type check or test runs, instead of a wall
 * of connection errors minutes later.
 */

/** Where the tests find their services, from the same variables the tests read. */
export interface Services {
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly chromium: string;
}

/** One service that is not usable, and why, in the client's words. */
export interface Missing {
  readonly service: 'PostgreSQL' | 'Redis' | 'Chromium';
  readonly at: string;
  readonly why: string;
}

/** The services the tests would use with this environment (the defaults are the tests' own). */
export function servicesFrom(env: NodeJS.ProcessEnv): Services {
  return {
    databaseUrl: env['DATABASE_URL'] || SERVICE_DEFAULTS.databaseUrl,
    redisUrl: env['REDIS_URL'] || SERVICE_DEFAULTS.redisUrl,
    chromium: env['CHROMIUM_PATH'] || SERVICE_DEFAULTS.chromium
  };
}

/** Rejects after `ms`, so that no check outlasts the preflight's bound. */
async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e)) || 'unreachable';

/** Signs in as the tests do and checks the role may create the per-file test databases. */
async function checkPostgres(url: string, timeoutMs: number): Promise<string | null> {
  const sql = postgres(url, { max: 1, connect_timeout: Math.ceil(timeoutMs / 1000), idle_timeout: 1, onnotice: () => undefined });
  try {
    const [row] = await within(timeoutMs, sql<{ ok: boolean }[]>`select rolcreatedb or rolsuper as ok from pg_roles where rolname = current_user`);
    return row?.ok ? null : 'signs in, but may not create databases (the tests make one per file)';
  } catch (e) {
    return message(e);
  } finally {
    void sql.end({ timeout: 0 }).catch(() => undefined);
  }
}

async function checkRedis(url: string, timeoutMs: number): Promise<string | null> {
  const client = createClient({ url, socket: { connectTimeout: timeoutMs, reconnectStrategy: false } });
  client.on('error', () => undefined);
  try {
    const pong = await within(timeoutMs, client.connect().then(() => client.ping()));
    return pong === 'PONG' ? null : `answered ${String(pong)} to PING`;
  } catch (e) {
    return message(e);
  } finally {
    if (client.isOpen) client.destroy();
  }
}

async function checkChromium(path: string): Promise<string | null> {
  try {
    await access(path, constants.X_OK);
    return null;
  } catch {
    return 'no executable there';
  }
}

/** A URL as it may be printed: without its password. */
function shown(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

/** Looks at all three at once; resolves to what is missing (empty when the tests can run). */
export async function preflight(services: Services, timeoutMs = 1500): Promise<Missing[]> {
  const [pg, redis, chromium] = await Promise.all([
    checkPostgres(services.databaseUrl, timeoutMs),
    checkRedis(services.redisUrl, timeoutMs),
    checkChromium(services.chromium)
  ]);
  const missing: Missing[] = [];
  if (pg !== null) missing.push({ service: 'PostgreSQL', at: shown(services.databaseUrl), why: pg });
  if (redis !== null) missing.push({ service: 'Redis', at: shown(services.redisUrl), why: redis });
  if (chromium !== null) missing.push({ service: 'Chromium', at: services.chromium, why: chromium });
  return missing;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

function parsed(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** Whether the setup script can make this service: one on this machine, not elsewhere. */
function local(m: Missing): boolean {
  if (m.service === 'Chromium') return true;
  const u = parsed(m.at);
  return u !== null && LOOPBACK.has(u.hostname);
}

/**
 * The one command that sets this machine up (and then runs every test). Ports other than the
 * defaults are passed on, so the setup makes the services the environment points at.
 */
export function setupCommand(services: Services): string {
  const env: string[] = [];
  const port = (url: string, fallback: string) => {
    const u = parsed(url);
    return u && LOOPBACK.has(u.hostname) && u.port && u.port !== fallback ? u.port : null;
  };
  const pgPort = port(services.databaseUrl, new URL(SERVICE_DEFAULTS.databaseUrl).port);
  const redisPort = port(services.redisUrl, new URL(SERVICE_DEFAULTS.redisUrl).port);
  if (pgPort) env.push(`PG_PORT=${pgPort}`);
  if (redisPort) env.push(`REDIS_PORT=${redisPort}`);
  if (services.chromium !== SERVICE_DEFAULTS.chromium) env.push(`CHROMIUM_PATH=${services.chromium}`);
  return [...env, 'bash .ci/run'].join(' ');
}

/** What `npm test` prints when something is missing. */
export function preflightReport(missing: readonly Missing[], services: Services): string {
  const lines = [`npm test stopped before any test: ${missing.map((m) => m.service).join(', ')} ${missing.length === 1 ? 'is' : 'are'} not available.`];
  for (const m of missing) {
    lines.push(`  ${m.service} at ${m.at}: ${m.why}`);
    if (!local(m)) lines.push(`    (that is another machine: start it there, or point ${m.service === 'Redis' ? 'REDIS_URL' : 'DATABASE_URL'} at this one)`);
  }
  lines.push(
    '',
    'One command installs what is missing (Debian or Ubuntu, as root or with sudo), starts PostgreSQL and',
    'Redis, and runs every test:',
    '',
    `  ${setupCommand(services)}`,
    ''
  );
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const services = servicesFrom(process.env);
  const missing = await preflight(services);
  if (missing.length > 0) {
    process.stderr.write(preflightReport(missing, services));
    process.exit(1);
  }
  process.stdout.write(`services for the tests: PostgreSQL ${shown(services.databaseUrl)}, Redis ${shown(services.redisUrl)}, Chromium ${services.chromium}\n`);
  process.exit(0);
}
