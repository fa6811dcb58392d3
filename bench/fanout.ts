import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { EventMessage, GroupSummary } from '@hearth/shared';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { api, connectBoard, emitAck, type BoardClient } from '../tests/support/boardClient.ts';
import { startServerProcess, type ServerProcess } from '../tests/support/serverProcess.ts';
import { demoGroup, demoLogins, joinAsMember, scheduleSession } from '../tests/support/testServer.ts';
import { cpuSeconds, postgresCounter } from './machine.ts';
import { quantile, summarize, type BenchResult } from './stats.ts';

/**
 * board.fanout: N sessions × 12 sockets (2 facilitators, a supervisor, 9 members), a facilitator of
 * each session pausing and resuming its item 5 times a second, every socket receiving every one.
 * The same load is sent through a bare Socket.IO server (one room per session, broadcast, no
 * storage), alternately with Hearth, in the same run. Both servers run in their own process.
 */

const PER_SECOND = 5;
const MEASURE_MS = 10_000;
const WARMUP_MS = 2_000;
const DRAIN_MS = 3_000;
const MEMBERS = 9;

/** What one socket does with the load: which socket of the session it is, and how it sends and hears. */
export interface LoadSocket {
  on(listener: (m: EventMessage) => void): void;
  close(): void;
  /** A group this socket's deliveries are also counted under (`figures.byLabel`), e.g. which instance it is on. */
  readonly label?: string;
}
export interface LoadSession {
  readonly id: string;
  readonly sockets: readonly LoadSocket[];
  send(id: string, command: { type: 'item.pause' | 'item.resume'; itemId: string }): Promise<{ ok: boolean }>;
}

export interface LoadFigures {
  delivery: number[];
  all12: number[];
  ack: number[];
  sent: number;
  refused: number;
  lost: number;
  serverCpu: number;
  postgresCpu: number;
  /** Per-delivery samples of the sockets that have a label, by label. */
  byLabel: Record<string, number[]>;
  /** Each of `DriveOptions.cpu`'s counters over the measured window, in cores. */
  cpu: Record<string, number>;
}

/** How drive paces and measures; the defaults are board.fanout's. */
export interface DriveOptions {
  /** Commands per second per session. */
  readonly perSecond?: number;
  readonly measureMs?: number;
  /** CPU counters (seconds used so far) read at the start and end of the measured window, besides the server's and PostgreSQL's. */
  readonly cpu?: Readonly<Record<string, () => number>>;
}

/** Drives the load over the sessions for WARMUP_MS + the measured window and measures the window after the warm-up. */
export async function drive(sessions: readonly LoadSession[], serverPid: number, options: DriveOptions = {}): Promise<LoadFigures> {
  const { perSecond = PER_SECOND, measureMs = MEASURE_MS, cpu = {} } = options;
  const figures: LoadFigures = { delivery: [], all12: [], ack: [], sent: 0, refused: 0, lost: 0, serverCpu: 0, postgresCpu: 0, byLabel: {}, cpu: {} };
  const t0 = performance.now();
  let measuring = false;
  const timers: NodeJS.Timeout[] = [];
  // Per session, the send time of the k-th command and how many sockets have its event (and when the last did).
  const tracks = sessions.map(() => ({ sentAt: [] as number[], measured: [] as boolean[], heard: [] as number[], lastAt: [] as number[] }));
  for (const [s, session] of sessions.entries()) {
    const track = tracks[s]!;
    for (const socket of session.sockets) {
      let k = 0;
      const labelled = socket.label === undefined ? null : (figures.byLabel[socket.label] ??= []);
      socket.on((m) => {
        const type = m.event.type;
        if (type !== 'item.paused' && type !== 'item.resumed') return;
        const n = k++;
        const sentAt = track.sentAt[n];
        if (sentAt === undefined) return;
        const now = performance.now();
        if (track.measured[n]) {
          figures.delivery.push(now - sentAt);
          labelled?.push(now - sentAt);
        }
        track.heard[n] = (track.heard[n] ?? 0) + 1;
        track.lastAt[n] = now;
        if (track.heard[n] === session.sockets.length && track.measured[n]) figures.all12.push(now - sentAt);
      });
    }
  }
  const cpu0 = { server: 0, postgres: 0, at: 0 };
  for (const [s, session] of sessions.entries()) {
    const track = tracks[s]!;
    let paused = false;
    let n = 0;
    const send = () => {
      if (performance.now() - t0 > WARMUP_MS + measureMs) return;
      const sentAt = performance.now();
      const k = track.sentAt.length;
      track.sentAt.push(sentAt);
      track.measured.push(measuring);
      if (measuring) figures.sent++;
      const command = { type: paused ? ('item.resume' as const) : ('item.pause' as const), itemId: 'a1' };
      paused = !paused;
      session.send(`load-${n++}`, command).then(
        (r) => {
          if (!r.ok) {
            if (track.measured[k]) figures.refused++;
            // Refused: no event will come; the next one keeps the same state.
            track.sentAt.splice(k, 1);
            track.measured.splice(k, 1);
            paused = !paused;
          } else if (track.measured[k]) figures.ack.push(performance.now() - sentAt);
        },
        () => {
          if (track.measured[k]) figures.refused++;
        }
      );
    };
    // Spread over the interval so that the sessions do not all send at once.
    const phase = (s / sessions.length) * (1000 / perSecond);
    timers.push(setTimeout(() => timers.push(setInterval(send, 1000 / perSecond)), phase));
  }
  await new Promise((r) => setTimeout(r, WARMUP_MS));
  measuring = true;
  cpu0.server = cpuSeconds(serverPid);
  const postgresCpuSeconds = postgresCounter();
  cpu0.postgres = postgresCpuSeconds();
  const others = Object.entries(cpu).map(([name, read]) => ({ name, read, at: read() }));
  cpu0.at = performance.now();
  await new Promise((r) => setTimeout(r, measureMs));
  measuring = false;
  const wall = (performance.now() - cpu0.at) / 1000;
  figures.serverCpu = (cpuSeconds(serverPid) - cpu0.server) / wall;
  figures.postgresCpu = (postgresCpuSeconds() - cpu0.postgres) / wall;
  for (const { name, read, at } of others) figures.cpu[name] = (read() - at) / wall;
  for (const t of timers) clearInterval(t);
  await new Promise((r) => setTimeout(r, DRAIN_MS));
  for (const [s, session] of sessions.entries()) {
    const track = tracks[s]!;
    for (const [n, measured] of track.measured.entries()) {
      if (measured) figures.lost += session.sockets.length - (track.heard[n] ?? 0);
    }
  }
  return figures;
}

