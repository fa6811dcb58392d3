import type { BoardState, JoinResult, PresenceView } from '@hearth/shared';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/src/app.ts';
import { connectBoard, emitAck, login, type BoardClient } from '../support/boardClient.ts';
import { freePort, redisFaultSuite, startOwnRedis, type OwnRedis } from '../support/ownRedis.ts';
import { boardAt } from '../support/probes.ts';
import { dropProbe, redisProbe, type RedisProbe } from '../support/redisProbe.ts';
import { startServerProcess, type ServerProcess } from '../support/serverProcess.ts';
import { REDIS_URL, createTestDatabase, type TestDatabase } from '../support/services.ts';
import { DEMO_PASSWORD, FACILITATOR_A, FACILITATOR_B, SUPERVISOR, joinAsMember, scheduleSession, startTestServer } from '../support/testServer.ts';
import { waitFor } from '../support/wait.ts';

// Small presence timings so the suite is fast; production's are 20 s / 5 s / 15 s.
const TTL_S = 3;
const HEARTBEAT_S = 0.5;
const GRACE_S = 2;
const PRESENCE_ENV = {
  PRESENCE_TTL_SECONDS: String(TTL_S),
  PRESENCE_HEARTBEAT_SECONDS: String(HEARTBEAT_S),
  PRESENCE_GRACE_SECONDS: String(GRACE_S)
};
const CLINICIAN_NAMES = ['Alex Rivera', 'Sam Okafor', 'Dr. Morgan Lee', 'Morgan', 'alex@', 'sam@', 'morgan@'];

/** One board socket with everything it received: presence views, and every frame as JSON. */
interface Watched {
  readonly socket: BoardClient;
  readonly views: PresenceView[];
  readonly frames: string[];
  readonly joined: Extract<JoinResult, { ok: true }>;
}

async function open(baseUrl: string, auth: { cookie?: string; token?: string }, sessionId: string, sockets: BoardClient[]): Promise<Watched> {
  const socket = await connectBoard(baseUrl, auth);
  sockets.push(socket);
  const views: PresenceView[] = [];
  const frames: string[] = [];
  // Listening before joining: the first view may come before the join's answer.
  socket.on('presence', (v) => views.push(v));
  socket.onAny((name: string, ...args: unknown[]) => frames.push(JSON.stringify([name, ...args])));
  const joined = await emitAck(socket, 'join', { sessionId });
  if (!joined.ok) throw new Error(`join failed: ${joined.error.code}`);
  frames.push(JSON.stringify(['ack', joined]));
  return { socket, views, frames, joined };
}

const latest = (w: Watched): PresenceView | undefined => w.views[w.views.length - 1];

/** A clinician's view as `role:name:state` lines. */
function clinicianLines(w: Watched): string[] | null {
  const v = latest(w);
  return v?.audience === 'clinician' ? v.people.map((p) => `${p.role}:${p.name}:${p.state}`) : null;
}

