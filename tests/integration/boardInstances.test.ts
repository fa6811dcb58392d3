import { randomBytes, randomUUID } from 'node:crypto';
import { DEFAULT_CRISIS_PROTOCOL, DEFAULT_PARTICIPATION_SETTINGS, type Actor, type CommandResult, type EventMessage, type Role } from '@hearth/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { BoardService, type Broadcast } from '../../server/src/live/BoardService.ts';
import { InOrderDelivery, type EventBundle } from '../../server/src/live/InOrderDelivery.ts';
import { openPglite, type Db } from '../../server/src/store/Db.ts';
import { EventLog, type SeenCommand } from '../../server/src/store/EventLog.ts';
import { migrate } from '../../server/src/store/migrate.ts';

const FACILITATOR: Actor = { role: 'facilitator', id: 'fac-1' };
const quiet: Broadcast = { publish: () => undefined, caughtUp: () => undefined };

/**
 * Deterministic versions of two races the multi-process test found: a command id retried on two
 * instances at once, and events of one session relayed between instances out of order.
 */
describe('several board instances on one log', () => {
  let db: Db;
  let groupId: string;

  beforeAll(async () => {
    db = await openPglite('memory://');
    await migrate(db);
    const orgId = randomUUID();
    groupId = randomUUID();
    await db.query(`insert into organizations (id, name) values ($1, 'Org')`, [orgId]);
    await db.query(`insert into groups (id, organization_id, name) values ($1, $2, 'Group')`, [groupId, orgId]);
  });
  afterAll(async () => {
    await db?.close();
  });

  const createSession = async (board: BoardService) => {
    const sessionId = randomUUID();
    const r = await board.execute(
      sessionId,
      randomUUID(),
      { type: 'session.create', title: 'Race', scheduledFor: null, agenda: [{ itemId: 'a1', title: 'Check-in', kind: 'check-in', plannedMinutes: 10 }], roster: [], settings: DEFAULT_PARTICIPATION_SETTINGS, crisis: DEFAULT_CRISIS_PROTOCOL },
      FACILITATOR,
      async (tx) => {
        await tx.query(`insert into sessions (id, group_id, invite_code, title, status) values ($1, $2, $3, 'Race', 'scheduled')`, [
          sessionId, groupId, randomBytes(9).toString('base64url')
        ]);
      }
    );
    expect(r.ok).toBe(true);
    return sessionId;
  };

  it('answers a command id committed by another instance mid-decision as a duplicate, not a rejection', async () => {
    const first = new BoardService(new EventLog(db), quiet);
    const sessionId = await createSession(first);
    const command = { type: 'agenda.set_guidance', itemId: 'a1', guidance: 'Go slow' } as const;
    const race: { first: CommandResult | null } = { first: null };

    // The second instance's lookup of the id finds nothing; right after it, the first instance commits that id.
    class RacingLog extends EventLog {
      raced = false;
      override async findCommand(session: string, commandId: string): Promise<SeenCommand | null> {
        const seen = await super.findCommand(session, commandId);
        if (!this.raced && commandId === 'retried') {
          this.raced = true;
          race.first = await first.execute(sessionId, 'retried', command, FACILITATOR);
        }
        return seen;
      }
    }
    const second = new BoardService(new RacingLog(db), quiet);
    const secondResult = await second.execute(sessionId, 'retried', command, FACILITATOR);
    const firstResult = race.first;
    expect(firstResult).toMatchObject({ ok: true, duplicate: false });
    expect(secondResult).toMatchObject({ ok: true, duplicate: true, seq: firstResult?.ok ? firstResult.seq : -1 });
    const rows = await db.query<{ n: number }>(`select count(*)::int as n from session_events where session_id = $1 and command_id = 'retried'`, [sessionId]);
    expect(Number(rows[0]!.n)).toBe(1);
  });

  describe('in-order delivery on one instance', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    const bundle = (afterSeq: number, roles: readonly Role[] = ['facilitator']): EventBundle => ({
      sessionId: 's1',
      afterSeq,
      seq: afterSeq + 1,
      messages: roles.map((role) => ({
        role,
        at: afterSeq + 1,
        message: { sessionId: 's1', seq: afterSeq + 1, prevSeq: afterSeq, event: { type: 'session.started', at: 0 } }
      }))
    });
    const recorder = () => {
      const seen: { role: Role; message: EventMessage }[] = [];
      return { seen, delivery: new InOrderDelivery((_s, { role, message }) => void seen.push({ role, message })) };
    };

    it('holds an event that overtook its predecessor, then delivers both in seq order, and drops echoes', () => {
      const { seen, delivery } = recorder();
      delivery.caughtUp('s1', 4);
      delivery.receive(bundle(5)); // this instance's own seq 6 ...
      expect(seen).toEqual([]);
      delivery.receive(bundle(4, ['facilitator', 'member'])); // ... while seq 5 was still on its way from another
      delivery.receive(bundle(5)); // the echo of our own publish
      delivery.receive(bundle(4));
      expect(seen.map((s) => [s.role, s.message.seq])).toEqual([['facilitator', 5], ['member', 5], ['facilitator', 6]]);
      delivery.close();
    });

    it('delivers after a bounded wait when the predecessor never comes, so clients see the gap and resync', () => {
      vi.useFakeTimers();
      const { seen, delivery } = recorder();
      delivery.caughtUp('s1', 4);
      delivery.receive(bundle(6));
      delivery.receive(bundle(7));
      vi.advanceTimersByTime(999);
      expect(seen).toEqual([]);
      vi.advanceTimersByTime(2);
      expect(seen.map((s) => [s.message.prevSeq, s.message.seq])).toEqual([[6, 7], [7, 8]]);
      delivery.receive(bundle(4)); // too late: the clients already resynced past it
      delivery.receive(bundle(8));
      expect(seen.map((s) => s.message.seq)).toEqual([7, 8, 9]);
      delivery.close();
    });
  });
});
