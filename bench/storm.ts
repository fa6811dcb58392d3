import { performance } from 'node:perf_hooks';
import type { JoinResult } from '@hearth/shared';
import { io, type Socket } from 'socket.io-client';
import { connectBoard, emitAck, type BoardClient } from '../tests/support/boardClient.ts';
import { takeSeen } from '../tests/support/contractTraffic.ts';
import { startServerProcess } from '../tests/support/serverProcess.ts';
import { demoLogins } from '../tests/support/testServer.ts';
import { EventLedger, type LedgerTally } from './eventLedger.ts';
import { bareLoad, hearthLoad, startBare } from './fanout.ts';
import { cpuSeconds, postgresCounter } from './machine.ts';
import { quantile, summarize, type BenchResult } from './stats.ts';

/**
 * board.reconnect_storm: N sessions × 12 sockets (hearthLoad's layout), a facilitator's second
 * socket in each session pausing and resuming its item once a second throughout. Every one of the
 * N × 12 sockets is dropped at once (its transport closed, as a network drop does), stays away for
 * OUTAGE_MS while the commands go on, then all reconnect together and `join` with `lastSeq` (members
 * with `lastPrivateSeq` too). Each socket's events, live and replayed, are checked against the log.
 * The bare Socket.IO server takes the same sockets' drop, reconnect and re-join in the same run.
 */

const PER_SECOND = 1;
/** Before the drop: every socket hears a few events live. */
const WARMUP_MS = 3_000;
/** The network is away this long: each session appends about one event its sockets miss. */
const OUTAGE_MS = 1_000;
/** The load goes on this long after the last socket resumed, then stops. */
const AFTER_MS = 2_000;
const DRAIN_MS = 1_000;
/** A socket not back within this long counts as not resumed. */
const GIVE_UP_MS = 60_000;
const RETRY_MS = 250;
const TARGET_MS = 5_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One of the sockets the storm drops: how it joins again once reconnected. */
interface Dropped {
  readonly socket: Socket;
  /** Sends the join a returning client sends; resolves whether it was answered ok. */
  rejoin(): Promise<boolean>;
}

interface StormFigures {
  /** Per socket, from the reconnect until its join answer. */
  back: number[];
  notBack: number;
  connectErrors: number;
  joinErrors: number;
  /** CPU from the reconnect until the last socket was back, in cores. */
  serverCpu: number;
  postgresCpu: number;
  /** This process's: the load client's thousands of sockets. */
  clientCpu: number;
}

/** Opens the socket again (the network is back) and waits for the connection or its refusal. */
function reconnect(socket: Socket): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      socket.off('connect', onConnect);
      socket.off('connect_error', onError);
      resolve(ok);
    };
    const onConnect = () => done(true);
    const onError = () => done(false);
    socket.once('connect', onConnect);
    socket.once('connect_error', onError);
    socket.connect();
  });
}

/**
 * Drops every socket at once by closing its transport (the server sees the connection end, as in a
 * network drop; the client does not retry on its own), waits OUTAGE_MS, then reconnects them all
 * together and re-joins each, retrying a refused connection or join until GIVE_UP_MS.
 */
async function storm(sockets: readonly Dropped[], serverPid: number): Promise<StormFigures> {
  const figures: StormFigures = { back: [], notBack: 0, connectErrors: 0, joinErrors: 0, serverCpu: 0, postgresCpu: 0, clientCpu: 0 };
  for (const { socket } of sockets) socket.io.engine.close();
  await sleep(OUTAGE_MS);
  const postgresCpuSeconds = postgresCounter();
  const cpu0 = { server: cpuSeconds(serverPid), postgres: postgresCpuSeconds(), client: process.cpuUsage() };
  const t0 = performance.now();
  await Promise.all(
    sockets.map(async (s) => {
      while (performance.now() - t0 < GIVE_UP_MS) {
        if (!(await reconnect(s.socket))) {
          figures.connectErrors++;
          await sleep(RETRY_MS);
          continue;
        }
        if (await s.rejoin()) {
          figures.back.push(performance.now() - t0);
          return;
        }
        figures.joinErrors++;
        s.socket.io.engine.close();
        await sleep(RETRY_MS);
      }
      figures.notBack++;
    })
  );
  const wall = (performance.now() - t0) / 1000;
  figures.serverCpu = (cpuSeconds(serverPid) - cpu0.server) / wall;
  figures.postgresCpu = (postgresCpuSeconds() - cpu0.postgres) / wall;
  const client = process.cpuUsage(cpu0.client);
  figures.clientCpu = (client.user + client.system) / 1e6 / wall;
  return figures;
}

