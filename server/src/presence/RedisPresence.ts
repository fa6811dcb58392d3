import { z } from 'zod';
import { errorMessage, type Logger } from '../log.ts';
import type { RedisBus, RedisClient } from '../redis/RedisBus.ts';
import { RedisScript } from './RedisScript.ts';
import {
  StoredDetails,
  staleMs,
  stateAt,
  type ConnRef,
  type PresenceStore,
  type PresenceConn,
  type PresenceEntry,
  type PresenceTimings
} from './PresenceStore.ts';

// Every session script gets KEYS = [the session's sorted set, its details hash, the vacancy index]
// and ARGV = [sessionId, now, keepMs, …]. prune() ends expired connections; touch() records when the
// session's last connection ends (a session with none left stays due for its claim) and pushes the
// keys' own expiry out, so an abandoned session's keys vanish even if no instance ever lists it.
const PRELUDE = `
local function prune(now)
  local gone = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)
  for i = 1, #gone do redis.call('HDEL', KEYS[2], gone[i]) end
  if #gone > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now) end
end
local function touch()
  local top = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  if top[2] then
    redis.call('ZADD', KEYS[3], top[2], ARGV[1])
    redis.call('PEXPIRE', KEYS[1], ARGV[3])
    redis.call('PEXPIRE', KEYS[2], ARGV[3])
  else
    redis.call('DEL', KEYS[2])
    redis.call('ZADD', KEYS[3], 'XX', ARGV[2], ARGV[1])
  end
  redis.call('PEXPIRE', KEYS[3], ARGV[3])
end
local function details(text)
  if not text then return nil end
  local ok, d = pcall(cjson.decode, text)
  if ok and type(d) == 'table' then return d end
  return nil
end
prune(ARGV[2])
`;

/** ARGV[4] connId, [5] key, [6] details JSON, [7] expiresAt. The person's dropped connections end: they are back. */
const JOIN = new RedisScript(`${PRELUDE}
local all = redis.call('HGETALL', KEYS[2])
for i = 1, #all, 2 do
  local d = details(all[i + 1])
  if d and d.key == ARGV[5] and d.dropped then
    redis.call('HDEL', KEYS[2], all[i])
    redis.call('ZREM', KEYS[1], all[i])
  end
end
redis.call('HSET', KEYS[2], ARGV[4], ARGV[6])
redis.call('ZADD', KEYS[1], ARGV[7], ARGV[4])
touch()
return 1`);

/** ARGV[4] expiresAt, [5…] connIds. Returns the ones not live (unknown, expired or dropped). */
const HEARTBEAT = new RedisScript(`${PRELUDE}
local missing = {}
for i = 5, #ARGV do
  local c = ARGV[i]
  local d = details(redis.call('HGET', KEYS[2], c))
  if d and not d.dropped and redis.call('ZSCORE', KEYS[1], c) then
    redis.call('ZADD', KEYS[1], 'XX', ARGV[4], c)
  else
    missing[#missing + 1] = c
  end
end
touch()
return missing`);

/** ARGV[4] connId, [5] expiresAt (end of the grace). */
const DROP = new RedisScript(`${PRELUDE}
local d = details(redis.call('HGET', KEYS[2], ARGV[4]))
if d and not d.dropped then
  d.dropped = true
  redis.call('HSET', KEYS[2], ARGV[4], cjson.encode(d))
  redis.call('ZADD', KEYS[1], 'XX', ARGV[5], ARGV[4])
end
touch()
return 1`);

/** ARGV[4] connId. */
const LEAVE = new RedisScript(`${PRELUDE}
redis.call('HDEL', KEYS[2], ARGV[4])
redis.call('ZREM', KEYS[1], ARGV[4])
touch()
return 1`);

/** Returns [connId, expiresAt, details JSON] triples, flattened. */
const LIST = new RedisScript(`${PRELUDE}
local live = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
local out = {}
for i = 1, #live, 2 do
  local d = redis.call('HGET', KEYS[2], live[i])
  if d then
    out[#out + 1] = live[i]
    out[#out + 1] = live[i + 1]
    out[#out + 1] = d
  else
    redis.call('ZREM', KEYS[1], live[i])
  end
end
return out`);

/** KEYS[1] the vacancy index; ARGV now, limit. Whoever runs it first takes the due sessions. */
const CLAIM = new RedisScript(`
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
if #due > 0 then redis.call('ZREM', KEYS[1], unpack(due)) end
return due`);

const Strings = z.array(z.string());

/** Options of the Redis adapter; the defaults are production's. */
export interface RedisPresenceOptions {
  /** Prefix of every key, under the bus's own (tests use one per run). */
  readonly prefix?: string;
  readonly now?: () => number;
  readonly logger?: Logger;
}

/**
 * Presence in Redis, shared by every instance. Per session a sorted set `<prefix><sessionId>` of
 * connection ids scored by when each expires (last heartbeat + TTL, or drop + grace), beside a hash
 * `<prefix><sessionId>:conns` of their details; both keys expire on their own when nobody touches
 * them. `<prefix>sessions` scores each session by when its last connection ends, so that exactly one
 * instance claims each vacancy. Every change is one Lua script, so concurrent instances never see
 * half of one. Changes are announced on the bus (`<prefix>changed`).
 *
 * Scores come from the instance's clock, not Redis TIME: the contract suite moves an injected clock
 * instead of sleeping, which Redis TIME would not follow; instances' clocks (NTP) differ by
 * milliseconds against a TTL of seconds, and a skew of s seconds only moves expiries by s.
 *
 * Commands go over the bus's command connection, which fails fast while Redis is down (presence is
 * lossy by design and a backlog would only be stale): they fail, and the next heartbeat finds what
 * went missing. After Redis comes back, maybe empty, the store is unsettled until every instance has
 * had time to heartbeat its connections again.
 */
