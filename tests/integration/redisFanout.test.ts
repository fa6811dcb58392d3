import { BoardEvent, visibleTo, type Command, type CommandResult, type EventMessage, type Role } from '@hearth/shared';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, connectBoard, emitAck, login, type BoardClient } from '../support/boardClient.ts';
import { startServerProcess, type ServerProcess } from '../support/serverProcess.ts';
import { freePort, redisFaultSuite, startOwnRedis, type OwnRedis } from '../support/ownRedis.ts';
import { dropProbe, hearthConnections, redisProbe, shardSubscribers, type RedisProbe } from '../support/redisProbe.ts';
import { createTestDatabase, type TestDatabase } from '../support/services.ts';
import { DEMO_PASSWORD, FACILITATOR_A, FACILITATOR_B, joinAsMember, scheduleSession } from '../support/testServer.ts';
import { waitFor } from '../support/wait.ts';

/**
 * A client that follows a session's events as the protocol says: it applies events in order, ignores
 * ones it already has, and on a gap in prevSeq asks for what it missed with join {lastSeq}.
 */
interface Follower {
  readonly applied: EventMessage[];
  lastSeq: number;
  readonly resyncs: { fromSeq: number; mode: string; events: number }[];
  readonly errors: string[];
}

function follow(socket: BoardClient, sessionId: string, fromSeq: number): Follower {
  const f: Follower = { applied: [], lastSeq: fromSeq, resyncs: [], errors: [] };
  let resyncing = false;
  const held: EventMessage[] = [];
  /** Applies one event; false when it shows a gap. */
  const apply = (m: EventMessage): boolean => {
    if (m.seq <= f.lastSeq) return true;
    if (m.prevSeq > f.lastSeq) return false;
    f.applied.push(m);
    f.lastSeq = m.seq;
    return true;
  };
  const resync = async () => {
    resyncing = true;
    const fromSeq = f.lastSeq;
    try {
      const r = await emitAck(socket, 'join', { sessionId, lastSeq: fromSeq });
      if (!r.ok) f.errors.push(`resync refused: ${r.error.code}`);
      else if (r.mode !== 'resume') f.errors.push(`resync answered with a ${r.mode}`);
      else {
        f.resyncs.push({ fromSeq, mode: r.mode, events: r.events.length });
        for (const m of r.events) if (!apply(m)) f.errors.push(`gap inside a resume at ${m.seq}`);
      }
    } catch (e) {
      f.errors.push(String(e));
    }
    resyncing = false;
    for (const m of held.splice(0)) onEvent(m);
  };
  const onEvent = (m: EventMessage) => {
    if (m.sessionId !== sessionId) return;
    if (resyncing) held.push(m);
    else if (!apply(m)) void resync();
  };
  socket.on('event', onEvent);
  return f;
}

const addItem = (n: number): Command => ({
  type: 'agenda.add',
  item: { itemId: `r${n}`, title: `Item ${n}`, kind: 'open-process', plannedMinutes: 5 }
});

/**
 * Fault test: losing Redis degrades cross-instance live updates but never loses a command. Two server
 * processes share one Postgres and a redis-server of the test's own, which is killed and restarted.
 */