/** A member's view, compactly. */
function memberSummary(w: Watched): { members: string[]; facilitators: number; observed: boolean } | null {
  const v = latest(w);
  return v?.audience === 'member' ? { members: v.members.map((m) => `${m.alias}:${m.state}`), facilitators: v.facilitators, observed: v.observed } : null;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Consecutive views on one socket are never the same: only changes are sent. */
function expectNoRepeats(w: Watched, who: string): void {
  for (let i = 1; i < w.views.length; i++) expect(JSON.stringify(w.views[i]), `${who} view ${i}`).not.toBe(JSON.stringify(w.views[i - 1]));
}

describe('presence across two server processes on one Postgres and one Redis', () => {
  let db: TestDatabase;
  let sql: postgres.Sql;
  const processes: ServerProcess[] = [];
  const sockets: BoardClient[] = [];
  let p1: ServerProcess;
  let p2: ServerProcess;
  let sessionId: string;
  let memberIds: Record<string, string>;
  /** A second session whose only clients are on p1: after the kill, no survivor watches it. */
  let orphanId: string;
  const w: Record<'aOn1' | 'mapleOn1' | 'bOn2' | 'riverOn2' | 'supOn2', Watched> = {} as Record<'aOn1' | 'mapleOn1' | 'bOn2' | 'riverOn2' | 'supOn2', Watched>;

  beforeAll(async () => {
    db = await createTestDatabase();
    sql = postgres(db.url, { max: 2, onnotice: () => undefined });
    const env = { DATABASE_URL: db.url, REDIS_URL, DEMO: 'true', ...PRESENCE_ENV };
    p1 = await startServerProcess(env);
    processes.push(p1);
    p2 = await startServerProcess(env);
    processes.push(p2);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await Promise.all(processes.map((p) => p.stop()));
    await sql?.end({ timeout: 5 });
    await db?.drop();
  });

  it('shows each process\'s clients to the other\'s, each audience its own view', async () => {
    const cookieA = await login(p1.url, FACILITATOR_A, DEMO_PASSWORD);
    const cookieB = await login(p2.url, FACILITATOR_B, DEMO_PASSWORD);
    const cookieSup = await login(p2.url, SUPERVISOR, DEMO_PASSWORD);
    const session = await scheduleSession(p1.url, cookieA);
    sessionId = session.id;
    const maple = await joinAsMember(p1.url, session, 'Maple');
    const river = await joinAsMember(p2.url, session, 'River');

    w.aOn1 = await open(p1.url, { cookie: cookieA }, sessionId, sockets);
    w.mapleOn1 = await open(p1.url, { token: maple }, sessionId, sockets);
    w.bOn2 = await open(p2.url, { cookie: cookieB }, sessionId, sockets);
    w.riverOn2 = await open(p2.url, { token: river }, sessionId, sockets);
    const roster = w.bOn2.joined.mode === 'snapshot' ? (w.bOn2.joined.state as BoardState).roster : [];
    memberIds = Object.fromEntries(roster.map((r) => [r.alias, r.memberId]));

    // Before the supervisor opens the board, members are not observed.
    const unobserved = { members: ['Maple:connected', 'River:connected'], facilitators: 2, observed: false };
    for (const m of [w.mapleOn1, w.riverOn2]) await waitFor(() => same(memberSummary(m), unobserved), 5000, 'members to see each other');

    w.supOn2 = await open(p2.url, { cookie: cookieSup }, sessionId, sockets);
    const observed = { ...unobserved, observed: true };
    for (const m of [w.mapleOn1, w.riverOn2]) await waitFor(() => same(memberSummary(m), observed), 5000, 'members to see that they are observed');
    const everyone = [
      'facilitator:Alex Rivera:connected',
      'facilitator:Sam Okafor:connected',
      'supervisor:Dr. Morgan Lee:connected',
      'member:Maple:connected',
      'member:River:connected'
    ];
    for (const c of [w.aOn1, w.bOn2, w.supOn2]) await waitFor(() => same(clinicianLines(c), everyone), 5000, 'clinicians to see everyone');

    // Clinicians see who each person is; members never receive a clinician's name, email or account id.
    const people = latest(w.aOn1)!.audience === 'clinician' ? (latest(w.aOn1) as Extract<PresenceView, { audience: 'clinician' }>).people : [];
    const clinicianKeys = people.filter((p) => p.role !== 'member').map((p) => p.key);
    expect(clinicianKeys).toHaveLength(3);
    expect(people.filter((p) => p.role === 'member').map((p) => p.key).sort()).toEqual([memberIds['Maple'], memberIds['River']].sort());
    for (const m of [w.mapleOn1, w.riverOn2]) {
      expect(m.views.every((v) => v.audience === 'member' && v.sessionId === sessionId)).toBe(true);
      const all = m.frames.join('\n');
      for (const secret of [...CLINICIAN_NAMES, ...clinicianKeys]) expect(all, `a member received "${secret}"`).not.toContain(secret);
    }
    for (const c of [w.aOn1, w.bOn2, w.supOn2]) expect(c.views.every((v) => v.audience === 'clinician')).toBe(true);

    const orphan = await scheduleSession(p1.url, cookieA);
    orphanId = orphan.id;
    const cedar = await joinAsMember(p1.url, orphan, 'Cedar');
    const aOrphan = await open(p1.url, { cookie: cookieA }, orphanId, sockets);
    await open(p1.url, { token: cedar }, orphanId, sockets);
    await waitFor(() => same(clinicianLines(aOrphan), ['facilitator:Alex Rivera:connected', 'member:Cedar:connected']), 5000, 'Cedar in presence');
  });

  it('drops a killed process\'s clients from presence within the TTL, and records their members\' departure once', async () => {
    const t0 = Date.now();
    await p1.kill9();
    // Their heartbeats stop: first they show as reconnecting, then they are gone.
    await waitFor(
      () => same(clinicianLines(w.bOn2), [
        'facilitator:Alex Rivera:reconnecting',
        'facilitator:Sam Okafor:connected',
        'supervisor:Dr. Morgan Lee:connected',
        'member:Maple:reconnecting',
        'member:River:connected'
      ]),
      30_000,
      'the killed process\'s clients to show as reconnecting'
    );
    const reconnectingMs = Date.now() - t0;
    const remaining = ['facilitator:Sam Okafor:connected', 'supervisor:Dr. Morgan Lee:connected', 'member:River:connected'];
    await waitFor(() => same(clinicianLines(w.bOn2), remaining), 30_000, 'the killed process\'s clients to leave presence');
    const goneMs = Date.now() - t0;
    await waitFor(() => same(clinicianLines(w.supOn2), remaining), 5000, 'the supervisor to see them gone');
    await waitFor(() => same(memberSummary(w.riverOn2), { members: ['River:connected'], facilitators: 1, observed: true }), 5000, 'River to see them gone');
    // The promise: a crashed instance's clients leave within TTL + heartbeat of their last beat.
    expect(goneMs).toBeGreaterThanOrEqual((TTL_S - HEARTBEAT_S) * 1000);
    expect(goneMs, 'gone within TTL + heartbeat (and a second for the sweep and the view to travel)').toBeLessThan((TTL_S + HEARTBEAT_S + 1) * 1000);

    // Maple's departure is in the log, once (only the survivor could notice it), and her arrival once.
    const attendance = async () =>
      sql<{ type: string; memberId: string; at: number }[]>`
        select event->>'type' as type, event->>'memberId' as "memberId", (event->>'at')::bigint as at
        from session_events where session_id = ${sessionId} and event->>'type' in ('member.connected', 'member.disconnected') order by seq`;
    await waitFor(async () => (await attendance()).some((r) => r.type === 'member.disconnected'), 10_000, 'member.disconnected in the log');
    const loggedMs = Date.now() - t0;
    const rows = await attendance();
    expect(rows.map((r) => `${r.type}:${r.memberId}`).sort()).toEqual(
      [`member.connected:${memberIds['Maple']}`, `member.connected:${memberIds['River']}`, `member.disconnected:${memberIds['Maple']}`].sort()
    );
    const disconnectedAt = Number(rows.find((r) => r.type === 'member.disconnected')!.at);
    expect(disconnectedAt).toBeGreaterThanOrEqual(t0);

    // The session with no survivor: its vacancy is claimed by p2, which records Cedar's departure.
    await waitFor(
      async () => (await sql`select 1 from session_events where session_id = ${orphanId} and event->>'type' = 'member.disconnected'`).length === 1,
      10_000,
      'member.disconnected for the session nobody watches'
    );
    const orphanLoggedMs = Date.now() - t0;

    for (const [who, watched] of Object.entries(w)) expectNoRepeats(watched, who);
    // Members never saw a clinician's name, before or after the kill.
    expect(w.riverOn2.frames.join('\n')).not.toContain('Alex Rivera');
    process.stdout.write(
      `${JSON.stringify({
        test: 'presence kill -9',
        timings: { ttlS: TTL_S, heartbeatS: HEARTBEAT_S, graceS: GRACE_S },
        reconnectingAfterMs: reconnectingMs,
        goneAfterMs: goneMs,
        disconnectLoggedAfterMs: loggedMs,
        unwatchedSessionDisconnectLoggedAfterMs: orphanLoggedMs,
        viewsReceived: Object.fromEntries(Object.entries(w).map(([k, v]) => [k, v.views.length]))
      })}\n`
    );
  });
});

describe('presence on one instance (in process, no Redis; Postgres)', () => {
  let server: RunningServer | null = null;
  let db: TestDatabase | null = null;
  const sockets: BoardClient[] = [];
  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startTestServer({ DATABASE_URL: db.url, ...PRESENCE_ENV });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await server?.close();
    await db?.drop();
  });

  it('keeps a member with a second device connected, shows a dropped one reconnecting, and records their departure after the grace', async () => {
    const url = server!.url;
    const cookieA = await login(url, FACILITATOR_A, DEMO_PASSWORD);
    const session = await scheduleSession(url, cookieA);
    const maple = await joinAsMember(url, session, 'Maple');
    const a = await open(url, { cookie: cookieA }, session.id, sockets);
    const phone = await open(url, { token: maple }, session.id, sockets);
    const laptop = await open(url, { token: maple }, session.id, sockets);
    await waitFor(() => same(clinicianLines(a), ['facilitator:Alex Rivera:connected', 'member:Maple:connected']), 5000, 'Maple listed once');
    // The second device joining changed nothing, so it got the current view directly.
    expect(memberSummary(laptop)).toEqual({ members: ['Maple:connected'], facilitators: 1, observed: false });

    // The phone goes without a word (its connection drops), then the laptop leaves on purpose: Maple
    // is not gone but reconnecting, for the phone's grace...
    // The grace starts when the phone's connection drops.
    const t0 = Date.now();
    phone.socket.close();
    await new Promise((resolve) => laptop.socket.emit('leave', { sessionId: session.id }, resolve));
    await waitFor(() => same(clinicianLines(a), ['facilitator:Alex Rivera:connected', 'member:Maple:reconnecting']), 5000, 'Maple reconnecting');
    // ...until the grace ends.
    await waitFor(() => same(clinicianLines(a), ['facilitator:Alex Rivera:connected']), 10_000, 'Maple gone');
    const goneMs = Date.now() - t0;
    expect(goneMs).toBeGreaterThan(GRACE_S * 1000 - 2 * HEARTBEAT_S * 1000);
    expect(goneMs, 'gone once the grace is over (a second for the sweep and the view to travel)').toBeLessThan((GRACE_S + 2 * HEARTBEAT_S + 1) * 1000);
    await waitFor(
      async () => {
        const { state } = await boardAt(url, { cookie: cookieA }, session.id);
        const intervals = 'attendance' in state ? Object.values(state.attendance).map((x) => x.intervals.map((i) => i.to !== null)) : [];
        return same(intervals, [[true]]);
      },
      5000,
      'one closed attendance interval'
    );
    expectNoRepeats(a, 'facilitator');
  });

  it('sees a member who comes back within the grace as never gone', async () => {
    const url = server!.url;
    const cookieA = await login(url, FACILITATOR_A, DEMO_PASSWORD);
    const session = await scheduleSession(url, cookieA);
    const cedar = await joinAsMember(url, session, 'Cedar');
    const a = await open(url, { cookie: cookieA }, session.id, sockets);
    const first = await open(url, { token: cedar }, session.id, sockets);
    await waitFor(() => same(clinicianLines(a), ['facilitator:Alex Rivera:connected', 'member:Cedar:connected']), 5000, 'Cedar in');
    first.socket.io.engine.close();
    await waitFor(() => same(clinicianLines(a), ['facilitator:Alex Rivera:connected', 'member:Cedar:reconnecting']), 5000, 'Cedar reconnecting');
    await open(url, { token: cedar }, session.id, sockets);
    await waitFor(() => same(clinicianLines(a), ['facilitator:Alex Rivera:connected', 'member:Cedar:connected']), 5000, 'Cedar back');
    const { state } = await boardAt(url, { cookie: cookieA }, session.id);
    expect('attendance' in state ? Object.values(state.attendance).map((x) => x.intervals.map((i) => i.to)) : []).toEqual([[null]]);
  });
});