/** The heap the process uses after a full collection, through its inspector. */
export async function heapAfterGc(inspectorUrl: string): Promise<number> {
  const ws = new WebSocket(inspectorUrl);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  let id = 0;
  const call = (method: string, params: object = {}) =>
    new Promise<{ result?: { result?: { value?: unknown } } }>((resolve) => {
      const mine = ++id;
      const onMessage = (data: WebSocket.RawData) => {
        const reply = JSON.parse(data.toString()) as { id?: number };
        if (reply.id === mine) {
          ws.off('message', onMessage);
          resolve(reply as { result?: { result?: { value?: unknown } } });
        }
      };
      ws.on('message', onMessage);
      ws.send(JSON.stringify({ id: mine, method, params }));
    });
  await call('HeapProfiler.collectGarbage');
  await call('HeapProfiler.collectGarbage');
  const reply = await call('Runtime.evaluate', { expression: 'process.memoryUsage().heapUsed', returnByValue: true });
  ws.close();
  return Number(reply.result?.result?.value);
}

export const inspectorOf = (output: () => string) => /Debugger listening on (ws:\/\/\S+)/.exec(output())?.[1];

/**
 * Hearth: sessions scheduled and started, 12 sockets each joined with their own credentials. Sign-ins
 * and invites go through `server`; `urlOf` says which instance each socket (0 the sending facilitator,
 * 1 the co-facilitator, 2 the supervisor, 3… the members) of each session connects to — any instance
 * on the same database takes the same cookies and member tokens. `clients` holds each session's
 * sockets themselves, in the order of its `sockets`.
 */
export async function hearthLoad(
  server: ServerProcess,
  count: number,
  urlOf: (session: number, socket: number) => string = () => server.url
): Promise<{ sessions: LoadSession[]; clients: BoardClient[][]; close(): void }> {
  const cookies = await demoLogins(server.url);
  const group: GroupSummary = await demoGroup(server.url, cookies.a);
  for (let n = group.members.length; n < MEMBERS; n++) {
    const added = await api(server.url, `/groups/${group.id}/members`, { cookie: cookies.a, body: { alias: `Member ${n + 1}` } });
    if (added.status !== 201) throw new Error(`adding a member failed: ${added.status} ${JSON.stringify(added.body)}`);
  }
  const aliases = (await demoGroup(server.url, cookies.a)).members.slice(0, MEMBERS).map((m) => m.alias);
  const sessions: LoadSession[] = [];
  const clients: BoardClient[][] = [];
  const all: BoardClient[] = [];
  for (let s = 0; s < count; s++) {
    const session = await scheduleSession(server.url, cookies.a, `Load ${s + 1}`);
    const a = await connectBoard(urlOf(s, 0), { cookie: cookies.a });
    all.push(a);
    await emitAck(a, 'join', { sessionId: session.id });
    await emitAck(a, 'command', { sessionId: session.id, id: 'start', command: { type: 'session.start' } });
    await emitAck(a, 'command', { sessionId: session.id, id: 'item', command: { type: 'item.start', itemId: 'a1' } });
    const others: BoardClient[] = [];
    for (const cookie of [cookies.b, cookies.supervisor]) others.push(await connectBoard(urlOf(s, others.length + 1), { cookie }));
    for (const alias of aliases) {
      const token = await joinAsMember(server.url, { id: session.id, groupId: group.id }, alias);
      others.push(await connectBoard(urlOf(s, others.length + 1), { token }));
    }
    for (const socket of others) {
      const joined = await emitAck(socket, 'join', { sessionId: session.id });
      if (!joined.ok) throw new Error(`join failed: ${JSON.stringify(joined)}`);
    }
    all.push(...others);
    clients.push([a, ...others]);
    const sockets = [a, ...others].map((socket) => ({ on: (l: (m: EventMessage) => void) => void socket.on('event', l), close: () => socket.close() }));
    sessions.push({
      id: session.id,
      sockets,
      send: (id, command) => emitAck(a, 'command', { sessionId: session.id, id, command }, 30_000)
    });
  }
  return { sessions, clients, close: () => all.forEach((s) => s.close()) };
}

