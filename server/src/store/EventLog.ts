import type { BoardEvent } from '@hearth/shared';
import { AppendConflict, type Append, type BoardLog, type SeenCommand, type StoredEvent, type Transaction } from '../live/ports.ts';

import { isConnectionError, type Db } from './Db.ts';

export { AppendConflict, type Append, type SeenCommand, type StoredEvent };

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
  private readonly commits: GroupCommit;

  constructor(private readonly db: Db) {
    this.commits = new GroupCommit(db);
  }

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

  /** Whether the database answers now (false while it is known to be away). */
  get available(): boolean {
    return this.db.available !== false;
  }

  /** When the database last answered a statement (performance.now()), where the adapter keeps count. */
  get lastAnswerAt(): number | undefined {
    return this.db.lastAnswerAt;
  }

  /**
   * Appends a command's events at afterSeq + 1, … with its idempotency record and the session's
   * summary: one prepared statement (append_commands), shared with the other commands that arrive
   * while one is being written (group commit), each acknowledged only after its commit. `before`
   * runs first in a transaction of its own command (creating the session row for its first
   * command). Throws AppendConflict when another writer took one of those seqs or the command id.
   */
  async append(input: Append, before?: (tx: Transaction) => Promise<void>): Promise<number> {
    const lastSeq = input.afterSeq + input.events.length;
    if (before) {
      const refused = await this.db.transaction(async (tx) => {
        await before(tx);
        return refusedOf(await tx.query<AppendAnswer>(APPEND, [JSON.stringify([toAppendRow(input)])]));
      });
      if (refused.length > 0) throw new AppendConflict(input.sessionId);
    } else {
      await this.commits.add(input);
    }
    return lastSeq;
  }
}

type AppendAnswer = { refused: number[] | null };
// Sent as text: typed jsonb, the client would encode the JSON string once more.
const APPEND = 'select append_commands($1::text::jsonb) as refused';
const refusedOf = (rows: AppendAnswer[]) => rows[0]?.refused ?? [];

/** One command as append_commands reads it (migration 017). */
function toAppendRow({ sessionId, afterSeq, events, memberSeqs, privateSeqs, actor, commandId, summary }: Append) {
  return {
    session: sessionId,
    command: commandId,
    actor: actor.id,
    role: actor.role,
    lastSeq: afterSeq + events.length,
    title: summary.title,
    status: summary.status,
    scheduledFor: summary.scheduledFor,
    events: events.map((event, n) => ({
      seq: afterSeq + n + 1,
      member_seq: memberSeqs[n] ?? null,
      private_to: privateSeqs[n]?.to ?? null,
      private_seq: privateSeqs[n]?.seq ?? null,
      type: event.type,
      event
    }))
  };
}

/** At most this many commands share one statement, and this many statements are written at once. */
const MAX_BATCH = 64;
const MAX_IN_FLIGHT = 2;

/**
 * Group commit: a command is written at once when fewer than MAX_IN_FLIGHT batches are being
 * written; otherwise it waits for one to finish and goes with every command that arrived meanwhile,
 * in one statement and one commit. Nothing waits on a timer: an idle log writes each command alone.
 */
class GroupCommit {
  private readonly waiting: { input: Append; done: (refused: boolean) => void; failed: (err: unknown) => void; alone?: boolean }[] = [];
  private inFlight = 0;

  constructor(private readonly db: Db) {}

  /** Resolves once the command is committed; throws AppendConflict when it was refused. */
  add(input: Append): Promise<void> {
    return new Promise<boolean>((done, failed) => {
      this.waiting.push({ input, done, failed });
      this.next();
    }).then((refused) => {
      if (refused) throw new AppendConflict(input.sessionId);
    });
  }

  private next(): void {
    while (this.inFlight < MAX_IN_FLIGHT && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.waiting[0]!.alone ? 1 : MAX_BATCH);
      this.inFlight++;
      this.db
        .query<AppendAnswer>(APPEND, [JSON.stringify(batch.map((b) => toAppendRow(b.input)))])
        .then(
          (rows) => {
            const refused = new Set(refusedOf(rows));
            for (const [n, b] of batch.entries()) b.done(refused.has(n));
          },
          (err: unknown) => {
            // One command's own fault (not a conflict, not the database away) must not fail the
            // others that shared its statement: each is written again alone.
            if (batch.length > 1 && !isConnectionError(err)) this.waiting.unshift(...batch.map((b) => ({ ...b, alone: true })));
            else for (const b of batch) b.failed(err);
          }
        )
        .finally(() => {
          this.inFlight--;
          this.next();
        });
    }
  }
}
