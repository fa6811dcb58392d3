import { execFile } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM } from '../support/browser.ts';
import { freePort } from '../support/ownRedis.ts';
import { preflight, preflightReport, servicesFrom, setupCommand } from '../support/preflight.ts';
import { ADMIN_DATABASE_URL, REDIS_URL } from '../support/services.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const HERE = { databaseUrl: ADMIN_DATABASE_URL, redisUrl: REDIS_URL, chromium: CHROMIUM };

/** Runs the preflight as `npm test` does, with only the given variables. */
function runPreflight(env: Record<string, string>): Promise<{ code: number; out: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'tests/support/preflight.ts'], { cwd: ROOT, env: { PATH: process.env['PATH'] ?? '', ...env }, timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, out: stdout + stderr, ms: Date.now() - started });
    });
  });
}

/**
 * `npm test` first looks for PostgreSQL, Redis and Chromium, and when one is missing names it and
 * the setup command, and stops, before the type check and the tests.
 */
describe("npm test's preflight", () => {
  let closed: number;
  // Accepts connections and never answers: a service that hangs.
  let silent: Server;
  let silentPort: number;
  const held: Socket[] = [];

  beforeAll(async () => {
    closed = await freePort();
    silent = createServer((socket) => void held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    silentPort = typeof address === 'object' && address ? address.port : 0;
  });
  afterAll(async () => {
    for (const s of held) s.destroy();
    await new Promise((resolve) => silent?.close(resolve));
  });

  it('passes with the services the tests use here', async () => {
    expect(await preflight(HERE)).toEqual([]);
    const run = await runPreflight({ DATABASE_URL: ADMIN_DATABASE_URL, REDIS_URL, CHROMIUM_PATH: CHROMIUM });
    expect(run, run.out).toMatchObject({ code: 0 });
  });

  it('stops on PostgreSQL at a closed port, naming it and the one setup command', async () => {
    const databaseUrl = `postgres://postgres@127.0.0.1:${closed}/postgres`;
    const run = await runPreflight({ DATABASE_URL: databaseUrl, REDIS_URL, CHROMIUM_PATH: CHROMIUM });
    expect(run.code).toBe(1);
    expect(run.out).toContain(`PostgreSQL at ${databaseUrl}: connect ECONNREFUSED`);
    expect(run.out).not.toContain('Redis at');
    expect(run.out).toMatch(new RegExp(`\\n  PG_PORT=${closed} (REDIS_PORT=\\d+ )?bash \\.ci/run\\n`));
    // The process's start included; the check itself answers at once on a refused port.
    expect(run.ms).toBeLessThan(10_000);
  });

  it('names each missing service: Redis, Chromium', async () => {
    const missing = await preflight({ ...HERE, redisUrl: `redis://127.0.0.1:${closed}`, chromium: '/nonexistent/chromium' });
    expect(missing.map((m) => m.service)).toEqual(['Redis', 'Chromium']);
    const report = preflightReport(missing, { ...HERE, redisUrl: `redis://127.0.0.1:${closed}`, chromium: '/nonexistent/chromium' });
    expect(report).toContain('Redis, Chromium are not available');
    expect(report).toContain(`Redis at redis://127.0.0.1:${closed}:`);
    expect(report).toContain('Chromium at /nonexistent/chromium: no executable there');
  });

  it('gives up on a service that accepts and never answers within its bound', async () => {
    const started = Date.now();
    const missing = await preflight({ ...HERE, databaseUrl: `postgres://postgres@127.0.0.1:${silentPort}/postgres`, redisUrl: `redis://127.0.0.1:${silentPort}` }, 500);
    expect(missing.map((m) => [m.service, m.why])).toEqual([
      ['PostgreSQL', 'no answer within 500 ms'],
      ['Redis', 'no answer within 500 ms']
    ]);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('hides passwords, and says when a service is on another machine', async () => {
    const services = servicesFrom({ DATABASE_URL: 'postgres://hearth:s3cret@db.internal:5432/hearth', REDIS_URL: '', CHROMIUM_PATH: '' });
    expect(services.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(setupCommand(services)).toBe('bash .ci/run');
    const report = preflightReport([{ service: 'PostgreSQL', at: 'postgres://hearth:***@db.internal:5432/hearth', why: 'getaddrinfo ENOTFOUND db.internal' }], services);
    expect(report).not.toContain('s3cret');
    expect(report).toContain('that is another machine');
  });
});