export class RedisPresence implements PresenceStore {
  private readonly redis: RedisClient;
  /** Keys' prefix (under the bus's), and the channel of change announcements. */
  private readonly prefix: string;
  private readonly changes: string;
  private readonly now: () => number;
  private readonly listeners: ((sessionId: string) => void)[] = [];
  /** When the connection last became ready after being lost; null while down. */
  private readySince: number | null = Number.NEGATIVE_INFINITY;
  private everReady = false;
  private readonly subscribed: Promise<unknown>;

  constructor(private readonly bus: RedisBus, private readonly timings: PresenceTimings, options: RedisPresenceOptions = {}) {
    this.prefix = bus.name(options.prefix ?? 'presence:');
    this.changes = `${options.prefix ?? 'presence:'}changed`;
    this.now = options.now ?? Date.now;
    const logger = options.logger;
    this.redis = bus.clients.commands;
    if (this.redis.isReady) this.everReady = true;
    this.redis.on('ready', () => {
      if (this.everReady) this.readySince = this.now();
      this.everReady = true;
    });
    this.redis.on('reconnecting', () => {
      if (this.everReady) this.readySince = null;
    });
    this.subscribed = bus
      .subscribe(this.changes, (payload) => {
        const sessionId = payload.toString();
        for (const l of this.listeners) l(sessionId);
      })
      .catch((e: unknown) => logger?.error('redis subscribe failed', { error: errorMessage(e) }));
  }

  /**
   * Resolves once commands can be sent and changes are being listened for. Optional: before then
   * commands fail and the next heartbeat catches up; tests wait so that their first step counts.
   */
  async connected(): Promise<void> {
    if (!this.redis.isReady) await new Promise<void>((resolve) => this.redis.once('ready', () => resolve()));
    await this.subscribed;
  }

  private keys(sessionId: string): string[] {
    return [`${this.prefix}${sessionId}`, `${this.prefix}${sessionId}:conns`, `${this.prefix}sessions`];
  }

  /** How long an untouched session's keys live: well past any expiry they could hold. */
  private get keepMs(): number {
    return 2 * (this.timings.ttlMs + this.timings.graceMs);
  }

  private run(script: RedisScript, sessionId: string, ...args: (string | number)[]): Promise<unknown> {
    return script.run(this.redis, this.keys(sessionId), [sessionId, this.now(), Math.ceil(this.keepMs), ...args]);
  }

  private announce(sessionId: string): void {
    this.bus.publish(this.changes, sessionId);
  }

  async join(entry: PresenceEntry): Promise<void> {
    const details: StoredDetails = { key: entry.key, role: entry.role, name: entry.name };
    await this.run(JOIN, entry.sessionId, entry.connId, entry.key, JSON.stringify(details), this.now() + this.timings.ttlMs);
    this.announce(entry.sessionId);
  }

  async heartbeat(conns: readonly ConnRef[]): Promise<ConnRef[]> {
    const bySession = new Map<string, string[]>();
    for (const c of conns) bySession.set(c.sessionId, [...(bySession.get(c.sessionId) ?? []), c.connId]);
    const expiresAt = this.now() + this.timings.ttlMs;
    // One script per session, pipelined together (auto-pipelining): one round trip per batch.
    const answers = await Promise.all(
      [...bySession].map(async ([sessionId, connIds]) => {
        const missing = Strings.parse(await this.run(HEARTBEAT, sessionId, expiresAt, ...connIds));
        return missing.map((connId) => ({ sessionId, connId }));
      })
    );
    return answers.flat();
  }

  async drop(conn: ConnRef): Promise<void> {
    await this.run(DROP, conn.sessionId, conn.connId, this.now() + this.timings.graceMs);
    this.announce(conn.sessionId);
  }

  async leave(conn: ConnRef): Promise<void> {
    await this.run(LEAVE, conn.sessionId, conn.connId);
    this.announce(conn.sessionId);
  }

  async list(sessionId: string): Promise<PresenceConn[]> {
    const now = this.now();
    const flat = Strings.parse(await this.run(LIST, sessionId));
    const out: PresenceConn[] = [];
    for (let i = 0; i + 2 < flat.length; i += 3) {
      const [connId, score, text] = [flat[i]!, Number(flat[i + 1]), flat[i + 2]!];
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        continue;
      }
      const d = StoredDetails.safeParse(parsed);
      if (!d.success) continue;
      const { dropped, ...who } = d.data;
      out.push({ sessionId, connId, ...who, state: stateAt(score, dropped === true, now, this.timings) });
    }
    return out;
  }

  async claimVacated(limit = 100): Promise<string[]> {
    return Strings.parse(await CLAIM.run(this.redis, [`${this.prefix}sessions`], [this.now(), limit]));
  }

  settled(): boolean {
    return this.readySince !== null && this.now() - this.readySince >= staleMs(this.timings);
  }

  onChange(listener: (sessionId: string) => void): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {
    await this.bus.unsubscribe(this.changes);
  }
}
