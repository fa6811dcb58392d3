import { randomBytes, randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryPresence } from '../../server/src/presence/MemoryPresence.ts';
import type { ConnRef, PresenceStore, PresenceConn, PresenceEntry, PresenceTimings } from '../../server/src/presence/PresenceStore.ts';
import { RedisPresence } from '../../server/src/presence/RedisPresence.ts';
import { createLogger } from '../../server/src/log.ts';
import { RedisBus } from '../../server/src/redis/RedisBus.ts';
import { redisProbe } from '../support/redisProbe.ts';
import { REDIS_URL } from '../support/services.ts';
import { waitFor } from '../support/wait.ts';

/** Production's timings: the clock is moved by hand, so nothing waits for them. */
const T: PresenceTimings = { ttlMs: 20_000, heartbeatMs: 5_000, graceMs: 15_000 };

/** A clock the test moves. */
class Clock {
  t = Date.now();
  readonly now = () => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

/** Two handles on one store (two instances' view of it) and how to clean up after them. */
interface Opened {
  readonly a: PresenceStore;
  readonly b: PresenceStore;
  cleanup(): Promise<void>;
}

interface Adapter {
  readonly name: string;
  open(clock: Clock): Promise<Opened>;
}

/** Deletes every key under a prefix on the shared Redis. */
async function deletePrefix(prefix: string): Promise<void> {
  const r = await redisProbe(REDIS_URL);
  try {
    for await (const keys of r.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) if (keys.length > 0) await r.del(keys);
  } finally {
    r.destroy();
  }
}

/** One instance's bus on the shared Redis, everything under `prefix`. */
const instanceBus = (prefix: string) => RedisBus.open(REDIS_URL, { prefix, logger: createLogger('silent') });

const RUN_PREFIX = `hearth:test:${Date.now().toString(36)}${randomBytes(3).toString('hex')}:`;

const adapters: readonly Adapter[] = [
  {
    name: 'memory',
    async open(clock) {
      const a = new MemoryPresence(T, clock.now);
      const b = a.sharing();
      return { a, b, cleanup: async () => void (await Promise.all([a.close(), b.close()])) };
    }
  },
  {
    name: 'Redis',
    async open(clock) {
      // A prefix per test on the shared Redis: runs and tests never see each other's keys.
      const prefix = `${RUN_PREFIX}${randomBytes(4).toString('hex')}:`;
      // Two instances: a bus each, under one prefix.
      const buses = [instanceBus(prefix), instanceBus(prefix)] as const;
      const a = new RedisPresence(buses[0], T, { prefix: '', now: clock.now });
      const b = new RedisPresence(buses[1], T, { prefix: '', now: clock.now });
      await Promise.all([a.connected(), b.connected()]);
      return {
        a,
        b,
        async cleanup() {
          await Promise.all([a.close(), b.close()]);
          await Promise.all(buses.map((bus) => bus.close()));
          await deletePrefix(prefix);
        }
      };
    }
  }
];

const entry = (sessionId: string, connId: string, over: Partial<PresenceEntry> = {}): PresenceEntry => ({
  sessionId,
  connId,
  key: `key-${connId}`,
  role: 'member',
  name: `Name ${connId}`,
  ...over
});

/** A session's connections as (connId → state), for compact assertions. */
async function states(p: PresenceStore, sessionId: string): Promise<Record<string, PresenceConn['state']>> {
  return Object.fromEntries((await p.list(sessionId)).map((c) => [c.connId, c.state]));
}

const sortRefs = (refs: readonly ConnRef[]) => [...refs].sort((x, y) => (x.sessionId + x.connId).localeCompare(y.sessionId + y.connId));

/** The presence port's contract: every adapter must pass the same suite. */
describe.each(adapters)('presence contract on $name', (adapter) => {
  let clock: Clock;
  let a: PresenceStore;
  let b: PresenceStore;
  let cleanup: () => Promise<void>;
  let s1: string;
  let s2: string;

  beforeEach(async () => {
    clock = new Clock();
    ({ a, b, cleanup } = await adapter.open(clock));
    s1 = randomUUID();
    s2 = randomUUID();
  });
  afterEach(async () => {
    await cleanup();
  });

  it('lists a joined connection as connected, with who it is; joining again replaces its details', async () => {
    await a.join(entry(s1, 'c1', { key: 'acct-1', role: 'facilitator', name: 'Alex Rivera' }));
    expect(await a.list(s1)).toEqual([{ sessionId: s1, connId: 'c1', key: 'acct-1', role: 'facilitator', name: 'Alex Rivera', state: 'connected' }]);
    await a.join(entry(s1, 'c1', { key: 'acct-1', role: 'facilitator', name: 'Alex R.' }));
    expect((await a.list(s1)).map((c) => c.name)).toEqual(['Alex R.']);
    expect(await a.list(s2)).toEqual([]);
    expect(a.settled()).toBe(true);
  });

  it('keeps a heartbeated connection; one not heartbeated turns reconnecting when late, and is gone after the TTL', async () => {
    await a.join(entry(s1, 'c1'));
    await a.join(entry(s1, 'c2'));
    clock.advance(2 * T.heartbeatMs - 1);
    expect(await states(a, s1)).toEqual({ c1: 'connected', c2: 'connected' });
    clock.advance(1);
    // Two heartbeats late: its instance may be gone.
    expect(await states(a, s1)).toEqual({ c1: 'reconnecting', c2: 'reconnecting' });
    expect(await a.heartbeat([{ sessionId: s1, connId: 'c1' }])).toEqual([]);
    expect(await states(a, s1)).toEqual({ c1: 'connected', c2: 'reconnecting' });
    clock.advance(T.ttlMs - 2 * T.heartbeatMs - 1);
    expect(Object.keys(await states(a, s1)).sort()).toEqual(['c1', 'c2']);
    clock.advance(1);
    // c2 expired; c1 is late again (its last beat was two intervals ago).
    expect(await states(b, s1)).toEqual({ c1: 'reconnecting' });
    // Heartbeating an expired connection does not bring it back: it is reported, to be joined again.
    expect(await a.heartbeat([{ sessionId: s1, connId: 'c1' }, { sessionId: s1, connId: 'c2' }])).toEqual([{ sessionId: s1, connId: 'c2' }]);
    expect(await states(a, s1)).toEqual({ c1: 'connected' });
  });

  it('heartbeats a batch across sessions and reports only the connections it does not have', async () => {
    await a.join(entry(s1, 'c1'));
    await a.join(entry(s2, 'c2'));
    clock.advance(T.ttlMs - 1);
    const missing = await a.heartbeat([
      { sessionId: s1, connId: 'c1' },
      { sessionId: s2, connId: 'c2' },
      { sessionId: s2, connId: 'never-joined' }
    ]);
    expect(missing).toEqual([{ sessionId: s2, connId: 'never-joined' }]);
    clock.advance(T.ttlMs - 1);
    expect(await states(a, s1)).toEqual({ c1: 'reconnecting' });
    expect(await states(a, s2)).toEqual({ c2: 'reconnecting' });
    expect(sortRefs(await a.heartbeat([]))).toEqual([]);
  });

  it('shows a dropped connection as reconnecting for the grace period, then it is gone; a heartbeat does not revive it', async () => {
    await a.join(entry(s1, 'c1'));
    await a.drop({ sessionId: s1, connId: 'c1' });
    expect(await states(b, s1)).toEqual({ c1: 'reconnecting' });
    expect(await a.heartbeat([{ sessionId: s1, connId: 'c1' }])).toEqual([{ sessionId: s1, connId: 'c1' }]);
    // Dropping again does not extend the grace.
    clock.advance(T.graceMs - 1);
    await a.drop({ sessionId: s1, connId: 'c1' });
    expect(await states(b, s1)).toEqual({ c1: 'reconnecting' });
    clock.advance(1);
    expect(await states(b, s1)).toEqual({});
  });

  it('ends a person\'s dropped connections as soon as they join again, leaving other people\'s alone', async () => {
    await a.join(entry(s1, 'c1', { key: 'maple' }));
    await a.join(entry(s1, 'c2', { key: 'birch' }));
    await a.drop({ sessionId: s1, connId: 'c1' });
    await a.drop({ sessionId: s1, connId: 'c2' });
    // Maple reconnects, through the other instance.
    await b.join(entry(s1, 'c3', { key: 'maple' }));
    expect(await states(a, s1)).toEqual({ c2: 'reconnecting', c3: 'connected' });
  });

  it('removes a connection that leaves at once; leaving or dropping an unknown one changes nothing', async () => {
    await a.join(entry(s1, 'c1'));
    await a.join(entry(s1, 'c2'));
    await b.leave({ sessionId: s1, connId: 'c1' });
    await a.leave({ sessionId: s1, connId: 'nobody' });
    await a.drop({ sessionId: s2, connId: 'nobody' });
    expect(await states(a, s1)).toEqual({ c2: 'connected' });
    expect(await states(a, s2)).toEqual({});
  });

  it('hands each vacated session to exactly one caller, once per vacancy', async () => {
    await a.join(entry(s1, 'c1'));
    await b.join(entry(s2, 'c2'));
    await a.join(entry(s2, 'c3'));
    expect([...(await a.claimVacated()), ...(await b.claimVacated())]).toEqual([]);

    // s1's only connection leaves: s1 is due at once, and only one of two concurrent callers gets it.
    await a.leave({ sessionId: s1, connId: 'c1' });
    const [fromA, fromB] = await Promise.all([a.claimVacated(), b.claimVacated()]);
    expect([...fromA, ...fromB]).toEqual([s1]);
    expect(await a.claimVacated()).toEqual([]);

    // s2: one connection leaves (not vacant), the other drops and is due when its grace ends.
    await b.leave({ sessionId: s2, connId: 'c2' });
    await a.drop({ sessionId: s2, connId: 'c3' });
    expect(await b.claimVacated()).toEqual([]);
    clock.advance(T.graceMs);
    expect(await b.claimVacated()).toEqual([s2]);
    expect(await a.claimVacated()).toEqual([]);

    // A session that fills and empties again is due again; one that expires (its instance died) too.
    await a.join(entry(s1, 'c4'));
    await b.join(entry(s2, 'c5'));
    await b.heartbeat([{ sessionId: s2, connId: 'c5' }]);
    await a.leave({ sessionId: s1, connId: 'c4' });
    expect(await b.claimVacated()).toEqual([s1]);
    clock.advance(T.ttlMs - 1);
    expect(await b.claimVacated()).toEqual([]);
    clock.advance(1);
    expect(await a.claimVacated()).toEqual([s2]);
    // Heartbeating a connection nobody has does not make a session due.
    await a.heartbeat([{ sessionId: randomUUID(), connId: 'ghost' }]);
    expect(await a.claimVacated()).toEqual([]);
  });

  it('shares one store between handles and tells the other handles of changes', async () => {
    const heard: string[] = [];
    b.onChange((sessionId) => heard.push(sessionId));
    await a.join(entry(s1, 'c1', { key: 'acct-9', role: 'supervisor', name: 'Dr. Morgan Lee' }));
    expect(await b.list(s1)).toEqual([{ sessionId: s1, connId: 'c1', key: 'acct-9', role: 'supervisor', name: 'Dr. Morgan Lee', state: 'connected' }]);
    await waitFor(() => heard.includes(s1), 2000, 'b to hear of the join');
    await a.drop({ sessionId: s1, connId: 'c1' });
    await waitFor(() => heard.filter((s) => s === s1).length >= 2, 2000, 'b to hear of the drop');
    await a.leave({ sessionId: s1, connId: 'c1' });
    await waitFor(() => heard.filter((s) => s === s1).length >= 3, 2000, 'b to hear of the leave');
    expect(heard.every((s) => s === s1)).toBe(true);
  });

  it('keeps names as given, whatever characters they hold', async () => {
    const name = 'Zoë "Z" O\'Neil / 林 \\ 🌿';
    await a.join(entry(s1, 'c1', { name }));
    await a.drop({ sessionId: s1, connId: 'c1' });
    expect((await b.list(s1)).map((c) => [c.name, c.state])).toEqual([[name, 'reconnecting']]);
  });
});

describe('presence on Redis: keys', () => {
  it('live under the prefix and expire on their own when no instance touches them', async () => {
    const clock = new Clock();
    const prefix = `${RUN_PREFIX}keys:`;
    const bus = instanceBus(prefix);
    const p = new RedisPresence(bus, T, { prefix: '', now: clock.now });
    const probe = await redisProbe(REDIS_URL);
    try {
      await p.connected();
      const sessionId = randomUUID();
      await p.join(entry(sessionId, 'c1'));
      const keys = (await probe.keys(`${prefix}*`)).sort();
      expect(keys).toEqual([`${prefix}${sessionId}`, `${prefix}${sessionId}:conns`, `${prefix}sessions`].sort());
      const keep = 2 * (T.ttlMs + T.graceMs);
      for (const k of keys) {
        const ttl = await probe.pTTL(k);
        expect(ttl, k).toBeGreaterThan(0);
        expect(ttl, k).toBeLessThanOrEqual(keep);
      }
      expect(await probe.zScore(`${prefix}${sessionId}`, 'c1')).toBe(clock.t + T.ttlMs);
      // The last connection leaving removes the session's keys; the index keeps it until claimed.
      await p.leave({ sessionId, connId: 'c1' });
      expect(await probe.keys(`${prefix}*`)).toEqual([`${prefix}sessions`]);
      expect(await p.claimVacated()).toEqual([sessionId]);
    } finally {
      await p.close();
      await bus.close();
      probe.destroy();
      await deletePrefix(prefix);
    }
  });
});