describe.skipIf(!redisFaultSuite('presence after a Redis restart'))(
  'presence after a Redis restart',
  () => {
    let redis: OwnRedis | null = null;
    let port: number;
    let server: RunningServer | null = null;
    let db: TestDatabase | null = null;
    let probe: RedisProbe | null = null;
    const sockets: BoardClient[] = [];

    beforeAll(async () => {
      port = await freePort();
      redis = await startOwnRedis(port);
      db = await createTestDatabase();
      server = await startTestServer({ DATABASE_URL: db.url, REDIS_URL: redis.url, ...PRESENCE_ENV });
    });
    afterAll(async () => {
      for (const s of sockets) s.close();
      dropProbe(probe);
      await server?.close();
      await redis?.kill9();
      await db?.drop();
    });

    it('comes back by itself, with no one vanishing and no departure recorded', async () => {
      const url = server!.url;
      const cookieA = await login(url, FACILITATOR_A, DEMO_PASSWORD);
      const cookieB = await login(url, FACILITATOR_B, DEMO_PASSWORD);
      const session = await scheduleSession(url, cookieA);
      const maple = await joinAsMember(url, session, 'Maple');
      const a = await open(url, { cookie: cookieA }, session.id, sockets);
      const m = await open(url, { token: maple }, session.id, sockets);
      const both = ['facilitator:Alex Rivera:connected', 'member:Maple:connected'];
      await waitFor(() => same(clinicianLines(a), both), 5000, 'both in presence');
      await waitFor(() => same(memberSummary(m), { members: ['Maple:connected'], facilitators: 1, observed: false }), 5000, 'Maple to see herself');
      const viewsBefore = a.views.length;

      // Redis dies and comes back empty on the same port.
      const t0 = Date.now();
      await redis!.kill9();
      redis = await startOwnRedis(port);
      probe = await redisProbe(redis.url);
      await waitFor(async () => (await probe!.zCard(`hearth:presence:${session.id}`)) === 2, 15_000, 'the connections to be announced again');
      const restoredMs = Date.now() - t0;

      // A newcomer sees everyone, and the others see the newcomer.
      const b = await open(url, { cookie: cookieB }, session.id, sockets);
      const three = ['facilitator:Alex Rivera:connected', 'facilitator:Sam Okafor:connected', 'member:Maple:connected'];
      await waitFor(() => same(clinicianLines(b), three), 10_000, 'the newcomer to see everyone');
      await waitFor(() => same(clinicianLines(a), three), 10_000, 'the others to see the newcomer');
      await waitFor(() => same(memberSummary(m), { members: ['Maple:connected'], facilitators: 2, observed: false }), 5000, 'Maple to count two facilitators');

      // Nobody vanished from anyone's view meanwhile, and Maple's attendance is one unbroken interval.
      for (const v of a.views.slice(viewsBefore)) {
        expect(v.audience === 'clinician' && v.people.some((p) => p.name === 'Maple') && v.people.some((p) => p.name === 'Alex Rivera')).toBe(true);
      }
      const { state } = await boardAt(url, { cookie: cookieB }, session.id);
      const attendance = 'attendance' in state ? Object.values(state.attendance) : [];
      expect(attendance.map((x) => x.intervals.map((i) => i.to))).toEqual([[null]]);
      process.stdout.write(`${JSON.stringify({ test: 'presence redis restart', reannouncedAfterMs: restoredMs })}\n`);
    });
  }
);
