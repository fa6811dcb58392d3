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
}
