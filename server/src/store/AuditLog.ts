import type { AuditEntryView, AuditVerification } from '@hearth/shared';
import { canonicalJson, sha256 } from '../records/hash.ts';
import type { Db, Queryable } from './Db.ts';

/** One entry of the audit log: who did or read what, when, from where — never clinical content. */
export interface AuditEntry {
  readonly actorRole: string;
  readonly actorId: string | null;
  readonly action: string;
  readonly target?: string;
  readonly ip?: string;
}

/** Arbitrary constant naming an organization's audit chain among Postgres advisory locks (the second key is the organization). */
const AUDIT_LOCK = 7_337_018;
/** Stands for "no organization" where a key must be a uuid: the server's own chain. */
const NO_ORGANIZATION = '00000000-0000-0000-0000-000000000000';
/** How many entries a walk of the chain reads at a time: memory stays flat however long the log. */
const WALK_PAGE = 2000;

/** What an entry's hash covers (migration 018 spells the same canonical JSON out in SQL for the entries before it). */
export interface AuditLink {
  readonly organizationId: string | null;
  readonly chainSeq: number;
  readonly at: string;
  readonly actorRole: string;
  readonly actorId: string | null;
  readonly action: string;
  readonly target: string | null;
  readonly ip: string | null;
  readonly prevHash: string | null;
}

/** An audit entry's hash: the SHA-256 of its link's canonical JSON, so changing any entry breaks every link after it. */
export const auditHash = (link: AuditLink): string => sha256(canonicalJson(link));

