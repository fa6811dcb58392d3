import { randomBytes } from 'node:crypto';
import { takeSeen } from '../tests/support/contractTraffic.ts';
import { startServerProcess, type ServerProcess } from '../tests/support/serverProcess.ts';
import { REDIS_URL } from '../tests/support/services.ts';
import { bareLoad, drive, hearthLoad, startBare, type DriveOptions, type LoadFigures, type LoadSession } from './fanout.ts';
import { benchCpuSeconds, cpuSeconds, machineCpuSeconds, postgresCounter, redisServer } from './machine.ts';
import { quantile, summarize, type BenchResult } from './stats.ts';

/**
 * Scale-out benchmarks, board.fanout's load layout (sessions × 12 sockets, a facilitator of each
 * session pausing and resuming its item) on other servers and rates:
 *
 * - board.fanout.two_instances: two Hearth processes on one database and one Redis, each session's
 *   sockets split between them, beside one Hearth process on the same Redis and bare Socket.IO.
 * - board.throughput_ceiling: one Hearth process (as board.fanout) stepped up in commands per
 *   second until its per-delivery p99 passes CEILING_P99_MS, beside bare Socket.IO stepped alike.
 *
 * The load client runs in this process, on the same cores as the servers, Redis and PostgreSQL.
 */

const WARMUP_MS = 2_000;
const MEASURE_MS = 10_000;
const PER_SECOND = 5;
/** The per-delivery p99 a step must stay under. */
const CEILING_P99_MS = 50;
/**
 * Which sockets of a session are on the sender's instance: the sender (0), the supervisor (2) and
 * three members; the co-facilitator (1) and six members are on the other, so 7 of 12 deliveries cross Redis.
 */
const WITH_SENDER = new Set([0, 2, 3, 4, 5]);
/** Per-socket command limits far above the ceiling's rates: the steps measure the server, not the limiter. */
const UNLIMITED = { COMMANDS_PER_SECOND: '100000', COMMAND_BURST: '100000' };

const env = process.env;
const numbers = (value: string | undefined, fallback: string) =>
  (value ?? fallback).split(',').map(Number).filter((n) => n > 0);

/** Repeated (seq not after the last) and skipped (prevSeq not the last) events, counted on every socket. */
interface Order {
  repeated: number;
  gaps: number;
}

/** Follows each socket's event numbering, as a client would, to see duplicates and gaps the load's counts could hide. */
function watchOrder(sessions: readonly LoadSession[]): Order {
  const order: Order = { repeated: 0, gaps: 0 };
  for (const session of sessions) {
    for (const socket of session.sockets) {
      let last: number | null = null;
      socket.on((m) => {
        if (last !== null && m.seq <= last) return void order.repeated++;
        if (last !== null && m.prevSeq !== last) order.gaps++;
        last = m.seq;
      });
    }
  }
  return order;
}

/** Hearth in its own process, its limits on connections and invite attempts raised for one load client. */
const startHearth = (extra: Record<string, string>) =>
  startServerProcess({ DEMO: 'true', INVITE_ATTEMPTS: '10000', CONNECTIONS_PER_MINUTE: '1000000', ...extra }, { timeoutMs: 60_000 });

interface Run {
  readonly figures: LoadFigures;
  readonly order: Order;
  /** How many times it was run to get one the rest of the machine did not disturb (see undisturbed). */
  readonly tries?: number;
}

/** Busy CPU elsewhere on the machine, in cores, beyond which a run is taken as disturbed. */
const DISTURBED_CORES = 0.25;
const TRIES = 3;

/**
 * Runs `run` until the rest of the machine (other users of this shared 2-core machine) kept under
 * DISTURBED_CORES through its measured window, at most TRIES times; else the least disturbed run.
 */
async function undisturbed(what: string, run: () => Promise<Run>): Promise<Run> {
  let best: Run | null = null;
  let tries = 0;
  while (tries < TRIES) {
    const r = await run();
    tries++;
    if (!best || elsewhere(r.figures) < elsewhere(best.figures)) best = r;
    if (elsewhere(r.figures) <= DISTURBED_CORES) break;
    process.stderr.write(`${what}: the rest of the machine used ${pct(elsewhere(r.figures))} of a core${tries < TRIES ? ', running it again' : ''}\n`);
  }
  return { ...best!, tries };
}