/** The bare server: the same sessions as rooms, 12 sockets each (`clients` as in hearthLoad). */
export async function bareLoad(port: number, count: number): Promise<{ sessions: LoadSession[]; clients: Socket[][]; close(): void }> {
  const all: Socket[] = [];
  const connect = () =>
    new Promise<Socket>((resolve, reject) => {
      const s = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], forceNew: true, reconnection: false });
      s.once('connect', () => resolve(s));
      s.once('connect_error', reject);
    });
  const sessions: LoadSession[] = [];
  const clients: Socket[][] = [];
  for (let n = 0; n < count; n++) {
    const id = `session-${n}`;
    const sockets: Socket[] = [];
    for (let k = 0; k < 12; k++) {
      const s = await connect();
      await new Promise((resolve) => s.emit('join', { sessionId: id }, resolve));
      sockets.push(s);
    }
    all.push(...sockets);
    clients.push(sockets);
    const sender = sockets[0]!;
    sessions.push({
      id,
      sockets: sockets.map((s) => ({ on: (l: (m: EventMessage) => void) => void s.on('event', l), close: () => s.close() })),
      send: (cid, command) => new Promise((resolve) => sender.timeout(30_000).emit('command', { sessionId: id, id: cid, command }, (err: Error | null, r: { ok: boolean }) => resolve(err ? { ok: false } : r)))
    });
  }
  return { sessions, clients, close: () => all.forEach((s) => s.close()) };
}

/** Starts bareFanout.ts in its own process; `env` is added to this process's (PING_INTERVAL_MS, …). */
export function startBare(env: Record<string, string> = {}): Promise<{ child: ChildProcess; port: number; output: () => string }> {
  const child = spawn(process.execPath, ['--inspect=127.0.0.1:0', '--import', 'tsx', fileURLToPath(new URL('./bareFanout.ts', import.meta.url))], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env }
  });
  let out = '';
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /"port":(\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]), output: () => out });
    });
    child.once('exit', () => reject(new Error(`bare fan-out server exited:\n${out}`)));
  });
}

interface Run {
  figures: LoadFigures;
  heapPerConnection: number;
}

/** Sessions used once before the idle heap is taken, so that code compiled on first use is not counted per connection. */
const WARM_SESSIONS = 5;

/** Runs the whole path once — connect, join, commands, disconnect — and lets the server settle. */
async function warmUp(load: { sessions: LoadSession[]; close(): void }): Promise<void> {
  for (const session of load.sessions) {
    for (let n = 0; n < 10; n++) await session.send(`warm-${n}`, { type: n % 2 === 0 ? 'item.pause' : 'item.resume', itemId: 'a1' });
  }
  load.close();
  await new Promise((r) => setTimeout(r, 1000));
}

async function runBare(count: number): Promise<Run> {
  const bare = await startBare();
  try {
    const inspector = inspectorOf(bare.output);
    if (!inspector) throw new Error('no inspector on the bare server');
    await warmUp(await bareLoad(bare.port, WARM_SESSIONS));
    const idle = await heapAfterGc(inspector);
    const load = await bareLoad(bare.port, count);
    const loaded = await heapAfterGc(inspector);
    const figures = await drive(load.sessions, bare.child.pid!);
    load.close();
    return { figures, heapPerConnection: (loaded - idle) / (count * 12) };
  } finally {
    bare.child.kill('SIGTERM');
  }
}

