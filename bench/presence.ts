import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { takeSeen } from '../tests/support/contractTraffic.ts';
import { dropProbe, redisProbe, type RedisProbe } from '../tests/support/redisProbe.ts';
import { startServerProcess } from '../tests/support/serverProcess.ts';
import { bareLoad, hearthLoad, startBare } from './fanout.ts';
import { cpuSeconds } from './machine.ts';
import { summarize, type BenchResult } from './stats.ts';

/**
 * presence.heartbeat: N sessions × 12 sockets (hearthLoad's layout; 84 × 12 = 1,008 by default)
 * joined and idle, on Redis presence heartbeated every second (PRESENCE_HEARTBEAT_SECONDS=1, TTL 3 s)
 * and each socket pinged every second (SOCKET_PING_SECONDS=1).
 * The server's CPU is sampled every second for MEASURE_S seconds from /proc, with Redis's beside
 * it. The same sockets idle on the bare Socket.IO server with Engine.IO pinging every second are
 * the baseline, in the same run; so is Hearth at the default 5 s heartbeat, to tell the beat's share.
 */

const MEASURE_S = 10;
/** After the last join: presence views sent, members' arrivals recorded, before measuring. */
const SETTLE_MS = 5_000;
const TARGET_PERCENT = 15;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The redis-server process listening on `url`'s port on this machine, if it is here. */
function redisServerPid(url: string): number | null {
  const port = new URL(url).port || '6379';
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'redis-server') continue;
      // redis-server names itself "redis-server <address>:<port>".
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(`:${port}`)) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return null;
}

/** Lua scripts Redis has run so far (presence's every change, heartbeat and listing is one), from INFO. */
async function scriptCalls(probe: RedisProbe): Promise<number> {
  const info = await probe.sendCommand(['INFO', 'commandstats']);
  let calls = 0;
  for (const m of String(info).matchAll(/^cmdstat_(?:eval|evalsha):calls=(\d+)/gm)) calls += Number(m[1]);
  return calls;
}

interface Samples {
  /** CPU of the server process in % of one core, one sample per second. */
  server: number[];
  redis: number[];
  /** Scripts Redis ran per second over the window (any client of that Redis). */
  scriptsPerSecond: number;
}

/** Per-second CPU samples of the server and of Redis (empty when Redis is not on this machine). */
async function sampleCpu(serverPid: number, redisPid: number | null, probe: RedisProbe): Promise<Samples> {
  const samples: Samples = { server: [], redis: [], scriptsPerSecond: 0 };
  const calls0 = await scriptCalls(probe);
  const t0 = performance.now();
  let last = { at: performance.now(), server: cpuSeconds(serverPid), redis: redisPid === null ? 0 : cpuSeconds(redisPid) };
  for (let n = 0; n < MEASURE_S; n++) {
    await sleep(1000);
    const now = { at: performance.now(), server: cpuSeconds(serverPid), redis: redisPid === null ? 0 : cpuSeconds(redisPid) };
    const wall = (now.at - last.at) / 1000;
    samples.server.push(((now.server - last.server) / wall) * 100);
    if (redisPid !== null) samples.redis.push(((now.redis - last.redis) / wall) * 100);
    last = now;
  }
  samples.scriptsPerSecond = (await scriptCalls(probe) - calls0) / ((performance.now() - t0) / 1000);
  return samples;
}

async function runHearth(env: Record<string, string>, count: number, redisUrl: string, heartbeatSeconds: number, redisPid: number | null, probe: RedisProbe): Promise<Samples> {
  const server = await startServerProcess(
    {
      DEMO: 'true', INVITE_ATTEMPTS: '10000', CONNECTIONS_PER_MINUTE: '1000000',
      REDIS_URL: redisUrl,
      // Keys and channels of this run alone: the Redis may be shared.
      REDIS_PREFIX: `bench-presence-${process.pid}-${heartbeatSeconds}:`,
      PRESENCE_HEARTBEAT_SECONDS: String(heartbeatSeconds),
      PRESENCE_TTL_SECONDS: String(Math.max(3 * heartbeatSeconds, 3)),
      // Each client heartbeats (answers Engine.IO's ping) as often as presence beats, as the bare clients do.
      SOCKET_PING_SECONDS: String(heartbeatSeconds),
      ...env
    },
    { timeoutMs: 60_000 }
  );
  try {
    const load = await hearthLoad(server, count);
    takeSeen();
    await sleep(SETTLE_MS);
    const samples = await sampleCpu(server.child.pid!, redisPid, probe);
    takeSeen();
    load.close();
    return samples;
  } finally {
    await server.stop();
  }
}

