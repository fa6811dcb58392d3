import { randomBytes, randomUUID } from 'node:crypto';
import { DEFAULT_CRISIS_PROTOCOL, DEFAULT_PARTICIPATION_SETTINGS, type Actor, type Command, type CommandResult } from '@hearth/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BoardService } from '../../server/src/live/BoardService.ts';
import type { Db, Queryable } from '../../server/src/store/Db.ts';
import { EventLog } from '../../server/src/store/EventLog.ts';
import { migrate } from '../../server/src/store/migrate.ts';
import { STORAGE_ADAPTERS } from '../support/storageAdapters.ts';

const FACILITATOR: Actor = { role: 'facilitator', id: 'acct-write-path' };
const CREATE: Command = {
  type: 'session.create', title: 'Write path', scheduledFor: null,
  agenda: [{ itemId: 'a1', title: 'Check-in', kind: 'check-in', plannedMinutes: 10 }],
  roster: [], settings: DEFAULT_PARTICIPATION_SETTINGS, crisis: DEFAULT_CRISIS_PROTOCOL
};
const pause: Command = { type: 'item.pause', itemId: 'a1' };
const resume: Command = { type: 'item.resume', itemId: 'a1' };

/** A database handle that counts what reaches the server: statements, and transactions (each one round trip at least). */
function counting(db: Db): { db: Db; statements: () => number } {
  let n = 0;
  const counted: Db = {
    kind: db.kind,
    get available() {
      return db.available;
    },
    query: (text, params) => {
      n++;
      return db.query(text, params);
    },
    transaction: (fn) => {
      n++;
      return db.transaction(fn);
    },
    exec: (script) => db.exec(script),
    close: () => db.close()
  };
  return { db: counted, statements: () => n };
}

/**
 * The board's write path on every storage adapter: one statement per command in steady state,
 * commands of different sessions arriving together sharing statements (group commit), each still
 * acknowledged only once it is committed, and the sequencer's and idempotency's guarantees kept.
 */
describe.each(STORAGE_ADAPTERS)('the write path on $name', (adapter) => {
  let raw: Db;
  let second: Db;
  let cleanup: () => Promise<void> = async () => undefined;
  let groupId: string;

  beforeAll(async () => {
    ({ db: raw, second, cleanup } = await adapter.open());
    await migrate(raw);
    const orgId = randomUUID();
    groupId = randomUUID();
    await raw.query(`insert into organizations (id, name) values ($1, 'Write path org')`, [orgId]);
    await raw.query(`insert into groups (id, organization_id, name) values ($1, $2, 'Write path group')`, [groupId, orgId]);
  });
  afterAll(async () => {
    await cleanup();
  });

  /** A live session with its item running, created through the board as the app does. */
  const liveSession = async (board: BoardService): Promise<string> => {
    const sessionId = randomUUID();
    const insertRow = async (tx: Queryable) => {
      await tx.query(`insert into sessions (id, group_id, invite_code, title, status) values ($1, $2, $3, 'Write path', 'scheduled')`, [
        sessionId, groupId, randomBytes(9).toString('base64url')
      ]);
    };
    expect(await board.execute(sessionId, randomUUID(), CREATE, FACILITATOR, insertRow)).toMatchObject({ ok: true });
    expect(await board.execute(sessionId, randomUUID(), { type: 'session.start' }, FACILITATOR)).toMatchObject({ ok: true });
    expect(await board.execute(sessionId, randomUUID(), { type: 'item.start', itemId: 'a1' }, FACILITATOR)).toMatchObject({ ok: true });
    return sessionId;
  };
  const commandsOf = async (sessionId: string) =>
    (await second.query<{ command_id: string }>('select command_id from session_commands where session_id = $1', [sessionId])).map((r) => r.command_id);
  const newBoard = (db: Db) => new BoardService(new EventLog(db), { publish: () => undefined, caughtUp: () => undefined });

  it('writes each command of a session in one statement once the board is read', async () => {
    const { db, statements } = counting(raw);
    const board = newBoard(db);
    const sessionId = await liveSession(board);
    const before = statements();
    for (let n = 0; n < 20; n++) {
      expect(await board.execute(sessionId, `steady-${n}`, n % 2 === 0 ? pause : resume, FACILITATOR)).toMatchObject({ ok: true, duplicate: false });
    }
    expect(statements() - before).toBe(20);
    expect((await commandsOf(sessionId)).filter((id) => id.startsWith('steady-'))).toHaveLength(20);
  });

  it('answers a command sent again as a duplicate, not as a rule refusal of the state it made', async () => {
    const board = newBoard(raw);
    const sessionId = await liveSession(board);
    expect(await board.execute(sessionId, 'again', pause, FACILITATOR)).toMatchObject({ ok: true, duplicate: false });
    // On the board as this instance holds it the item is paused, and pausing it again would be refused.
    expect(await board.execute(sessionId, 'again', pause, FACILITATOR)).toMatchObject({ ok: true, duplicate: true });
    expect(await board.execute(sessionId, 'again-2', pause, FACILITATOR)).toMatchObject({ ok: false, error: { code: 'ITEM_NOT_RUNNING' } });
  });

  it('shares statements among sessions whose commands arrive together, acknowledging each only once it is committed', async () => {
    const { db, statements } = counting(raw);
    const board = newBoard(db);
    const sessions: string[] = [];
    for (let n = 0; n < 24; n++) sessions.push(await liveSession(board));
    const before = statements();
    const committedWhenAcknowledged: boolean[] = [];
    const results = await Promise.all(
      sessions.map((sessionId, n) =>
        board.execute(sessionId, `together-${n}`, pause, FACILITATOR).then(async (r: CommandResult) => {
          if (r.ok) committedWhenAcknowledged.push((await commandsOf(sessionId)).includes(`together-${n}`));
          return r;
        })
      )
    );
    expect(results.every((r) => r.ok && !r.duplicate)).toBe(true);
    expect(committedWhenAcknowledged).toEqual(sessions.map(() => true));
    const used = statements() - before;
    expect(used).toBeGreaterThanOrEqual(1);
    expect(used).toBeLessThan(sessions.length / 2);
  });

  it('keeps the sequencer: a batch member another writer went ahead of retries alone, the others commit', async () => {
    const board = newBoard(raw);
    const other = newBoard(second);
    const sessions: string[] = [];
    for (let n = 0; n < 8; n++) sessions.push(await liveSession(board));
    // Another instance appends to one of them: this instance's board of it is now behind.
    const behind = sessions[3]!;
    expect(await other.execute(behind, 'elsewhere', pause, { role: 'facilitator', id: 'acct-elsewhere' })).toMatchObject({ ok: true });
    const results = await Promise.all(sessions.map((sessionId, n) => board.execute(sessionId, `batch-${n}`, n === 3 ? resume : pause, FACILITATOR)));
    expect(results.map((r) => r.ok)).toEqual(sessions.map(() => true));
    // The one behind was decided again on the log as it is: resuming what the other paused.
    const log = await new EventLog(second).since(behind, 0);
    expect(log.slice(-2).map((e) => e.event.type)).toEqual(['item.paused', 'item.resumed']);
    expect(log.map((e) => e.seq)).toEqual(log.map((_, n) => n + 1));
  });
});
