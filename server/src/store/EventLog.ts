import type { BoardEvent } from '@hearth/shared';
import { AppendConflict, type Append, type BoardLog, type SeenCommand, type StoredEvent, type Transaction } from '../live/ports.ts';

export { AppendConflict, type Append, type SeenCommand, type StoredEvent };
import { UNIQUE_VIOLATION, sqlState, type Db } from './Db.ts';




type EventRow = { seq: number; member_seq: number | null; private_seq: number | null; event: BoardEvent };
const COLUMNS = 'seq, member_seq, private_seq, event';

const toStored = (r: EventRow): StoredEvent => ({
  seq: Number(r.seq),
  memberSeq: r.member_seq === null ? null : Number(r.member_seq),
  privateSeq: r.private_seq === null ? null : Number(r.private_seq),
  event: r.event
});


/**
 * The session event log: append-only, sequenced by the unique (session_id, seq) key. The events of
 * one command and its idempotency record are written in one transaction, so an acknowledged command
 * is durable and a retried one is found.
 */
export class EventLog implements BoardLog {
  constructor(private readonly db: Db) {}

  /** Events after `afterSeq`, in order. */
  async since(sessionId: string, afterSeq: number): Promise<StoredEvent[]> {
    const rows = await this.db.query<EventRow>(`select ${COLUMNS} from session_events where session_id = $1 and seq > $2 order by seq`, [
      sessionId,
      afterSeq
    ]);
    return rows.map(toStored);
  }

  /** The events members may see after the member's position `afterMemberSeq`, in order. */
  async memberSince(sessionId: string, afterMemberSeq: number): Promise<StoredEvent[]> {
    const rows = await this.db.query<EventRow>(`select ${COLUMNS} from session_events where session_id = $1 and member_seq > $2 order by seq`, [
      sessionId,
      afterMemberSeq
    ]);
    return rows.map(toStored);
  }

  /** The events for one member alone after that member's private position `afterPrivateSeq`, in order. */
  async privateSince(sessionId: string, memberId: string, afterPrivateSeq: number): Promise<StoredEvent[]> {
    const rows = await this.db.query<EventRow>(
      `select ${COLUMNS} from session_events where session_id = $1 and private_to = $2 and private_seq > $3 order by seq`,
      [sessionId, memberId, afterPrivateSeq]
    );
    return rows.map(toStored);
  }

  /** The record of a command id already applied to this session, if any. */
  async findCommand(sessionId: string, commandId: string): Promise<SeenCommand | null> {
    const [row] = await this.db.query<{ actor_id: string; last_seq: number }>(
      'select actor_id, last_seq from session_commands where session_id = $1 and command_id = $2',
      [sessionId, commandId]
    );
    return row ? { actorId: row.actor_id, lastSeq: Number(row.last_seq) } : null;
  }

  /**
   * Appends a command's events at afterSeq + 1, … in one transaction. `before` runs first in the
   * same transaction (creating the session row for its first command). Throws AppendConflict when
   * another writer took one of those seqs or the same command id first.
   */
  async append(input: Append, before?: (tx: Transaction) => Promise<void>): Promise<number> {
    const { sessionId, afterSeq, events, memberSeqs, privateSeqs, actor, commandId, summary } = input;
    const lastSeq = afterSeq + events.length;
    try {
      await this.db.transaction(async (tx) => {
        if (before) await before(tx);
        await tx.query(
          'insert into session_commands (session_id, command_id, actor_id, last_seq) values ($1, $2, $3, $4)',
          [sessionId, commandId, actor.id, lastSeq]
        );
        for (const [n, event] of events.entries()) {
          const own = privateSeqs[n] ?? null;
          await tx.query(
            `insert into session_events (session_id, seq, member_seq, private_to, private_seq, type, event, actor_role, actor_id, command_id)
             values ($1, $2, $3, $4, $5, $6, $7::text::jsonb, $8, $9, $10)`,
            [sessionId, afterSeq + n + 1, memberSeqs[n] ?? null, own?.to ?? null, own?.seq ?? null, event.type, JSON.stringify(event), actor.role, actor.id, commandId]
          );
        }
        await tx.query('update sessions set title = $2, status = $3, scheduled_for = $4 where id = $1', [
          sessionId,
          summary.title,
          summary.status,
          summary.scheduledFor
        ]);
      });
    } catch (err) {
      if (sqlState(err) === UNIQUE_VIOLATION) throw new AppendConflict(sessionId);
      throw err;
    }
    return lastSeq;
  }
}