async function runBare(count: number, redisPid: number | null, probe: RedisProbe): Promise<Samples> {
  const bare = await startBare({ PING_INTERVAL_MS: '1000' });
  try {
    const load = await bareLoad(bare.port, count);
    await sleep(SETTLE_MS);
    const samples = await sampleCpu(bare.child.pid!, redisPid, probe);
    load.close();
    return samples;
  } finally {
    bare.child.kill('SIGTERM');
  }
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const pct = (x: number) => `${x.toFixed(1)}%`;

/** Presence heartbeating for PRESENCE_SESSIONS × 12 idle sockets (default 84: 1,008); needs REDIS_URL. */
export async function presenceBenchmarks(env: Record<string, string>, storeName: string): Promise<Record<string, BenchResult>> {
  const redisUrl = process.env['REDIS_URL'];
  if (!redisUrl) {
    process.stderr.write('\n*** presence.heartbeat SKIPPED: it measures Redis presence; set REDIS_URL. ***\n\n');
    return {};
  }
  const count = Number(process.env['PRESENCE_SESSIONS'] ?? '84');
  const sockets = count * 12;
  const redisPid = redisServerPid(redisUrl);
  const probe = await redisProbe(redisUrl);
  let bare: Samples, hearth: Samples, slow: Samples;
  try {
    bare = await runBare(count, redisPid, probe);
    hearth = await runHearth(env, count, redisUrl, 1, redisPid, probe);
    slow = await runHearth(env, count, redisUrl, 5, redisPid, probe);
  } finally {
    dropProbe(probe);
  }
  const redis = (s: Samples) =>
    `${redisPid === null ? 'CPU not measured (not on this machine)' : `${pct(mean(s.redis))} of a core (max ${pct(Math.max(...s.redis))})`}, ${s.scriptsPerSecond.toFixed(0)} scripts/s`;
  const measured = `CPU of the server process from /proc over ${MEASURE_S} s, one sample a second (median and p99 = the highest second, in % of one core), after ${SETTLE_MS / 1000} s settling`;
  return {
    'socketio.bare_idle_ping': summarize(
      bare.server,
      `Bare Socket.IO, ${sockets} sockets joined to ${count} rooms, idle, Engine.IO pingInterval 1000 ms; ${measured}. Mean ${pct(mean(bare.server))}. ` +
        `Redis meanwhile (unused by it: whatever else uses that Redis) ${redis(bare)}.`,
      undefined,
      '%'
    ),
    'presence.heartbeat': summarize(
      hearth.server,
      `Hearth on ${storeName}, ${sockets} sockets (${count} sessions × 12: 2 facilitators, a supervisor, 9 members) joined and idle, presence in Redis heartbeated every second ` +
        `(PRESENCE_HEARTBEAT_SECONDS=1, PRESENCE_TTL_SECONDS=3, SOCKET_PING_SECONDS=1); ${measured}. Mean ${pct(mean(hearth.server))} (target ≤ ${TARGET_PERCENT}%), ` +
        `${(mean(hearth.server) / mean(bare.server)).toFixed(2)}× bare's mean; Redis beside it ${redis(hearth)} (a heartbeat and a listing per session per beat: ${2 * count}/s expected; during the bare run ${redis(bare)}). ` +
        `At the default 5 s heartbeat: server mean ${pct(mean(slow.server))}, Redis ${redis(slow)}. ` +
        `Every socket is pinged as often as presence beats (SOCKET_PING_SECONDS), as the bare ones are. ` +
        `The idle server also re-checks each socket's credential every 30 s (in a sweep every 3 s).`,
      'socketio.bare_idle_ping',
      '%'
    )
  };
}
