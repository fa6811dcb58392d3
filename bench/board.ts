import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { EventMessage } from '@hearth/shared';
import { io, type Socket } from 'socket.io-client';
import { connectBoard, emitAck, type BoardClient } from '../tests/support/boardClient.ts';
import { startServerProcess } from '../tests/support/serverProcess.ts';
import { demoLogins, scheduleSession } from '../tests/support/testServer.ts';
import { summarize, type BenchResult } from './stats.ts';

const WARMUP = 50;
const RUNS = 500;

/** Time from a facilitator's command until the co-facilitator's socket has the event, serially. */
async function measureBoard(a: BoardClient, b: BoardClient, sessionId: string): Promise<{ relay: number[]; ack: number[] }> {
  const relay: number[] = [];
  const ack: number[] = [];
  let pending: ((m: EventMessage) => void) | null = null;
  b.on('event', (m) => pending?.(m));
  await emitAck(a, 'command', { sessionId, id: 'bench-start', command: { type: 'session.start' } });
  await emitAck(a, 'command', { sessionId, id: 'bench-item', command: { type: 'item.start', itemId: 'a1' } });
  for (let n = 0; n < WARMUP + RUNS; n++) {
    const command = n % 2 === 0 ? { type: 'item.pause', itemId: 'a1' } : { type: 'item.resume', itemId: 'a1' };
    const t0 = performance.now();
    const arrived = new Promise<number>((resolve) => (pending = () => resolve(performance.now())));
    const acked = emitAck(a, 'command', { sessionId, id: `bench-${n}`, command }).then((r) => {
      if (!r.ok) throw new Error(`command refused: ${r.error.code}`);
      return performance.now();
    });
    const [tRelay, tAck] = await Promise.all([arrived, acked]);
    if (n >= WARMUP) {
      relay.push(tRelay - t0);
      ack.push(tAck - t0);
    }
  }
  return { relay, ack };
}

/** The same round trip through a bare Socket.IO relay in its own process. */
async function measureBare(): Promise<number[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./bareRelay.ts', import.meta.url))], {
    stdio: ['ignore', 'pipe', 'inherit']
  });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /"port":(\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', () => reject(new Error('bare relay exited')));
    });
    const connect = () =>
      new Promise<Socket>((resolve, reject) => {
        const s = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], forceNew: true, reconnection: false });
        s.once('connect', () => resolve(s));
        s.once('connect_error', reject);
      });
    const [a, b] = [await connect(), await connect()];
    await new Promise((r) => setImmediate(r));
    let pending: (() => void) | null = null;
    b.on('relayed', () => pending?.());
    const samples: number[] = [];
    for (let n = 0; n < WARMUP + RUNS; n++) {
      const t0 = performance.now();
      const arrived = new Promise<number>((resolve) => (pending = () => resolve(performance.now())));
      const acked = new Promise((resolve) => a.emit('relay', { type: 'item.pause', itemId: 'a1', n }, resolve));
      const [t] = await Promise.all([arrived, acked]);
      if (n >= WARMUP) samples.push(t - t0);
    }
    a.close();
    b.close();
    return samples;
  } finally {
    child.kill('SIGTERM');
  }
}

/**
 * Board benchmarks: the server runs in its own process as in production, on the database named by
 * `env` (a fresh Postgres database, or PGlite in a temporary folder).
 */
export async function boardBenchmarks(env: Record<string, string>, storeName: string): Promise<Record<string, BenchResult>> {
  const bare = await measureBare();
  // Commands go one after another as fast as they are answered: far past a person's pace, so past the limit per socket.
  const server = await startServerProcess({ DEMO: 'true', COMMANDS_PER_SECOND: '100000', COMMAND_BURST: '100000', ...env });
  try {
    const cookies = await demoLogins(server.url);
    const session = await scheduleSession(server.url, cookies.a, 'Benchmark session');
    const [a, b] = [await connectBoard(server.url, { cookie: cookies.a }), await connectBoard(server.url, { cookie: cookies.b })];
    await emitAck(a, 'join', { sessionId: session.id });
    await emitAck(b, 'join', { sessionId: session.id });
    const { relay, ack } = await measureBoard(a, b, session.id);
    a.close();
    b.close();
    const ratio = (x: number[]) => (summarize(x, '').median / summarize(bare, '').median).toFixed(1);
    return {
      'socketio.bare_relay': summarize(bare, `Bare Socket.IO relay in its own process, one client to another, ${RUNS} sequential messages after ${WARMUP} warm-up.`),
      'board.command_relay': summarize(
        relay,
        `Facilitator command until the co-facilitator's socket has the event: validate, decide, append to ${storeName} in a transaction, broadcast. ${ratio(relay)}× the bare relay's median.`,
        'socketio.bare_relay'
      ),
      'board.command_ack': summarize(
        ack,
        `Facilitator command until its acknowledgement (the events are committed in ${storeName}). ${ratio(ack)}× the bare relay's median.`,
        'socketio.bare_relay'
      )
    };
  } finally {
    await server.stop();
  }
}