async function runHearth(env: Record<string, string>, count: number): Promise<Run> {
  const server = await startServerProcess(
    { DEMO: 'true', INVITE_ATTEMPTS: '10000', ...env },
    { args: ['--inspect=127.0.0.1:0', '--import', 'tsx', 'server/src/main.ts'], timeoutMs: 60_000 }
  );
  try {
    const inspector = inspectorOf(server.output);
    if (!inspector) throw new Error('no inspector on the server');
    const cookies = await demoLogins(server.url);
    await demoGroup(server.url, cookies.a);
    await warmUp(await hearthLoad(server, WARM_SESSIONS));
    const idle = await heapAfterGc(inspector);
    const load = await hearthLoad(server, count);
    const loaded = await heapAfterGc(inspector);
    const figures = await drive(load.sessions, server.child.pid!);
    load.close();
    return { figures, heapPerConnection: (loaded - idle) / (count * 12) };
  } finally {
    await server.stop();
  }
}

const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(1)}`;

/** The fan-out benchmarks for each session count (FANOUT_SESSIONS, comma-separated; default 50). */
export async function fanoutBenchmarks(env: Record<string, string>, storeName: string): Promise<Record<string, BenchResult>> {
  const counts = (process.env['FANOUT_SESSIONS'] ?? '50').split(',').map(Number).filter((n) => n > 0);
  const results: Record<string, BenchResult> = {};
  for (const count of counts) {
    // Alternately: the bare server, Hearth, the bare server again (its two runs' samples pooled).
    const bare1 = await runBare(count);
    const hearth = await runHearth(env, count);
    const bare2 = await runBare(count);
    const pool = (f: (r: LoadFigures) => number[]) => [...f(bare1.figures), ...f(bare2.figures)];
    const bare = {
      delivery: pool((f) => f.delivery),
      all12: pool((f) => f.all12),
      ack: pool((f) => f.ack),
      cpu: (bare1.figures.serverCpu + bare2.figures.serverCpu) / 2,
      heap: (bare1.heapPerConnection + bare2.heapPerConnection) / 2,
      lost: bare1.figures.lost + bare2.figures.lost,
      sent: bare1.figures.sent + bare2.figures.sent
    };
    const h = hearth.figures;
    const cmdsPerSecond = (count * PER_SECOND).toString();
    const ratio = (a: number[], b: number[], q: number) => (quantile(a, q) / quantile(b, q)).toFixed(2);
    const cpuPerCommand = (cpu: number) => ((cpu / (count * PER_SECOND)) * 1000).toFixed(3);
    const key = (name: string) => `board.fanout.${count}x12.${name}`;
    const bareKey = (name: string) => `socketio.bare_fanout.${count}x12.${name}`;
    const load = `${count} sessions × 12 sockets, ${cmdsPerSecond} commands/s (${count * PER_SECOND * 12} deliveries/s), ${MEASURE_MS / 1000} s measured after ${WARMUP_MS / 1000} s warm-up`;
    results[bareKey('delivery')] = summarize(bare.delivery, `Bare Socket.IO, one room per session, broadcast then ack; ${load}; two runs around Hearth's. Server CPU ${(bare.cpu * 100).toFixed(1)}% of a core (${cpuPerCommand(bare.cpu)} ms per command); heap ${(bare.heap / 1024).toFixed(1)} KB per connection after GC; lost ${bare.lost} of ${bare.sent * 12}.`);
    results[bareKey('all12')] = summarize(bare.all12, `Bare Socket.IO: command until all 12 sockets of its session have it; ${load}.`);
    results[key('delivery')] = summarize(
      h.delivery,
      `Hearth on ${storeName}: a facilitator's command until each socket of its session has the event; ${load}. ` +
        `p50 ${ratio(h.delivery, bare.delivery, 0.5)}×, p99 ${ratio(h.delivery, bare.delivery, 0.99)}× bare. ` +
        `Server CPU ${(h.serverCpu * 100).toFixed(1)}% of a core (${cpuPerCommand(h.serverCpu)} ms per command; ${(h.serverCpu / bare.cpu).toFixed(2)}× bare), ` +
        `PostgreSQL ${(h.postgresCpu * 100).toFixed(1)}% beside it. Heap ${(hearth.heapPerConnection / 1024).toFixed(1)} KB per connection after GC (bare ${(bare.heap / 1024).toFixed(1)} KB, a difference of ${signed((hearth.heapPerConnection - bare.heap) / 1024)} KB), both servers warmed up on ${WARM_SESSIONS} sessions first. ` +
        `Sent ${h.sent}, refused ${h.refused}, lost deliveries ${h.lost}.`,
      bareKey('delivery')
    );
    results[key('all12')] = summarize(h.all12, `Hearth: command until all 12 sockets of its session have it; p99 ${ratio(h.all12, bare.all12, 0.99)}× bare.`, bareKey('all12'));
    results[key('ack')] = summarize(h.ack, `Hearth: command until its acknowledgement (committed); bare ack p99 ${quantile(bare.ack, 0.99).toFixed(2)} ms.`, bareKey('delivery'));
  }
  return results;
}