/** The command load: per session, `send(n)` sends the n-th command, spread over the second. */
function commandLoad(count: number, send: (session: number, n: number) => Promise<boolean>) {
  const figures = { sent: 0, refused: 0 };
  const timers: NodeJS.Timeout[] = [];
  const inFlight = new Set<Promise<void>>();
  for (let s = 0; s < count; s++) {
    let n = 0;
    const fire = () => {
      figures.sent++;
      const p = send(s, n++).then((ok) => {
        if (!ok) figures.refused++;
      });
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    };
    timers.push(setTimeout(() => timers.push(setInterval(fire, 1000 / PER_SECOND)), (s / count) * (1000 / PER_SECOND)));
  }
  return {
    figures,
    async stop() {
      for (const t of timers) clearInterval(t);
      await Promise.allSettled([...inFlight]);
    }
  };
}

interface HearthStorm {
  figures: StormFigures;
  tally: LedgerTally;
  sockets: number;
  sent: number;
  refused: number;
}

const join = (socket: BoardClient, sessionId: string, from: { lastSeq?: number; lastPrivateSeq?: number } = {}): Promise<JoinResult> =>
  emitAck(socket, 'join', { sessionId, ...from }, 30_000).catch((): JoinResult => ({ ok: false, error: { code: 'INTERNAL', message: 'no answer' } }));

async function runHearth(env: Record<string, string>, count: number): Promise<HearthStorm> {
  const server = await startServerProcess(
    { DEMO: 'true', INVITE_ATTEMPTS: '10000', CONNECTIONS_PER_MINUTE: '1000000', ...env },
    { timeoutMs: 60_000 }
  );
  try {
    const load = await hearthLoad(server, count);
    const cookies = await demoLogins(server.url);
    // Each socket joins again for a snapshot: where its ledger starts.
    const ledgers = await Promise.all(
      load.sessions.map((session, s) =>
        Promise.all(
          load.clients[s]!.map(async (socket) => {
            const ledger = new EventLedger();
            socket.on('event', (m) => ledger.hear('event', m));
            socket.on('private', (m) => ledger.hear('private', m));
            ledger.joining();
            const r = await join(socket, session.id);
            if (!r.ok) throw new Error(`join failed: ${JSON.stringify(r)}`);
            ledger.answered(r);
            return ledger;
          })
        )
      )
    );
    // The facilitator's second device, which the storm does not drop, sends the load.
    const senders: BoardClient[] = [];
    for (const session of load.sessions) {
      const sender = await connectBoard(server.url, { cookie: cookies.a });
      if (!(await join(sender, session.id)).ok) throw new Error('sender join failed');
      senders.push(sender);
    }
    takeSeen();
    const paused = load.sessions.map(() => false);
    const commands = commandLoad(count, async (s, n) => {
      const type = paused[s] ? ('item.resume' as const) : ('item.pause' as const);
      paused[s] = !paused[s];
      const r = await emitAck(senders[s]!, 'command', { sessionId: load.sessions[s]!.id, id: `storm-${n}`, command: { type, itemId: 'a1' } }, 30_000).catch(() => ({ ok: false }));
      // Refused: no event came; the next command keeps the same state.
      if (!r.ok) paused[s] = !paused[s];
      return r.ok;
    });
    await sleep(WARMUP_MS);
    const dropped: Dropped[] = load.sessions.flatMap((session, s) =>
      load.clients[s]!.map((socket, k) => {
        const ledger = ledgers[s]![k]!;
        return {
          socket,
          async rejoin() {
            ledger.joining();
            const r = await join(socket, session.id, ledger.position());
            if (r.ok) ledger.answered(r);
            return r.ok;
          }
        };
      })
    );
    const figures = await storm(dropped, server.child.pid!);
    takeSeen();
    await sleep(AFTER_MS);
    await commands.stop();
    await sleep(DRAIN_MS);
    // The log as each socket's role numbers it, read by a resume from the socket's first position.
    const tally: LedgerTally = { duplicated: 0, missing: 0, wrong: 0, gaps: 0, overlap: 0, replayed: 0, snapshots: 0 };
    for (const [s, session] of load.sessions.entries()) {
      await Promise.all(
        load.clients[s]!.map(async (socket, k) => {
          const ledger = ledgers[s]![k]!;
          const log = await join(socket, session.id, ledger.origin());
          if (!log.ok || log.mode !== 'resume') throw new Error(`reading the log back failed: ${JSON.stringify(log).slice(0, 300)}`);
          // The load's last event, in this socket's numbering: everything up to it must be there.
          const last = log.events.findLast((m) => m.event.type === 'item.paused' || m.event.type === 'item.resumed');
          const t = ledger.check(log, last?.seq ?? 0);
          for (const key of Object.keys(tally) as (keyof LedgerTally)[]) tally[key] += t[key];
        })
      );
    }
    takeSeen();
    for (const sender of senders) sender.close();
    load.close();
    return { figures, tally, sockets: dropped.length, ...commands.figures };
  } finally {
    await server.stop();
  }
}

