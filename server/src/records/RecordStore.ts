import { randomUUID } from 'node:crypto';
import type { MentionOverride, RecordEdits, SignatureMeaning } from '@hearth/shared';
import type { Db, Queryable } from '../store/Db.ts';
import { canonicalJson, entryHash, sha256 } from './hash.ts';
import { jsonOf } from '../store/jsonColumn.ts';

/** Arbitrary constant naming a group's chain among Postgres advisory locks (the second key is the group). */
const CHAIN_LOCK = 7_337_003;

export interface RecordRow {
  readonly id: string;
  readonly sessionId: string;
  readonly groupId: string;
  readonly status: 'draft' | 'final';
  readonly edits: RecordEdits;
  readonly overrides: readonly MentionOverride[];
}

export interface SignatureRow {
  readonly id: string;
  readonly signer: string;
  readonly meaning: SignatureMeaning;
  readonly printedName: string;
  readonly credentials: string;
  readonly contentHash: string;
  readonly signedAt: string;
  readonly removedAt: string | null;
  readonly removedReason: string | null;
}

export interface EntryRow {
  readonly id: string;
  readonly groupId: string;
  readonly chainSeq: number;
  readonly kind: 'record' | 'addendum';
  readonly recordId: string;
  readonly body: string;
  readonly bodyHash: string;
  readonly prevHash: string | null;
  readonly hash: string;
  readonly createdAt: string;
}

const isoOf = (d: unknown): string => new Date(d as string).toISOString();

type RecordDb = { id: string; session_id: string; group_id: string; status: 'draft' | 'final'; edits: unknown; overrides: unknown };
const toRecord = (r: RecordDb): RecordRow => ({
  id: r.id,
  sessionId: r.session_id,
  groupId: r.group_id,
  status: r.status,
  edits: jsonOf<RecordEdits>(r.edits, {}),
  overrides: jsonOf<MentionOverride[]>(r.overrides, [])
});

type SignatureDb = {
  id: string; signer: string; meaning: SignatureMeaning; printed_name: string; credentials: string; content_hash: string;
  signed_at: unknown; removed_at: unknown; removed_reason: string | null;
};
const toSignature = (r: SignatureDb): SignatureRow => ({
  id: String(r.id),
  signer: r.signer,
  meaning: r.meaning,
  printedName: r.printed_name,
  credentials: r.credentials,
  contentHash: r.content_hash,
  signedAt: isoOf(r.signed_at),
  removedAt: r.removed_at === null ? null : isoOf(r.removed_at),
  removedReason: r.removed_reason
});

type EntryDb = {
  id: string; group_id: string; chain_seq: number; kind: 'record' | 'addendum'; record_id: string; body: string;
  body_hash: string; prev_hash: string | null; hash: string; created_at: unknown;
};
const toEntry = (r: EntryDb): EntryRow => ({
  id: r.id,
  groupId: r.group_id,
  chainSeq: Number(r.chain_seq),
  kind: r.kind,
  recordId: r.record_id,
  body: r.body,
  bodyHash: r.body_hash,
  prevHash: r.prev_hash,
  hash: r.hash,
  createdAt: isoOf(r.created_at)
});

/** First break in a group's chain, if any. */
export interface ChainBreak {
  readonly entryId: string;
  readonly chainSeq: number;
  readonly recordId: string;
  readonly problem: string;
}

/**
 * Records in Postgres: drafts (mutable until final) with their review edits and signatures, and each
 * group's chain of final records and addenda (record_entries), which the database refuses to change
 * or delete. Appending to a chain takes the group's advisory lock, so entries of one group are
 * numbered without gaps and each names its predecessor's hash.
 */
export class RecordStore {
  constructor(private readonly db: Db) {}

  async bySession(sessionId: string): Promise<RecordRow | null> {
    const [row] = await this.db.query<RecordDb>('select id, session_id, group_id, status, edits, overrides from records where session_id = $1', [sessionId]);
    return row ? toRecord(row) : null;
  }

  /** Whether a session's record is final. */
  async isFinal(sessionId: string): Promise<boolean> {
    const rows = await this.db.query("select 1 from records where session_id = $1 and status = 'final'", [sessionId]);
    return rows.length > 0;
  }

  /** The drafts of these groups. */
  async draftsOf(groupIds: readonly string[]): Promise<RecordRow[]> {
    if (groupIds.length === 0) return [];
    const rows = await this.db.query<RecordDb>(
      `select id, session_id, group_id, status, edits, overrides from records where status = 'draft' and group_id = any($1::text::uuid[]) order by created_at`,
      [`{${groupIds.join(',')}}`]
    );
    return rows.map(toRecord);
  }

  /** The record of a session, created as a draft if there is none yet. */
  async open(sessionId: string, groupId: string, by: string): Promise<RecordRow> {
    await this.db.query(
      `insert into records (id, session_id, group_id, status, created_by) values ($1, $2, $3, 'draft', $4) on conflict (session_id) do nothing`,
      [randomUUID(), sessionId, groupId, by]
    );
    const row = await this.bySession(sessionId);
    if (!row) throw new Error('record vanished after creation');
    return row;
  }

  async setEdits(recordId: string, edits: RecordEdits, overrides: readonly MentionOverride[]): Promise<void> {
    await this.db.query('update records set edits = $2::text::jsonb, overrides = $3::text::jsonb where id = $1', [
      recordId,
      JSON.stringify(edits),
      JSON.stringify(overrides)
    ]);
  }

