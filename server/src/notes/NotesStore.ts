import * as Y from 'yjs';
import type { Db } from '../store/Db.ts';

/** Arbitrary constant naming notes saves among Postgres advisory locks (the second key is the session). */
const NOTES_LOCK = 7_337_002;

/** What is stored of one session's notes: every row merged into one update, and the ids of those rows. */
export interface StoredNotes {
  /** All rows merged (Y.mergeUpdates); an empty update when nothing is stored yet. */
  readonly update: Uint8Array;
  readonly ids: readonly string[];
  /** The document is frozen (the record's draft was taken): read-only for everyone. */
  readonly frozen: boolean;
}

type UpdateRow = { id: string; update: Uint8Array | null };

// PGlite returns bytea as Uint8Array, the `postgres` client as Buffer (a Uint8Array subclass); Yjs
// takes either, but a plain Uint8Array keeps equality checks and Redis payloads uniform.
const bytes = (b: Uint8Array): Uint8Array => (b.constructor === Uint8Array ? b : new Uint8Array(b.buffer, b.byteOffset, b.byteLength));

/**
 * The notes documents in Postgres (table notes_updates). A document is the merge of its rows. Saving
 * compacts: under a per-session advisory lock it first takes in the rows written by other instances
 * since (so nothing they saved is superseded unseen), then writes the whole document as one row and
 * deletes exactly the rows it read. It never deletes a row it did not read, so a row another instance
 * commits meanwhile survives to the next load or save.
 */
export class NotesStore {
  constructor(private readonly db: Db) {}

  /** Every stored row of a session's notes, merged. Throws when the database does: never an empty default. */
  async load(sessionId: string): Promise<StoredNotes> {
    const [rows, frozen] = await Promise.all([
      this.db.query<{ id: string; update: Uint8Array }>('select id::text as id, update from notes_updates where session_id = $1 order by id', [sessionId]),
      this.isFrozen(sessionId)
    ]);
    return {
      update: rows.length === 0 ? Y.encodeStateAsUpdate(new Y.Doc()) : Y.mergeUpdates(rows.map((r) => bytes(r.update))),
      ids: rows.map((r) => r.id),
      frozen
    };
  }

  /** Whether the session's notes are frozen. */
  async isFrozen(sessionId: string): Promise<boolean> {
    return (await this.db.query('select 1 from notes_freezes where session_id = $1', [sessionId])).length > 0;
  }

  /** Records that the session's notes are frozen from now on (once; a second freeze changes nothing). */
  async freeze(sessionId: string, by: string | null): Promise<void> {
    await this.db.query('insert into notes_freezes (session_id, frozen_by) values ($1, $2) on conflict do nothing', [sessionId, by]);
  }

  /**
   * Saves a document. `known` are the row ids whose content the document already holds; every other
   * row is handed to `takeIn` (to apply to the document) before `snapshot` is written. Resolves to
   * the new row's id, which is then the only row the document is known to contain.
   */
  async save(
    sessionId: string,
    known: ReadonlySet<string>,
    takeIn: (update: Uint8Array) => void,
    snapshot: () => Uint8Array
  ): Promise<string> {
    return this.db.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock($1, hashtext($2))', [NOTES_LOCK, sessionId]);
      const rows = await tx.query<UpdateRow>(
        `select id::text as id, case when id = any($2::text::bigint[]) then null else update end as update
           from notes_updates where session_id = $1 order by id`,
        [sessionId, `{${[...known].join(',')}}`]
      );
      const fresh = rows.filter((r) => r.update !== null).map((r) => bytes(r.update!));
      if (fresh.length > 0) takeIn(Y.mergeUpdates(fresh));
      const [row] = await tx.query<{ id: string }>(
        'insert into notes_updates (session_id, update) values ($1, $2) returning id::text as id',
        [sessionId, snapshot()]
      );
      if (rows.length > 0) {
        await tx.query('delete from notes_updates where session_id = $1 and id = any($2::text::bigint[])', [
          sessionId,
          `{${rows.map((r) => r.id).join(',')}}`
        ]);
      }
      return row!.id;
    });
  }
}