async function runBare(count: number): Promise<StormFigures> {
  const bare = await startBare();
  try {
    const load = await bareLoad(bare.port, count);
    const senders: Socket[] = [];
    for (let s = 0; s < count; s++) {
      const sender = io(`http://127.0.0.1:${bare.port}`, { transports: ['websocket'], forceNew: true, reconnection: false });
      await new Promise((resolve) => sender.once('connect', () => resolve(undefined)));
      senders.push(sender);
    }
    const commands = commandLoad(count, (s, n) =>
      new Promise((resolve) =>
        senders[s]!.timeout(30_000).emit('command', { sessionId: load.sessions[s]!.id, id: `storm-${n}`, command: { type: n % 2 === 0 ? 'item.pause' : 'item.resume', itemId: 'a1' } }, (err: Error | null) => resolve(!err))
      )
    );
    await sleep(WARMUP_MS);
    const dropped: Dropped[] = load.sessions.flatMap((session, s) =>
      load.clients[s]!.map((socket) => ({
        socket,
        rejoin: () =>
          new Promise<boolean>((resolve) => socket.timeout(30_000).emit('join', { sessionId: session.id }, (err: Error | null) => resolve(!err)))
      }))
    );
    const figures = await storm(dropped, bare.child.pid!);
    await commands.stop();
    for (const sender of senders) sender.close();
    load.close();
    return figures;
  } finally {
    bare.child.kill('SIGTERM');
  }
}

/** The reconnect storm for STORM_SESSIONS sessions (default 200: 2,400 sockets). */
export async function stormBenchmarks(env: Record<string, string>, storeName: string): Promise<Record<string, BenchResult>> {
  const count = Number(process.env['STORM_SESSIONS'] ?? '200');
  // Alternately: the bare server, Hearth, the bare server again (its two runs' samples pooled).
  const bare1 = await runBare(count);
  const hearth = await runHearth(env, count);
  const bare2 = await runBare(count);
  const bare = {
    back: [...bare1.back, ...bare2.back],
    notBack: bare1.notBack + bare2.notBack,
    errors: bare1.connectErrors + bare2.connectErrors + bare1.joinErrors + bare2.joinErrors,
    cpu: (bare1.serverCpu + bare2.serverCpu) / 2,
    clientCpu: (bare1.clientCpu + bare2.clientCpu) / 2
  };
  const h = hearth.figures;
  const t = hearth.tally;
  const all = (xs: number[]) => Math.max(...xs).toFixed(0);
  const ratio = (q: number) => (quantile(h.back, q) / quantile(bare.back, q)).toFixed(2);
  const sockets = hearth.sockets;
  const load = `${count} sessions × 12 sockets (${sockets}) dropped at once (transport closed), ${OUTAGE_MS / 1000} s away, then all reconnecting together; a facilitator's undropped second socket per session pausing/resuming ${PER_SECOND}×/s throughout`;
  return {
    'socketio.bare_reconnect_storm': summarize(
      bare.back,
      `Bare Socket.IO (one room per session, no resume): ${load}; from the reconnect until each socket's re-join is acknowledged; two runs around Hearth's. ` +
        `All back within ${all(bare1.back)} and ${all(bare2.back)} ms; not back ${bare.notBack}; refused connections or joins ${bare.errors}; server CPU ${(bare.cpu * 100).toFixed(1)}% of a core from the reconnect until all were back, the load client's ${(bare.clientCpu * 100).toFixed(1)}%.`
    ),
    'board.reconnect_storm': summarize(
      h.back,
      `Hearth on ${storeName}, one instance without Redis (local fan-out, presence in memory): ${load}; each socket joins with lastSeq (members also lastPrivateSeq) = its own last, ` +
        `timed from the reconnect until its resume answer (add ${OUTAGE_MS} ms for the time from the drop). ` +
        `All ${sockets - h.notBack} of ${sockets} resumed within ${all(h.back)} ms (target ${TARGET_MS}; ${(Math.max(...h.back) + OUTAGE_MS).toFixed(0)} ms from the drop); not resumed ${h.notBack}; refused connections ${h.connectErrors}, joins ${h.joinErrors}. ` +
        `p50 ${ratio(0.5)}×, p99 ${ratio(0.99)}× bare. Server CPU ${(h.serverCpu * 100).toFixed(1)}% of a core from the reconnect until all resumed (bare ${(bare.cpu * 100).toFixed(1)}%), PostgreSQL ${(h.postgresCpu * 100).toFixed(1)}% and the load client ${(h.clientCpu * 100).toFixed(1)}% beside it. ` +
        `Checked per socket against a resume from its first position read after the load stopped, up to the load's last event: duplicated ${t.duplicated}, missing ${t.missing}, wrong ${t.wrong}; ` +
        `gaps seen ${t.gaps}, snapshots instead of resume ${t.snapshots}; ${t.replayed} events replayed by resumes, ${t.overlap} live copies of events a resume answer also held (allowed: in the room before the log is read). ` +
        `Commands sent ${hearth.sent}, refused or unanswered ${hearth.refused}. The load client, the server and PostgreSQL share the machine's cores.`,
      'socketio.bare_reconnect_storm'
    )
  };
}