/** One or two Hearth processes on the database of `base` and Redis under a prefix of this run's own. */
async function runInstances(base: Record<string, string>, count: number, instances: 1 | 2, redis: number | null): Promise<Run> {
  const shared = { ...base, REDIS_URL, REDIS_PREFIX: `bench-${randomBytes(6).toString('hex')}:` };
  const servers: ServerProcess[] = [];
  try {
    // The first process seeds the demo organization; the second starts on it.
    servers.push(await startHearth(shared));
    if (instances === 2) servers.push(await startHearth(shared));
    const sideOf = (session: number, socket: number) => WITH_SENDER.has(socket) === (session % 2 === 0) ? 0 : 1;
    const load = await hearthLoad(servers[0]!, count, (s, k) => servers[instances === 2 ? sideOf(s, k) : 0]!.url);
    // Sessions alternate which instance has the sender, so both instances append and both relay.
    const sessions =
      instances === 1
        ? load.sessions
        : load.sessions.map((session) => ({
            ...session,
            sockets: session.sockets.map((socket, k) => ({ ...socket, label: WITH_SENDER.has(k) ? 'same' : 'other' }))
          }));
    const order = watchOrder(sessions);
    const cpu = counters({
      ...(redis !== null && { redis: () => cpuSeconds(redis) }),
      ...(instances === 2 && { second: () => cpuSeconds(servers[1]!.child.pid!) })
    });
    const figures = await drive(sessions, servers[0]!.child.pid!, { perSecond: PER_SECOND, measureMs: MEASURE_MS, cpu });
    load.close();
    return { figures, order };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

/** One Hearth process (no Redis, as board.fanout) with fresh sessions on the database of `base`. */
async function runHearth(base: Record<string, string>, count: number, options: DriveOptions): Promise<Run> {
  const server = await startHearth(base);
  try {
    const load = await hearthLoad(server, count);
    const order = watchOrder(load.sessions);
    const figures = await drive(load.sessions, server.child.pid!, { ...options, cpu: counters() });
    load.close();
    return { figures, order };
  } finally {
    await server.stop();
  }
}

/** The bare Socket.IO server (bench/bareFanout.ts) with the same sessions. */
async function runBare(count: number, options: DriveOptions): Promise<Run> {
  const bare = await startBare();
  try {
    const load = await bareLoad(bare.port, count);
    const order = watchOrder(load.sessions);
    const figures = await drive(load.sessions, bare.child.pid!, { ...options, cpu: counters() });
    load.close();
    return { figures, order };
  } finally {
    bare.child.kill('SIGTERM');
  }
}

/** What every run counts over its window besides the server: the load client, PostgreSQL, and the whole machine. */
const counters = (extra: Readonly<Record<string, () => number>> = {}): DriveOptions['cpu'] => ({
  bench: benchCpuSeconds,
  postgres: postgresCounter(),
  machine: machineCpuSeconds,
  ...extra
});

/** The machine's busy CPU not accounted for by the processes counted (another user of the machine, the kernel, Redis when not counted). */
const elsewhere = (f: LoadFigures) =>
  Object.entries(f.cpu).reduce((left, [name, cores]) => (name === 'machine' ? left : left - cores), (f.cpu['machine'] ?? 0) - f.serverCpu);

/** Says when a run had to be run again because the machine was busy elsewhere. */
const retried = (run: Run) => ((run.tries ?? 1) > 1 ? `, run ${run.tries} times to find the machine quiet (rest ${pct(elsewhere(run.figures))} in the one kept)` : '');

const ms = (samples: readonly number[], q: number) => quantile(samples, q).toFixed(2);
// Clock ticks of several processes read at slightly different moments: a share near 0 may come out a little below it.
const pct = (cores: number | undefined) => (cores === undefined ? 'n/a' : `${(Math.max(0, cores) * 100).toFixed(1)}%`);
const ratio = (a: readonly number[], b: readonly number[], q: number) => (quantile(a, q) / quantile(b, q)).toFixed(2);

/** board.fanout.two_instances and its baselines (INSTANCES_SESSIONS sessions, default 100). Needs PostgreSQL and Redis. */
export async function instancesBenchmarks(base: Record<string, string>, storeName: string): Promise<Record<string, BenchResult>> {
  if (!base['DATABASE_URL']) {
    process.stderr.write('instances: skipped, two server processes need a shared PostgreSQL (set DATABASE_URL)\n');
    return {};
  }
  const server = await redisServer(REDIS_URL);
  if (!server) {
    process.stderr.write(`instances: skipped, no Redis answers at ${REDIS_URL} (set REDIS_URL)\n`);
    return {};
  }
  const redis = server.pid;
  const count = numbers(env['INSTANCES_SESSIONS'], '100')[0] ?? 100;
  // The contract recorder of the test clients keeps every message; nothing checks them here.
  const forget = setInterval(() => takeSeen(), 1000);
  try {
    const bare = await undisturbed('instances: bare', () => runBare(count, { perSecond: PER_SECOND, measureMs: MEASURE_MS }));
    const one1 = await undisturbed('instances: one', () => runInstances(base, count, 1, redis));
    const two = await undisturbed('instances: two', () => runInstances(base, count, 2, redis));
    const one2 = await undisturbed('instances: one again', () => runInstances(base, count, 1, redis));
    const pool = (f: (r: LoadFigures) => number[]) => [...f(one1.figures), ...f(one2.figures)];
    const one = {
      delivery: pool((f) => f.delivery),
      all12: pool((f) => f.all12),
      ack: pool((f) => f.ack),
      avg: (f: (r: LoadFigures) => number | undefined) => ((f(one1.figures) ?? 0) + (f(one2.figures) ?? 0)) / 2,
      sum: (f: (r: Run) => number) => f(one1) + f(one2)
    };
    const t = two.figures;
    const same = t.byLabel['same'] ?? [];
    const other = t.byLabel['other'] ?? [];
    const b = bare.figures;
    const load = `${count} sessions × 12 sockets, ${count * PER_SECOND} commands/s (${count * PER_SECOND * 12} deliveries/s), ${MEASURE_MS / 1000} s measured after ${WARMUP_MS / 1000} s warm-up`;
    const split = `the sender, the supervisor and 3 members on the sender's instance, the co-facilitator and 6 members on the other (7 of 12 deliveries cross Redis); sessions alternate which instance has the sender`;
    const machine =
      `CPU is in cores (100% = one of the 2); Redis and PostgreSQL are their whole processes (shared with any other user of them), ` +
      `"the rest of the machine" is busy CPU of other processes in the window; the load client (this process) shares the 2 cores`;
    const key = (name: string) => `board.fanout.two_instances.${name}`;
    const oneKey = (name: string) => `board.fanout.one_instance.${name}`;
    const bareKey = (name: string) => `socketio.bare_fanout.instances_baseline.${name}`;
    return {
      [bareKey('delivery')]: summarize(
        b.delivery,
        `Bare Socket.IO, one process, one room per session, broadcast then ack; ${load}; run first. Server CPU ${pct(b.serverCpu)} of a core, load client ${pct(b.cpu['bench'])}, PostgreSQL ${pct(b.cpu['postgres'])} (unused here), the rest of the machine ${pct(elsewhere(b))}. ` +
          `Sent ${b.sent}, lost ${b.lost} of ${b.sent * 12}, repeated ${bare.order.repeated}, gaps ${bare.order.gaps}${retried(bare)}.`
      ),
      [bareKey('all12')]: summarize(b.all12, `Bare Socket.IO: command until all 12 sockets of its session have it; ${load}.`),
      [oneKey('delivery')]: summarize(
        one.delivery,
        `Hearth on ${storeName}, one process with REDIS_URL set (a prefix of its own), every socket on it; ${load}; two runs, one before and one after the two-instance run, samples pooled (each run's p99: ${ms(one1.figures.delivery, 0.99)} and ${ms(one2.figures.delivery, 0.99)} ms). ` +
          `p50 ${ratio(one.delivery, b.delivery, 0.5)}×, p99 ${ratio(one.delivery, b.delivery, 0.99)}× bare. ` +
          `Server CPU ${pct(one.avg((f) => f.serverCpu))} of a core, Redis ${pct(one.avg((f) => f.cpu['redis']))}, PostgreSQL ${pct(one.avg((f) => f.cpu['postgres']))}, load client ${pct(one.avg((f) => f.cpu['bench']))}, the rest of the machine ${pct(one.avg(elsewhere))} (means of the two runs). ` +
          `Sent ${one.sum((r) => r.figures.sent)}, refused ${one.sum((r) => r.figures.refused)}, lost deliveries ${one.sum((r) => r.figures.lost)}, repeated ${one.sum((r) => r.order.repeated)}, gaps ${one.sum((r) => r.order.gaps)}${retried(one1)}${retried(one2)}. ${machine}.`,
        bareKey('delivery')
      ),
      [oneKey('all12')]: summarize(one.all12, `Hearth, one process: command until all 12 sockets of its session have it; p99 ${ratio(one.all12, b.all12, 0.99)}× bare.`, bareKey('all12')),
      [oneKey('ack')]: summarize(one.ack, `Hearth, one process: command until its acknowledgement (committed).`),
      [key('delivery')]: summarize(
        t.delivery,
        `Hearth on ${storeName}, two processes on one database and one Redis (a prefix of the run's own), ${split}; ${load}; run between the two one-process runs. ` +
          `Every delivery: p50 ${ratio(t.delivery, one.delivery, 0.5)}×, p99 ${ratio(t.delivery, one.delivery, 0.99)}× one process; p99 ${ratio(t.delivery, b.delivery, 0.99)}× bare. ` +
          `Same instance as the sender p50 ${ms(same, 0.5)} / p99 ${ms(same, 0.99)} ms, other instance p50 ${ms(other, 0.5)} / p99 ${ms(other, 0.99)} ms. ` +
          `CPU: first process ${pct(t.serverCpu)} of a core, second ${pct(t.cpu['second'])} (together ${(((t.serverCpu + (t.cpu['second'] ?? 0)) / one.avg((f) => f.serverCpu))).toFixed(2)}× one process's), ` +
          `Redis ${pct(t.cpu['redis'])} (one process: ${pct(one.avg((f) => f.cpu['redis']))}), PostgreSQL ${pct(t.cpu['postgres'])} (one process: ${pct(one.avg((f) => f.cpu['postgres']))}), load client ${pct(t.cpu['bench'])}, the rest of the machine ${pct(elsewhere(t))}. ` +
          `Sent ${t.sent}, refused ${t.refused}, lost deliveries ${t.lost}, repeated ${two.order.repeated}, gaps ${two.order.gaps}${retried(two)}. ${machine}.`,
        oneKey('delivery')
      ),
      [key('same_instance')]: summarize(
        same,
        `Two processes: deliveries to the 5 sockets on the sender's instance (the sender's own among them); p50 ${ratio(same, one.delivery, 0.5)}×, p99 ${ratio(same, one.delivery, 0.99)}× one process.`,
        oneKey('delivery')
      ),
      [key('other_instance')]: summarize(
        other,
        `Two processes: deliveries to the 7 sockets on the other instance, through Redis; p50 ${ratio(other, one.delivery, 0.5)}×, p99 ${ratio(other, one.delivery, 0.99)}× one process; p99 ${ratio(other, same, 0.99)}× the same instance's.`,
        oneKey('delivery')
      ),
      [key('all12')]: summarize(t.all12, `Two processes: command until all 12 sockets of its session (on both instances) have it; p99 ${ratio(t.all12, one.all12, 0.99)}× one process, ${ratio(t.all12, b.all12, 0.99)}× bare.`, oneKey('all12')),
      [key('ack')]: summarize(t.ack, `Two processes: command until its acknowledgement (committed); p99 ${ratio(t.ack, one.ack, 0.99)}× one process.`, oneKey('ack'))
    };
  } finally {
    clearInterval(forget);
  }
}

/** One step of the ceiling: its rate, what came of it, and whether it stayed under the bound. */
interface Step {
  readonly perSecond: number;
  readonly run: Run;
  readonly under: boolean;
}

const offered = (count: number, step: Step) => count * step.perSecond;
const stepLine = (count: number, step: Step) => {
  const f = step.run.figures;
  const achieved = f.sent / (MEASURE_MS / 1000);
  return (
    `${offered(count, step)}/s (sent ${achieved.toFixed(0)}/s): p50 ${ms(f.delivery, 0.5)} / p99 ${ms(f.delivery, 0.99)} ms, ack p99 ${ms(f.ack, 0.99)} ms, ` +
    `server ${pct(f.serverCpu)}, PostgreSQL ${pct(f.cpu['postgres'])}, client ${pct(f.cpu['bench'])}, rest of the machine ${pct(elsewhere(f))} (machine busy ${pct(f.cpu['machine'])} of 200%), refused ${f.refused}, lost ${f.lost}` +
    (step.run.order.repeated + step.run.order.gaps > 0 ? `, repeated ${step.run.order.repeated}, gaps ${step.run.order.gaps}` : '') +
    retried(step.run)
  );
};

/** board.throughput_ceiling: CEILING_SESSIONS (default 200) × 12 at CEILING_RATES commands/s per session (default 5,7.5,10,12.5,15,20,25: finer where one process's ceiling was found to lie). */
export async function ceilingBenchmarks(base: Record<string, string>, storeName: string): Promise<Record<string, BenchResult>> {
  const count = numbers(env['CEILING_SESSIONS'], '200')[0] ?? 200;
  const rates = numbers(env['CEILING_RATES'], '5,7.5,10,12.5,15,20,25');
  const options = (perSecond: number): DriveOptions => ({ perSecond, measureMs: MEASURE_MS });
  const isUnder = (run: Run) =>
    quantile(run.figures.delivery, 0.99) <= CEILING_P99_MS && run.figures.refused === 0 && run.figures.lost === 0 && run.order.gaps === 0;
  const hearthSteps: Step[] = [];
  const bareSteps: Step[] = [];
  const forget = setInterval(() => takeSeen(), 1000);
  try {
    // Each rate: bare Socket.IO, then Hearth (a fresh process and fresh sessions on the same database),
    // each side stepping on until it passes the bound.
    for (const perSecond of rates) {
      const bareOver = bareSteps.some((s) => !s.under);
      const hearthOver = hearthSteps.some((s) => !s.under);
      if (bareOver && hearthOver) break;
      if (!bareOver) {
        const run = await undisturbed(`ceiling: bare ${count * perSecond}/s`, () => runBare(count, options(perSecond)));
        bareSteps.push({ perSecond, run, under: isUnder(run) });
        process.stderr.write(`ceiling: bare ${stepLine(count, bareSteps.at(-1)!)}\n`);
      }
      if (!hearthOver) {
        const run = await undisturbed(`ceiling: hearth ${count * perSecond}/s`, () => runHearth({ ...base, ...UNLIMITED }, count, options(perSecond)));
        hearthSteps.push({ perSecond, run, under: isUnder(run) });
        process.stderr.write(`ceiling: hearth ${stepLine(count, hearthSteps.at(-1)!)}\n`);
      }
    }
  } finally {
    clearInterval(forget);
  }
  const lastUnder = (steps: Step[]) => steps.filter((s) => s.under).at(-1);
  const firstOver = (steps: Step[]) => steps.find((s) => !s.under);
  const bareAt = (perSecond: number) => bareSteps.find((s) => s.perSecond === perSecond);
  const table = (steps: Step[]) => steps.map((s) => stepLine(count, s)).join('; ');
  // Which process, if any, had a core to itself at the step that decided: the load client's limit is not the server's.
  const busiest = (step: Step) => {
    const f = step.run.figures;
    const client = f.cpu['bench'] ?? 0;
    if (client >= 0.9) return `; there the load client used ${pct(client)} of a core: its limit as much as the server's`;
    if (f.serverCpu >= 0.9) return `; there the server used ${pct(f.serverCpu)} of a core`;
    return `; there no process used a whole core (server ${pct(f.serverCpu)}, client ${pct(client)}, PostgreSQL ${pct(f.cpu['postgres'])}, machine ${pct(f.cpu['machine'])} of 200%)`;
  };
  const verdict = (steps: Step[]) => {
    const under = lastUnder(steps);
    const over = firstOver(steps);
    if (!over) return `stays under ${CEILING_P99_MS} ms through ${offered(count, steps.at(-1)!)} commands/s, the last step${busiest(steps.at(-1)!)}`;
    if (!under) return `over ${CEILING_P99_MS} ms (or refusing or losing) already at the first step, ${offered(count, over)} commands/s`;
    return `ceiling between ${offered(count, under)} commands/s (last step with p99 ≤ ${CEILING_P99_MS} ms and nothing refused or lost) and ${offered(count, over)} commands/s (the first over)${busiest(over)}`;
  };
  const layout =
    `${count} sessions × 12 sockets, a facilitator per session sending at the step's rate (× 12 deliveries each); per step a fresh server and fresh sessions, ` +
    `${WARMUP_MS / 1000} s warm-up and ${MEASURE_MS / 1000} s measured, as board.fanout; ` +
    `stepping stops at the first step whose per-delivery p99 passes ${CEILING_P99_MS} ms or that refuses or loses a command`;
  const honest =
    `CPU is in cores (100% = one of the 2); PostgreSQL is all of its processes, "rest of the machine" the busy CPU of every other process in the window. ` +
    `The load client is one Node process on the same 2 cores as the server and PostgreSQL: at "client" near 100% it, not the server, sets the pace (sent/s then falls below the step's rate and the latencies include the client's own queueing)`;
  const bareKey = (step: Step) => `socketio.bare_throughput.${offered(count, step)}`;
  const results: Record<string, BenchResult> = {};
  for (const step of bareSteps) {
    results[bareKey(step)] = summarize(step.run.figures.delivery, `Bare Socket.IO at ${stepLine(count, step)}; one step of board.throughput_ceiling's baseline.`);
  }
  const bareSummary = `Bare Socket.IO, ${layout}: ${verdict(bareSteps)}. Steps: ${table(bareSteps)}. ${honest}.`;
  const bareTop = lastUnder(bareSteps) ?? bareSteps[0];
  if (bareTop) results['socketio.bare_throughput_ceiling'] = summarize(bareTop.run.figures.delivery, `Per-delivery latency at the last step under the bound. ${bareSummary}`, bareKey(bareTop));
  const compare = (step: Step) => {
    const bare = bareAt(step.perSecond);
    return bare
      ? `p50 ${ratio(step.run.figures.delivery, bare.run.figures.delivery, 0.5)}×, p99 ${ratio(step.run.figures.delivery, bare.run.figures.delivery, 0.99)}× bare at the same rate`
      : 'bare was not run at this rate';
  };
  const top = lastUnder(hearthSteps) ?? hearthSteps[0];
  if (top) {
    const bare = bareAt(top.perSecond);
    results['board.throughput_ceiling'] = summarize(
      top.run.figures.delivery,
      `Hearth on ${storeName}, one process (no Redis, as board.fanout), ${layout}: ${verdict(hearthSteps)}. ` +
        `These samples: ${lastUnder(hearthSteps) ? 'the last step under' : 'the first step (none was under)'}, ${offered(count, top)} commands/s; ${compare(top)}. ` +
        `Steps: ${table(hearthSteps)}. Bare Socket.IO in the same run: ${verdict(bareSteps)}. ${honest}.`,
      bare && bareKey(bare)
    );
  }
  const over = firstOver(hearthSteps);
  if (over && over !== top) {
    const bare = bareAt(over.perSecond);
    results['board.throughput_ceiling.first_over'] = summarize(
      over.run.figures.delivery,
      `Hearth at the first step over the bound, ${stepLine(count, over)}; ${compare(over)}.`,
      bare && bareKey(bare)
    );
  }
  return results;
}
