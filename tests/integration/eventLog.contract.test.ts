import { randomBytes, randomUUID } from 'node:crypto';
import type { Actor, BoardEvent } from '@hearth/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlState, type Db, type Queryable } from '../../server/src/store/Db.ts';
import { AppendConflict, EventLog, type Append } from '../../server/src/store/EventLog.ts';
import { migrate } from '../../server/src/store/migrate.ts';
import { STORAGE_ADAPTERS } from '../support/storageAdapters.ts';

const ACTOR: Actor = { role: 'facilitator', id: 'acct-1' };
const AT = 1_700_000_000_000;
const created: BoardEvent = { type: 'session.created', at: AT, title: 'Contract', scheduledFor: null, roster: [] };
const added = (itemId: string, position: number): BoardEvent => ({
  type: 'agenda.item_added', at: AT, itemId, title: `Item ${itemId}`, kind: 'check-in', plannedMinutes: 10, position
});
const guidance = (text: string): BoardEvent => ({ type: 'agenda.guidance_set', at: AT, itemId: 'i1', guidance: text });

const appendOf = (
  sessionId: string,
  afterSeq: number,
  events: readonly BoardEvent[],
  commandId: string = randomUUID(),
  memberSeqs: readonly (number | null)[] = events.map(() => null)
): Append => ({
  sessionId, afterSeq, events, memberSeqs, privateSeqs: events.map(() => null), actor: ACTOR, commandId, summary: { title: 'Contract', status: 'scheduled', scheduledFor: null }
});