  async signatures(recordId: string): Promise<SignatureRow[]> {
    const rows = await this.db.query<SignatureDb>(
      `select id, signer, meaning, printed_name, credentials, content_hash, signed_at, removed_at, removed_reason
         from record_signatures where record_id = $1 order by id`,
      [recordId]
    );
    return rows.map(toSignature);
  }

  async addSignature(
    recordId: string,
    s: { signer: string; meaning: SignatureMeaning; printedName: string; credentials: string; contentHash: string; signedAt: Date },
    tx: Queryable = this.db
  ): Promise<void> {
    await tx.query(
      `insert into record_signatures (record_id, signer, meaning, printed_name, credentials, content_hash, signed_at)
       values ($1, $2, $3, $4, $5, $6, $7)`,
      [recordId, s.signer, s.meaning, s.printedName, s.credentials, s.contentHash, s.signedAt]
    );
  }

  /** Takes off every standing signature that signed another content hash than `current`, saying why. */
  async removeStale(recordId: string, current: string, reason: string): Promise<number> {
    const rows = await this.db.query<{ id: string }>(
      `update record_signatures set removed_at = now(), removed_reason = $3
        where record_id = $1 and removed_at is null and content_hash <> $2 returning id`,
      [recordId, current, reason]
    );
    return rows.length;
  }

  /** The entries of one record (the record itself, then its addenda), in chain order. */
  async entriesOf(recordId: string): Promise<EntryRow[]> {
    const rows = await this.db.query<EntryDb>('select * from record_entries where record_id = $1 order by chain_seq', [recordId]);
    return rows.map(toEntry);
  }

  /**
   * Appends an entry to its group's chain, in one transaction: the record's final entry (`finalize`
   * also marks it final) or an addendum. `body` is hashed as canonical JSON and stored as that text.
   */
  async append(input: { groupId: string; recordId: string; kind: 'record' | 'addendum'; body: unknown; finalize?: (tx: Queryable) => Promise<void> }): Promise<EntryRow> {
    const body = canonicalJson(input.body);
    const bodyHash = sha256(body);
    return this.db.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock($1, hashtext($2))', [CHAIN_LOCK, input.groupId]);
      const [last] = await tx.query<{ chain_seq: number; hash: string }>(
        'select chain_seq, hash from record_entries where group_id = $1 order by chain_seq desc limit 1',
        [input.groupId]
      );
      const chainSeq = (last ? Number(last.chain_seq) : 0) + 1;
      const prevHash = last?.hash ?? null;
      const hash = entryHash({ groupId: input.groupId, chainSeq, kind: input.kind, recordId: input.recordId, bodyHash, prevHash });
      const id = randomUUID();
      const [row] = await tx.query<EntryDb>(
        `insert into record_entries (id, group_id, chain_seq, kind, record_id, body, body_hash, prev_hash, hash)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning *`,
        [id, input.groupId, chainSeq, input.kind, input.recordId, body, bodyHash, prevHash, hash]
      );
      if (input.finalize) await input.finalize(tx);
      return toEntry(row!);
    });
  }

  /** Marks a record final (inside the transaction that appends its entry). */
  async markFinal(tx: Queryable, recordId: string): Promise<void> {
    await tx.query(`update records set status = 'final', finalized_at = now() where id = $1`, [recordId]);
  }

  /**
   * Recomputes every hash and link of a group's chain from what is stored, and names the first
   * entry where they do not hold: its body no longer hashes to its body hash, its hash is not that
   * of its link, or it does not name the hash of the entry before it.
   */
  async verify(groupId: string): Promise<{ entries: number; firstBreak: ChainBreak | null }> {
    const rows = (await this.db.query<EntryDb>('select * from record_entries where group_id = $1 order by chain_seq', [groupId])).map(toEntry);
    let prev: EntryRow | null = null;
    for (const e of rows) {
      const problem =
        e.chainSeq !== (prev ? prev.chainSeq + 1 : 1)
          ? `entry ${e.chainSeq} follows entry ${prev?.chainSeq ?? 0}: one is missing`
          : sha256(e.body) !== e.bodyHash
            ? 'its content no longer matches its hash'
            : canonicalJson(JSON.parse(e.body)) !== e.body
              ? 'its content is not in canonical form'
              : e.prevHash !== (prev?.hash ?? null)
                ? 'it does not name the previous entry\'s hash'
                : entryHash({ groupId: e.groupId, chainSeq: e.chainSeq, kind: e.kind, recordId: e.recordId, bodyHash: e.bodyHash, prevHash: e.prevHash }) !== e.hash
                  ? 'its hash does not match its link'
                  : null;
      if (problem) return { entries: rows.length, firstBreak: { entryId: e.id, chainSeq: e.chainSeq, recordId: e.recordId, problem } };
      prev = e;
    }
    return { entries: rows.length, firstBreak: null };
  }

  /** The session a record is of. */
  async sessionOf(recordId: string): Promise<string | null> {
    const [row] = await this.db.query<{ session_id: string }>('select session_id from records where id = $1', [recordId]);
    return row?.session_id ?? null;
  }

  /** Every group that has a chain. */
  async groupsWithEntries(): Promise<string[]> {
    return (await this.db.query<{ group_id: string }>('select distinct group_id from record_entries order by group_id')).map((r) => r.group_id);
  }
}
