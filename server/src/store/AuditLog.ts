import type { Db } from './Db.ts';

/** One entry of the audit log: who did or read what, when, from where — never clinical content. */
export interface AuditEntry {
  readonly actorRole: string;
  readonly actorId: string | null;
  readonly action: string;
  readonly target?: string;
  readonly ip?: string;
}

/** The audit log (table audit_log): appended to, never changed. */
export class AuditLog {
  constructor(private readonly db: Db) {}

  /** Records who did what. Never pass clinical content here. */
  async record(entry: AuditEntry): Promise<void> {
    await this.db.query('insert into audit_log (actor_role, actor_id, action, target, ip) values ($1, $2, $3, $4, $5)', [
      entry.actorRole,
      entry.actorId,
      entry.action,
      entry.target ?? null,
      entry.ip ?? null
    ]);
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
}