describe.skipIf(!redisFaultSuite('fan-out across two processes survives a Redis crash'))(
  'fan-out across two processes survives a Redis crash',
  () => {
    let db: TestDatabase;
    let sql: postgres.Sql;
    let port: number;
    let redis: OwnRedis | null = null;
    let probe: RedisProbe | null = null;
    const processes: ServerProcess[] = [];
    const sockets: BoardClient[] = [];

    beforeAll(async () => {
      db = await createTestDatabase();
      sql = postgres(db.url, { max: 2, onnotice: () => undefined });
      port = await freePort();
      redis = await startOwnRedis(port);
    });
    afterAll(async () => {
      for (const s of sockets) s.close();
      dropProbe(probe);
      await Promise.all(processes.map((p) => p.stop()));
      await redis?.kill9();
      await sql?.end({ timeout: 5 });
      await db?.drop();
    });

    it('keeps acknowledging commands while Redis is down, and clients resync the gap once it is back', async () => {
      const t0 = Date.now();
      const env = { DATABASE_URL: db.url, REDIS_URL: redis!.url, DEMO: 'true' };
      const p1 = await startServerProcess(env);
      processes.push(p1);
      const p2 = await startServerProcess(env);
      processes.push(p2);

      const cookieA = await login(p1.url, FACILITATOR_A, DEMO_PASSWORD);
      const cookieB = await login(p2.url, FACILITATOR_B, DEMO_PASSWORD);
      const session = await scheduleSession(p1.url, cookieA);
      const memberToken = await joinAsMember(p1.url, session, 'Maple');
      const open = async (p: ServerProcess, auth: { cookie?: string; token?: string }) => {
        const s = await connectBoard(p.url, auth);
        sockets.push(s);
        const joined = await emitAck(s, 'join', { sessionId: session.id });
        if (!joined.ok) throw new Error(`join failed: ${joined.error.code}`);
        return { socket: s, seq: joined.seq };
      };
      const sender = await open(p1, { cookie: cookieA });
      // Followers on the other process: a facilitator and a member (each role has its own prevSeq chain).
      // Each follows from its own join at once: the member's joining is itself an event (their arrival).
      const facilitatorOn2 = await open(p2, { cookie: cookieB });
      const fac = follow(facilitatorOn2.socket, session.id, facilitatorOn2.seq);
      const memberOn2 = await open(p2, { token: memberToken });
      const member = follow(memberOn2.socket, session.id, memberOn2.seq);
      const followers: readonly { role: Role; f: Follower }[] = [
        { role: 'facilitator', f: fac },
        { role: 'member', f: member }
      ];

      let n = 0;
      const onP1 = async () => {
        const r = await emitAck(sender.socket, 'command', { sessionId: session.id, id: `cmd-${++n}`, command: addItem(n) });
        if (!r.ok) throw new Error(`command ${n} refused: ${r.error.code}`);
        return r;
      };
      const onP2 = async () => {
        const id = `cmd-${++n}`;
        const r = await api<CommandResult>(p2.url, `/sessions/${session.id}/commands`, { cookie: cookieB, body: { id, command: addItem(n) } });
        if (!r.body.ok) throw new Error(`command ${n} refused: ${r.status}`);
        return r.body;
      };

      // Redis up: a command on p1 reaches the clients on p2.
      const first = await onP1();
      /** Where a member stands once the log has reached `seq`: members number only what they may see. */
      const memberSeqAt = async (seq: number) =>
        Number((await sql<{ n: number | null }[]>`select max(member_seq) as n from session_events where session_id = ${session.id} and seq <= ${seq}`)[0]?.n ?? 0);
      const firstForMember = await memberSeqAt(first.seq);
      await waitFor(() => fac.lastSeq >= first.seq && member.lastSeq >= firstForMember, 5000, 'fan-out from p1 to p2');
      expect(fac.resyncs).toEqual([]);

      // Redis crashes. Both processes keep acknowledging commands, and each one is in Postgres.
      await redis!.kill9();
      redis = null;
      const during: CommandResult[] = [await onP2()];
      // p2's own event still reaches its own clients, in order.
      await waitFor(() => fac.lastSeq >= first.seq + 1, 5000, 'p2 to deliver its own event');
      for (let i = 0; i < 4; i++) during.push(await onP1());
      expect(during.every((r) => r.ok)).toBe(true);
      const downIds = Array.from({ length: 5 }, (_, i) => `cmd-${i + 2}`);
      const stored = await sql<{ command_id: string }[]>`
        select command_id from session_events where session_id = ${session.id} and command_id in ${sql(downIds)}`;
      expect(stored.map((r) => r.command_id).sort()).toEqual([...downIds].sort());
      const lastDuring = Math.max(...during.map((r) => (r.ok ? r.seq : 0)));
      // The events p1 appended while Redis was down did not reach p2's clients.
      expect(fac.lastSeq).toBeLessThan(lastDuring);

      // Redis comes back on the same port; both processes reconnect and resubscribe by themselves.
      redis = await startOwnRedis(port);
      probe = await redisProbe(redis.url);
      await waitFor(
        async () => {
          // Both processes serve the session, so both hear its channel again; each holds two connections.
          const subscribers = await shardSubscribers(probe!, `hearth:board:{${session.id}}`);
          return subscribers >= 2 && (await hearthConnections(probe!)) >= 4;
        },
        15_000,
        'both processes to reconnect to Redis'
      );

      // Fan-out resumes: a new command on p1 reaches p2's clients, which see the gap and resync the rest.
      let resumed: CommandResult | null = null;
      for (let attempt = 0; attempt < 3 && !resumed; attempt++) {
        const r = await onP1();
        const forMember = await memberSeqAt(r.seq);
        resumed = await waitFor(() => fac.lastSeq >= r.seq && member.lastSeq >= forMember, 5000, 'fan-out after Redis is back').then(
          () => r,
          () => null
        );
      }
      expect(resumed, 'fan-out resumed after Redis came back').not.toBeNull();

      const log = (
        await sql<{ seq: number; member_seq: number | null; event: unknown }[]>`select seq, member_seq, event from session_events where session_id = ${session.id} order by seq`
      ).map((r) => ({ seq: r.seq, memberSeq: r.member_seq, event: BoardEvent.parse(r.event) }));
      for (const { role, f } of followers) {
        expect(f.errors, role).toEqual([]);
        expect(f.resyncs.length, `${role} detected the gap and resynced`).toBeGreaterThanOrEqual(1);
        expect(f.resyncs.every((r) => r.mode === 'resume' && r.events > 0)).toBe(true);
        // What the client holds is exactly the log from its join on, as its role may see it, with a whole prevSeq chain.
        // Members number their events apart (member_seq); clinicians follow the log's seq.
        const own = (r: (typeof log)[number]) => (role === 'member' ? (r.memberSeq ?? -1) : r.seq);
        const expected = log.filter((r) => visibleTo(r.event, role) && own(r) > (role === 'member' ? memberOn2.seq : facilitatorOn2.seq));
        expect(f.applied.map((m) => m.seq), role).toEqual(expected.map(own));
        expect(f.applied.map((m) => m.event)).toEqual(expected.map((r) => r.event));
        // The first event's prevSeq may point before the join (events since were not for this role).
        const joinedAt = role === 'member' ? memberOn2.seq : facilitatorOn2.seq;
        f.applied.forEach((m, i) => (i === 0 ? expect(m.prevSeq).toBeLessThanOrEqual(joinedAt) : expect(m.prevSeq).toBe(f.applied[i - 1]!.seq)));
      }
      process.stdout.write(
        `${JSON.stringify({
          test: 'redisFanout',
          commands: n,
          logLength: log.length,
          resyncs: { facilitator: fac.resyncs, member: member.resyncs },
          ms: Date.now() - t0
        })}\n`
      );
    });
  }
);
