import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { waitFor } from './wait.ts';

/** Whether fault tests can start a redis-server of their own. */
export const HAS_REDIS_SERVER = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).error === undefined;

/**
 * Whether a Redis fault suite can run, for `describe.skipIf(!redisFaultSuite(name))`. Without
 * redis-server on PATH: under CI (CI=true) the file fails with what to install, so a run never
 * stays green without its fault tests; elsewhere the skip is printed where nobody can miss it.
 */
export function redisFaultSuite(name: string): boolean {
  if (HAS_REDIS_SERVER) return true;
  const why = `redis-server is not on PATH, so "${name}" cannot start a Redis of its own`;
  if (process.env['CI'] === 'true') throw new Error(`${why}. CI needs these tests: install it (apt-get install redis-server).`);
  process.stderr.write(`\n*** SKIPPED: ${why}. Install redis-server to run it. ***\n\n`);
  return false;
}

/** A throwaway redis-server of one test's own on 127.0.0.1 (never the machine's shared one). */
export interface OwnRedis {
  readonly url: string;
  readonly port: number;
  kill9(): Promise<void>;
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Starts redis-server without persistence on `port` and waits (bounded) until it accepts connections. */
export async function startOwnRedis(port: number, timeoutMs = 10_000): Promise<OwnRedis> {
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'],
    { stdio: ['ignore', 'pipe', 'pipe'] }
  );
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitFor(() => {
    if (child.exitCode !== null) throw new Error(`redis-server exited: ${out}`);
    return out.includes('Ready to accept connections');
  }, timeoutMs, `redis-server on port ${port}`);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    }
  };
}