/** `at` as hashed: UTC ISO to the millisecond, the same text in SQL as from Date#toISOString. */
const AT_ISO = `to_char(l.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

type LinkDb = {
  id: string; organization_id: string | null; chain_seq: number; at_iso: string; actor_role: string; actor_id: string | null;
  action: string; target: string | null; ip: string | null; prev_hash: string | null; hash: string;
};
const LINK_COLUMNS = `l.id::text as id, l.organization_id::text as organization_id, l.chain_seq, ${AT_ISO} as at_iso, l.actor_role, l.actor_id, l.action, l.target, l.ip, l.prev_hash, l.hash`;
const linkOf = (r: LinkDb): AuditLink => ({
  organizationId: r.organization_id,
  chainSeq: Number(r.chain_seq),
  at: r.at_iso,
  actorRole: r.actor_role,
  actorId: r.actor_id,
  action: r.action,
  target: r.target,
  ip: r.ip,
  prevHash: r.prev_hash
});

/** One chain of the log: an organization's, or (null) the server's own, of entries with none. */
export interface AuditChain {
  readonly organizationId: string | null;
  readonly organizationName: string | null;
}

/**
 * The audit log (table audit_log): appended to, never changed — the database refuses updates and
 * deletes. Entries form one hash chain per organization (migration 018 says how the organization is
 * found); an append takes its chain's advisory lock, so entries are numbered without gaps and each
 * names its predecessor's hash however many instances append at once.
 */
export class AuditLog {
  constructor(private readonly db: Db) {}

  /**
   * Records who did or read what, e.g. `audit.record({ actorRole: 'facilitator', actorId, action:
   * 'progress.read', target: memberId, ip })`. Never pass clinical content here: the entry is read by
   * the organization's administrators and exported as CSV.
   */
  async record(entry: AuditEntry): Promise<void> {
    const target = entry.target ?? null;
    const ip = entry.ip ?? null;
    await this.db.transaction(async (tx) => {
      const [found] = await tx.query<{ organization_id: string | null }>(
        'select audit_organization_of($1, $2, $3, $4)::text as organization_id',
        [entry.actorRole, entry.actorId, entry.action, target]
      );
      const organizationId = found?.organization_id ?? null;
      const chainKey = organizationId ?? NO_ORGANIZATION;
      await tx.query('select pg_advisory_xact_lock($1, hashtext($2))', [AUDIT_LOCK, chainKey]);
      const [last] = await tx.query<{ chain_seq: number; hash: string }>(
        `select chain_seq, hash from audit_log
          where coalesce(organization_id, '${NO_ORGANIZATION}'::uuid) = $1::uuid order by chain_seq desc limit 1`,
        [chainKey]
      );
      // Taken under the lock: a chain's entries are in time order too.
      const at = new Date().toISOString();
      const link: AuditLink = {
        organizationId,
        chainSeq: (last ? Number(last.chain_seq) : 0) + 1,
        at,
        actorRole: entry.actorRole,
        actorId: entry.actorId,
        action: entry.action,
        target,
        ip,
        prevHash: last?.hash ?? null
      };
      await tx.query(
        `insert into audit_log (organization_id, chain_seq, at, actor_role, actor_id, action, target, ip, prev_hash, hash)
         values ($1::uuid, $2, $3::timestamptz, $4, $5, $6, $7, $8, $9, $10)`,
        [organizationId, link.chainSeq, at, link.actorRole, link.actorId, link.action, target, ip, link.prevHash, auditHash(link)]
      );
    });
  }

  /** Every entry about one target, oldest first, with clinicians' names: a record's access history. */
  async forTarget(target: string): Promise<{ at: string; actorId: string | null; actorName: string | null; action: string; ip: string | null }[]> {
    const rows = await this.db.query<{ at: unknown; actor_id: string | null; display_name: string | null; action: string; ip: string | null }>(
      `select l.at, l.actor_id, a.display_name, l.action, l.ip
         from audit_log l left join accounts a on a.id::text = l.actor_id
        where l.target = $1 order by l.id`,
      [target]
    );
    return rows.map((r) => ({ at: new Date(r.at as string).toISOString(), actorId: r.actor_id, actorName: r.display_name, action: r.action, ip: r.ip }));
  }

  /** An organization's entries, newest first: at most `limit` older than entry `before`, with who each actor is. */
  async page(organizationId: string, opts: { before?: number; limit: number }, q: Queryable = this.db): Promise<AuditEntryView[]> {
    type Row = LinkDb & { actor_name: string | null };
    const rows = await q.query<Row>(
      `select ${LINK_COLUMNS},
              coalesce(a.display_name, case when l.actor_role = 'member' then m.alias end) as actor_name
         from audit_log l
         left join accounts a on l.actor_role <> 'member' and a.id::text = l.actor_id
         left join roster_members m on l.actor_role = 'member' and m.id::text = l.actor_id
        where l.organization_id = $1::uuid and ($2::bigint is null or l.id < $2::bigint)
        order by l.id desc limit $3`,
      [organizationId, opts.before ?? null, opts.limit]
    );
    return rows.map((r) => ({
      id: r.id,
      chainSeq: Number(r.chain_seq),
      at: r.at_iso,
      actor: { id: r.actor_id, name: r.actor_name, role: r.actor_role },
      action: r.action,
      target: r.target,
      ip: r.ip,
      hash: r.hash
    }));
  }

  /**
   * Walks a chain (an organization's, or with null the server's own) from its first entry,
   * recomputing every hash and link from what is stored, and names the first entry where they do
   * not hold: a place missing before it (an entry deleted), a link that does not name the previous
   * entry's hash, or a hash that is not that of its fields (an entry changed). Entries cut off the
   * end leave no trace in the chain itself: compare `head` with one kept elsewhere.
   */
  async verify(organizationId: string | null): Promise<AuditVerification> {
    const chainKey = organizationId ?? NO_ORGANIZATION;
    let entries = 0;
    let prev: { chainSeq: number; hash: string } | null = null;
    for (;;) {
      const after: number = prev?.chainSeq ?? 0;
      const rows: LinkDb[] = await this.db.query<LinkDb>(
        `select ${LINK_COLUMNS} from audit_log l
          where coalesce(l.organization_id, '${NO_ORGANIZATION}'::uuid) = $1::uuid and l.chain_seq > $2
          order by l.chain_seq limit ${WALK_PAGE}`,
        [chainKey, after]
      );
      for (const r of rows) {
        entries++;
        const link = linkOf(r);
        const expected = (prev?.chainSeq ?? 0) + 1;
        const problem =
          link.chainSeq !== expected
            ? `entry ${link.chainSeq} follows entry ${expected - 1}: ${link.chainSeq - expected === 1 ? 'one is' : `${link.chainSeq - expected} are`} missing`
            : link.prevHash !== (prev?.hash ?? null)
              ? 'it does not name the previous entry\'s hash'
              : auditHash(link) !== r.hash
                ? 'its hash does not match its fields: it was changed after it was written'
                : null;
        if (problem) return { ok: false, entries, head: null, firstBreak: { entryId: r.id, chainSeq: link.chainSeq, problem } };
        prev = { chainSeq: link.chainSeq, hash: r.hash };
      }
      if (rows.length < WALK_PAGE) break;
    }
    return { ok: true, entries, head: prev, firstBreak: null };
  }

  /** Every chain the log holds, organizations by name, the server's own (entries of no organization) last. */
  async chains(): Promise<AuditChain[]> {
    const rows = await this.db.query<{ organization_id: string | null; name: string | null }>(
      `select c.organization_id::text as organization_id, o.name
         from (select distinct organization_id from audit_log) c left join organizations o on o.id = c.organization_id
        order by c.organization_id is null, o.name`
    );
    return rows.map((r) => ({ organizationId: r.organization_id, organizationName: r.name }));
  }
}