/** The storage port's contract: every adapter must pass the same suite. */
describe.each(STORAGE_ADAPTERS)('event log contract on $name', (adapter) => {
  let db: Db;
  let second: Db;
  let cleanup: () => Promise<void> = async () => undefined;
  let firstMigration: string[];
  let groupId: string;

  const insertSession = (q: Queryable, id: string) =>
    q.query(`insert into sessions (id, group_id, invite_code, title, status) values ($1, $2, $3, 'Contract', 'scheduled')`, [
      id, groupId, randomBytes(9).toString('base64url')
    ]);
  const newSession = async () => {
    const id = randomUUID();
    await insertSession(db, id);
    return id;
  };
  const count = async (table: 'session_events' | 'session_commands' | 'sessions', sessionId: string) => {
    const column = table === 'sessions' ? 'id' : 'session_id';
    const [row] = await db.query<{ n: number }>(`select count(*)::int as n from ${table} where ${column} = $1`, [sessionId]);
    return Number(row?.n);
  };

  beforeAll(async () => {
    ({ db, second, cleanup } = await adapter.open());
    firstMigration = await migrate(db);
    const orgId = randomUUID();
    groupId = randomUUID();
    await db.query(`insert into organizations (id, name) values ($1, 'Contract org')`, [orgId]);
    await db.query(`insert into groups (id, organization_id, name) values ($1, $2, 'Contract group')`, [groupId, orgId]);
  });
  afterAll(async () => {
    await cleanup();
  });

  it('migrates an empty database once; running the migrations again applies nothing', async () => {
    expect(firstMigration).toContain('001_init.sql');
    expect(await migrate(db)).toEqual([]);
    expect(await migrate(second)).toEqual([]);
    const rows = await db.query<{ name: string }>('select name from schema_migrations order by name');
    expect(rows.map((r) => r.name)).toEqual(firstMigration);
  });

  it('reads back what it appended, in order, from any position', async () => {
    const log = new EventLog(db);
    const sessionId = await newSession();
    expect(await log.since(sessionId, 0)).toEqual([]);
    expect(await log.append(appendOf(sessionId, 0, [created, added('i1', 0)], randomUUID(), [1, 2]))).toBe(2);
    expect(await log.append(appendOf(sessionId, 2, [guidance('g1')]))).toBe(3);
    expect(await log.append(appendOf(sessionId, 3, [added('i2', 1)], randomUUID(), [3]))).toBe(4);
    const all = await log.since(sessionId, 0);
    expect(all).toEqual([
      { seq: 1, memberSeq: 1, privateSeq: null, event: created },
      { seq: 2, memberSeq: 2, privateSeq: null, event: added('i1', 0) },
      { seq: 3, memberSeq: null, privateSeq: null, event: guidance('g1') },
      { seq: 4, memberSeq: 3, privateSeq: null, event: added('i2', 1) }
    ]);
    expect(await log.since(sessionId, 2)).toEqual([all[2], all[3]]);
    expect(await log.since(sessionId, 4)).toEqual([]);
    // Members' own numbering skips what they may not see.
    expect(await log.memberSince(sessionId, 2)).toEqual([all[3]]);
    expect(await log.memberSince(sessionId, 3)).toEqual([]);
    // Another handle on the same database sees the same log.
    expect(await new EventLog(second).since(sessionId, 0)).toEqual(all);
  });

  it('keeps each member\'s private numbering apart, and refuses a private position taken twice', async () => {
    const log = new EventLog(db);
    const sessionId = await newSession();
    const shared: BoardEvent = { type: 'resource.shared', at: AT, shareId: 'g', title: 'All', body: '', url: null };
    const toOne = (shareId: string, memberId: string): BoardEvent => ({ type: 'resource.shared_privately', at: AT, shareId, memberId, title: 'One', body: '', url: null });
    await log.append({ ...appendOf(sessionId, 0, [created, toOne('p1', 'm1'), shared, toOne('p2', 'm2'), toOne('p3', 'm1')], randomUUID(), [1, null, 2, null, null]), privateSeqs: [null, { to: 'm1', seq: 1 }, null, { to: 'm2', seq: 1 }, { to: 'm1', seq: 2 }] });
    expect((await log.privateSince(sessionId, 'm1', 0)).map((e) => [e.seq, e.privateSeq])).toEqual([[2, 1], [5, 2]]);
    expect((await log.privateSince(sessionId, 'm1', 1)).map((e) => e.privateSeq)).toEqual([2]);
    expect((await log.privateSince(sessionId, 'm2', 0)).map((e) => e.privateSeq)).toEqual([1]);
    // The shared numbering has no place for them.
    expect((await log.memberSince(sessionId, 0)).map((e) => e.event.type)).toEqual(['session.created', 'resource.shared']);
    await expect(
      log.append({ ...appendOf(sessionId, 5, [toOne('p4', 'm1')]), privateSeqs: [{ to: 'm1', seq: 2 }] })
    ).rejects.toBeInstanceOf(AppendConflict);
  });

  it('refuses a taken seq with AppendConflict and keeps the first writer\'s events', async () => {
    const log = new EventLog(db);
    const sessionId = await newSession();
    await log.append(appendOf(sessionId, 0, [created]));
    await expect(log.append(appendOf(sessionId, 0, [guidance('late')]))).rejects.toBeInstanceOf(AppendConflict);
    expect(await log.since(sessionId, 0)).toEqual([{ seq: 1, memberSeq: null, privateSeq: null, event: created }]);
  });

  it('records each command id for idempotency, and refuses the same id twice', async () => {
    const log = new EventLog(db);
    const sessionId = await newSession();
    await log.append(appendOf(sessionId, 0, [created, added('i1', 0)], 'cmd-1'));
    expect(await log.findCommand(sessionId, 'cmd-1')).toEqual({ actorId: ACTOR.id, lastSeq: 2 });
    expect(await log.findCommand(sessionId, 'cmd-unknown')).toBeNull();
    expect(await log.findCommand(await newSession(), 'cmd-1')).toBeNull();
    // The same command id at a free seq is still refused: a command is applied once.
    await expect(log.append(appendOf(sessionId, 2, [guidance('again')], 'cmd-1'))).rejects.toBeInstanceOf(AppendConflict);
    expect(await count('session_events', sessionId)).toBe(2);
  });

  it('refuses UPDATE and DELETE on session_events in the database itself', async () => {
    const log = new EventLog(db);
    const sessionId = await newSession();
    await log.append(appendOf(sessionId, 0, [created]));
    const refused = async (sql: string) => {
      const err: unknown = await db.query(sql, [sessionId]).then(() => null, (e: unknown) => e);
      expect(err, sql).not.toBeNull();
      expect(sqlState(err), sql).toBe('42501');
      expect(String(err)).toContain('append-only');
    };
    await refused(`update session_events set type = 'tampered' where session_id = $1`);
    await refused(`update session_events set event = '{}'::jsonb where session_id = $1`);
    await refused('delete from session_events where session_id = $1');
    expect(await log.since(sessionId, 0)).toEqual([{ seq: 1, memberSeq: null, privateSeq: null, event: created }]);
  });

  it('leaves nothing behind when an append fails (one transaction)', async () => {
    const log = new EventLog(db);
    // `before` does its work and then throws: the session row it inserted is rolled back too.
    const fresh = randomUUID();
    const boom = new Error('before failed');
    await expect(
      log.append(appendOf(fresh, 0, [created]), async (tx) => {
        await insertSession(tx, fresh);
        throw boom;
      })
    ).rejects.toBe(boom);
    expect(await count('sessions', fresh)).toBe(0);
    expect(await count('session_events', fresh)).toBe(0);
    expect(await count('session_commands', fresh)).toBe(0);

    // A conflict on the second event, after the command record and first event were written.
    const sessionId = await newSession();
    await log.append(appendOf(sessionId, 0, [created]));
    await log.append(appendOf(sessionId, 2, [guidance('seq 3')]));
    await expect(log.append(appendOf(sessionId, 1, [guidance('seq 2'), guidance('seq 3 again')], 'cmd-rolled-back'))).rejects.toBeInstanceOf(
      AppendConflict
    );
    expect(await log.findCommand(sessionId, 'cmd-rolled-back')).toBeNull();
    expect((await log.since(sessionId, 0)).map((e) => e.seq)).toEqual([1, 3]);

    // The same `before` that succeeds commits everything together.
    const ok = randomUUID();
    expect(await log.append(appendOf(ok, 0, [created]), (tx) => insertSession(tx, ok).then(() => undefined))).toBe(1);
    expect(await count('sessions', ok)).toBe(1);
  });

  it('lets exactly one of two concurrent appends at the same position win', async () => {
    const sessionId = await newSession();
    const logs = [new EventLog(db), new EventLog(second)] as const;
    await logs[0].append(appendOf(sessionId, 0, [created]));
    const ROUNDS = 15;
    let seq = 1;
    for (let round = 0; round < ROUNDS; round++) {
      const results = await Promise.allSettled(
        logs.map((log, n) => log.append(appendOf(sessionId, seq, [guidance(`r${round}w${n}`), guidance(`r${round}w${n}b`)], `r${round}w${n}`)))
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won, `round ${round}`).toHaveLength(1);
      expect(lost[0]?.reason, `round ${round}`).toBeInstanceOf(AppendConflict);
      const winner = results.findIndex((r) => r.status === 'fulfilled');
      const loser = 1 - winner;
      expect(await logs[0].findCommand(sessionId, `r${round}w${loser}`)).toBeNull();
      const tail = await logs[1].since(sessionId, seq);
      expect(tail).toEqual([
        { seq: seq + 1, memberSeq: null, privateSeq: null, event: guidance(`r${round}w${winner}`) },
        { seq: seq + 2, memberSeq: null, privateSeq: null, event: guidance(`r${round}w${winner}b`) }
      ]);
      seq += 2;
    }
    expect((await logs[0].since(sessionId, 0)).map((e) => e.seq)).toEqual(Array.from({ length: seq }, (_, i) => i + 1));
  });
});
