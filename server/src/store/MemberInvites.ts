import { randomUUID } from 'node:crypto';
import type { Db, Queryable } from './Db.ts';

/** The member a personal invite code stands for, while it is current. */
export interface InviteHolder {
  readonly inviteId: string;
  readonly groupId: string;
  readonly memberId: string;
  readonly alias: string;
  /** Discharged members' codes stop working; the caller answers them like an unknown code. */
  readonly discharged: boolean;
  /** The version of the group agreement they accepted, and when (ISO 8601); null before their first join. */
  readonly agreement: { readonly version: string; readonly acceptedAt: string } | null;
}

export interface InviteStateRow {
  readonly memberId: string;
  readonly alias: string;
  readonly issuedAt: string | null;
  readonly lastUsedAt: string | null;
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** Members' personal invites: rows keyed by the code's HMAC (the code itself is never stored). */
export class MemberInvites {
  constructor(private readonly db: Db) {}

  /**
   * Makes `codeHash` the member's one current code: the code before it stops working, and so do the
   * member tokens it issued (their ids are returned, to disconnect their sockets).
   */
  async issue(groupId: string, memberId: string, codeHash: string, by: string | null): Promise<{ issuedAt: string; endedTokens: string[] }> {
    return this.db.transaction(async (tx) => {
      const ended = await this.revokeIn(tx, memberId);
      const [row] = await tx.query<{ created_at: Date }>(
        'insert into member_invites (id, group_id, member_id, code_hash, created_by) values ($1, $2, $3, $4, $5) returning created_at',
        [randomUUID(), groupId, memberId, codeHash, by]
      );
      return { issuedAt: iso(row!.created_at)!, endedTokens: ended };
    });
  }

  /** Revokes the member's current code and the tokens it issued; the ended token ids, or null if there was no code. */
  async revoke(memberId: string): Promise<string[] | null> {
    return this.db.transaction(async (tx) => {
      const [current] = await tx.query<{ id: string }>('select id from member_invites where member_id = $1 and revoked_at is null', [memberId]);
      if (!current) return null;
      return this.revokeIn(tx, memberId);
    });
  }

  private async revokeIn(tx: Queryable, memberId: string): Promise<string[]> {
    const tokens = await tx.query<{ id: string }>(
      `update member_tokens set revoked_at = now()
        where revoked_at is null and invite_id in (select id from member_invites where member_id = $1 and revoked_at is null)
        returning id`,
      [memberId]
    );
    await tx.query('update member_invites set revoked_at = now() where member_id = $1 and revoked_at is null', [memberId]);
    return tokens.map((t) => t.id);
  }

  /** The member behind a current code, or null. */
  async holder(codeHash: string): Promise<InviteHolder | null> {
    const [r] = await this.db.query<{
      id: string;
      group_id: string;
      member_id: string;
      alias: string;
      discharged: boolean;
      agreement_version: string | null;
      agreement_accepted_at: Date | string | null;
    }>(
      `select i.id, i.group_id, i.member_id, m.alias, m.discharged_on is not null as discharged, m.agreement_version, m.agreement_accepted_at
         from member_invites i join roster_members m on m.id = i.member_id
        where i.code_hash = $1 and i.revoked_at is null`,
      [codeHash]
    );
    if (!r) return null;
    const agreement =
      r.agreement_version !== null && r.agreement_accepted_at !== null ? { version: r.agreement_version, acceptedAt: new Date(r.agreement_accepted_at).toISOString() } : null;
    return { inviteId: r.id, groupId: r.group_id, memberId: r.member_id, alias: r.alias, discharged: r.discharged, agreement };
  }

  /** Records that the member accepted this version of the group agreement, now. */
  async acceptAgreement(memberId: string, version: string): Promise<void> {
    await this.db.query('update roster_members set agreement_version = $2, agreement_accepted_at = now() where id = $1', [memberId, version]);
  }

  async markUsed(inviteId: string): Promise<void> {
    await this.db.query('update member_invites set last_used_at = now() where id = $1', [inviteId]);
  }

  /** The active roster with each member's current code, if any (never the code). */
  async states(groupId: string): Promise<InviteStateRow[]> {
    const rows = await this.db.query<{ id: string; alias: string; created_at: Date | null; last_used_at: Date | null }>(
      `select m.id, m.alias, i.created_at, i.last_used_at
         from roster_members m left join member_invites i on i.member_id = m.id and i.revoked_at is null
        where m.group_id = $1 and m.discharged_on is null order by m.position`,
      [groupId]
    );
    return rows.map((r) => ({ memberId: r.id, alias: r.alias, issuedAt: iso(r.created_at), lastUsedAt: iso(r.last_used_at) }));
  }
}
