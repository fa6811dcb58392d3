import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A Hearth server running in its own process, as in production. */
export interface ServerProcess {
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** Everything the process printed, for assertions and failure messages. */
  output(): string;
  /** SIGKILL: no cleanup at all, as in a crash. */
  kill9(): Promise<void>;
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
}

/** The server's entry point as the tests run it by default, and as production runs it (`npm run build` first). */
export const SERVER_FROM_SOURCE = ['--import', 'tsx', 'server/src/main.ts'] as const;
export const SERVER_COMPILED = ['--enable-source-maps', 'server/dist/main.js'] as const;

export interface ServerProcessOptions {
  readonly timeoutMs?: number;
  /** Node's arguments: the sources through tsx (default), or the compiled bundle. */
  readonly args?: readonly string[];
}

/**
 * Starts `node --import tsx server/src/main.ts` (or `options.args`) with the given environment and
 * waits for its "listening" line. PORT defaults to 0 (any free port).
 */
export async function startServerProcess(env: Record<string, string>, options: ServerProcessOptions = {}): Promise<ServerProcess> {
  const { timeoutMs = 30_000, args = SERVER_FROM_SOURCE } = options;
  const child = spawn(process.execPath, [...args], {
    cwd: ROOT,
    // Every client of a test comes from one address: connections per address are not what it tests.
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'error', CONNECTIONS_PER_MINUTE: '100000', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const onData = () => {
      const m = /\{"event":"listening","port":(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolve(Number(m[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${out}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    child,
    output: () => out,
    async kill9() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    }
  };
}
