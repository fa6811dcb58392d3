import type { Actor, BoardEvent, SessionStatus } from '@hearth/shared';
import { UNIQUE_VIOLATION, sqlState, type Db, type Queryable } from './Db.ts';

/** An event read back from the log with its place in it. */
export interface StoredEvent {
  readonly seq: number;
  readonly event: BoardEvent;
}

/** A command id already applied, and where its events ended. */
export interface SeenCommand {
  readonly actorId: string;
  readonly lastSeq: number;
}

/** What one accepted command appends. */
export interface Append {
  readonly sessionId: string;
  /** The log position the decision was made at; the events take the next seqs. */
  readonly afterSeq: number;
  readonly events: readonly BoardEvent[];
  readonly actor: Actor;
  readonly commandId: string;
  /** The session summary after these events, kept beside the log for listings. */
  readonly summary: { readonly title: string; readonly status: Exclude<SessionStatus, 'new'>; readonly scheduledFor: string | null };
}

/** Thrown when another writer appended first: catch up and decide again. */
export class AppendConflict extends Error {
  constructor(readonly sessionId: string) {
    super(`log of session ${sessionId} moved on`);
  }
}

/**
 * The session event log: append-only, sequenced by the unique (session_id, seq) key. The events of
 * one command and its idempotency record are written in one transaction, so an acknowledged command
 * is durable and a retried one is found.
 */
export class EventLog {
  constructor(private readonly db: Db) {}

  /** Events after `afterSeq`, in order. */
  async since(sessionId: string, afterSeq: number): Promise<StoredEvent[]> {
    const rows = await this.db.query<{ seq: number; event: BoardEvent }>(
      'select seq, event from session_events where session_id = $1 and seq > $2 order by seq',
      [sessionId, afterSeq]
    );
    return rows.map((r) => ({ seq: Number(r.seq), event: r.event }));
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
  async append(input: Append, before?: (tx: Queryable) => Promise<void>): Promise<number> {
    const { sessionId, afterSeq, events, actor, commandId, summary } = input;
    const lastSeq = afterSeq + events.length;
    try {
      await this.db.transaction(async (tx) => {
        if (before) await before(tx);
        await tx.query(
          'insert into session_commands (session_id, command_id, actor_id, last_seq) values ($1, $2, $3, $4)',
          [sessionId, commandId, actor.id, lastSeq]
        );
        for (const [n, event] of events.entries()) {
          await tx.query(
            `insert into session_events (session_id, seq, type, event, actor_role, actor_id, command_id)
             values ($1, $2, $3, $4::text::jsonb, $5, $6, $7)`,
            [sessionId, afterSeq + n + 1, event.type, JSON.stringify(event), actor.role, actor.id, commandId]
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
