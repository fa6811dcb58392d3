import { randomUUID } from 'node:crypto';
import type { Db, Queryable } from './Db.ts';

export interface Account {
  readonly id: string;
  readonly organizationId: string;
  readonly email: string;
  readonly displayName: string;
  readonly passwordHash: string;
  readonly credentials: string;
  readonly admin: boolean;
  /** Set once an admin deactivated the account: it signs in no more; its records still name it. */
  readonly deactivatedAt: Date | null;
}

/** A set-password link as stored: its purpose, account and whether it still works. */
export interface PasswordLinkRow {
  readonly id: string;
  readonly accountId: string;
  readonly purpose: 'invite' | 'reset';
  readonly expiresAt: Date;
  readonly usedAt: Date | null;
}

export interface AuthSessionRow {
  readonly id: string;
  readonly accountId: string;
  readonly createdAt: Date;
  readonly lastSeenAt: Date;
  readonly expiresAt: Date;
  readonly revokedAt: Date | null;
}

export interface MemberTokenRow {
  readonly id: string;
  readonly sessionId: string;
  readonly memberId: string;
  readonly alias: string;
  readonly expiresAt: Date;
  readonly revokedAt: Date | null;
}

type AccountDbRow = {
  id: string; organization_id: string; email: string; display_name: string; password_hash: string;
  credentials: string; admin: boolean; deactivated_at: Date | null;
};
const toAccount = (r: AccountDbRow): Account => ({
  id: r.id,
  organizationId: r.organization_id,
  email: r.email,
  displayName: r.display_name,
  passwordHash: r.password_hash,
  credentials: r.credentials,
  admin: r.admin,
  deactivatedAt: r.deactivated_at
});

/** Clinician accounts, their login sessions and member tokens. */
export class Accounts {
  constructor(private readonly db: Db) {}

  async createOrganization(name: string, tx: Queryable = this.db): Promise<string> {
    const id = randomUUID();
    await tx.query('insert into organizations (id, name) values ($1, $2)', [id, name]);
    return id;
  }

  async create(
    input: { organizationId: string; email: string; displayName: string; passwordHash: string; credentials?: string; admin?: boolean },
    tx: Queryable = this.db
  ): Promise<string> {
    const id = randomUUID();
    await tx.query(
      'insert into accounts (id, organization_id, email, display_name, password_hash, credentials, admin) values ($1, $2, $3, $4, $5, $6, $7)',
      [id, input.organizationId, input.email.toLowerCase(), input.displayName, input.passwordHash, input.credentials ?? '', input.admin ?? false]
    );
    return id;
  }

  /** The organization of that name, if there is one. */
  async organizationNamed(name: string): Promise<string | null> {
    const [row] = await this.db.query<{ id: string }>('select id from organizations where name = $1', [name]);
    return row?.id ?? null;
  }

  /** Sets an account's password (by email); false when there is no such account. */
  async setPassword(email: string, passwordHash: string): Promise<boolean> {
    const rows = await this.db.query<{ id: string }>('update accounts set password_hash = $2 where email = $1 returning id', [email.toLowerCase(), passwordHash]);
    return rows.length > 0;
  }

  /** Sets an account's password by id. */
  async setPasswordOf(accountId: string, passwordHash: string, tx: Queryable = this.db): Promise<void> {
    await tx.query('update accounts set password_hash = $2 where id = $1', [accountId, passwordHash]);
  }

  /** Every account of an organization, by name. */
  async ofOrganization(organizationId: string): Promise<Account[]> {
    const rows = await this.db.query<AccountDbRow>('select * from accounts where organization_id = $1 order by lower(display_name), email', [organizationId]);
    return rows.map(toAccount);
  }

  /** Deactivates an account and ends its logins; returns the ids of the logins that were open. */
  async deactivate(accountId: string): Promise<string[]> {
    return this.db.transaction(async (tx) => {
      await tx.query('update accounts set deactivated_at = now() where id = $1 and deactivated_at is null', [accountId]);
      await tx.query('update password_links set used_at = now() where account_id = $1 and used_at is null', [accountId]);
      return this.revokeAuthSessionsOf(accountId, null, tx);
    });
  }

  /** Ends an account's logins, except `keep` (the one changing its password); returns the ids that were open. */
  async revokeAuthSessionsOf(accountId: string, keep: string | null = null, tx: Queryable = this.db): Promise<string[]> {
    const rows = await tx.query<{ id: string }>(
      'update auth_sessions set revoked_at = now() where account_id = $1 and ($2::uuid is null or id <> $2::uuid) and revoked_at is null returning id',
      [accountId, keep]
    );
    return rows.map((r) => r.id);
  }

  async createPasswordLink(input: { accountId: string; purpose: 'invite' | 'reset'; tokenHash: string; expiresAt: Date; createdBy: string | null }): Promise<void> {
    await this.db.transaction(async (tx) => {
      // A new link replaces the account's earlier ones: only the newest works.
      await tx.query('update password_links set used_at = now() where account_id = $1 and used_at is null', [input.accountId]);
      await tx.query(
        'insert into password_links (id, token_hash, account_id, purpose, created_by, expires_at) values ($1, $2, $3, $4, $5, $6)',
        [randomUUID(), input.tokenHash, input.accountId, input.purpose, input.createdBy, input.expiresAt]
      );
    });
  }

  async passwordLink(tokenHash: string): Promise<PasswordLinkRow | null> {
    const [r] = await this.db.query<{ id: string; account_id: string; purpose: 'invite' | 'reset'; expires_at: Date; used_at: Date | null }>(
      'select id, account_id, purpose, expires_at, used_at from password_links where token_hash = $1',
      [tokenHash]
    );
    return r ? { id: r.id, accountId: r.account_id, purpose: r.purpose, expiresAt: r.expires_at, usedAt: r.used_at } : null;
  }

  /** Spends a link and sets the password in one step; false when the link was spent meanwhile. */
  async usePasswordLink(linkId: string, accountId: string, passwordHash: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const spent = await tx.query<{ id: string }>('update password_links set used_at = now() where id = $1 and used_at is null returning id', [linkId]);
      if (spent.length === 0) return false;
      await this.setPasswordOf(accountId, passwordHash, tx);
      return true;
    });
  }

  async count(): Promise<number> {
    const [row] = await this.db.query<{ n: number }>('select count(*)::int as n from accounts');
    return Number(row?.n ?? 0);
  }

  async byEmail(email: string): Promise<Account | null> {
    const [row] = await this.db.query<AccountDbRow>('select * from accounts where email = $1', [email.toLowerCase()]);
    return row ? toAccount(row) : null;
  }

  async byId(id: string): Promise<Account | null> {
    const [row] = await this.db.query<AccountDbRow>('select * from accounts where id = $1', [id]);
    return row ? toAccount(row) : null;
  }

  async createAuthSession(accountId: string, tokenHash: string, expiresAt: Date): Promise<string> {
    const id = randomUUID();
    await this.db.query(
      'insert into auth_sessions (id, token_hash, account_id, expires_at) values ($1, $2, $3, $4)',
      [id, tokenHash, accountId, expiresAt]
    );
    return id;
  }

  async authSession(tokenHash: string): Promise<AuthSessionRow | null> {
    const [r] = await this.db.query<{
      id: string; account_id: string; created_at: Date; last_seen_at: Date; expires_at: Date; revoked_at: Date | null;
    }>('select id, account_id, created_at, last_seen_at, expires_at, revoked_at from auth_sessions where token_hash = $1', [tokenHash]);
    return r
      ? { id: r.id, accountId: r.account_id, createdAt: r.created_at, lastSeenAt: r.last_seen_at, expiresAt: r.expires_at, revokedAt: r.revoked_at }
      : null;
  }

  async touchAuthSession(id: string, at: Date): Promise<void> {
    await this.db.query('update auth_sessions set last_seen_at = $2 where id = $1 and revoked_at is null', [id, at]);
  }

  async revokeAuthSession(id: string): Promise<void> {
    await this.db.query('update auth_sessions set revoked_at = now() where id = $1 and revoked_at is null', [id]);
  }

  async createMemberToken(input: { sessionId: string; memberId: string; inviteId: string | null; tokenHash: string; expiresAt: Date }): Promise<string> {
    const id = randomUUID();
    await this.db.query(
      'insert into member_tokens (id, token_hash, session_id, member_id, invite_id, expires_at) values ($1, $2, $3, $4, $5, $6)',
      [id, input.tokenHash, input.sessionId, input.memberId, input.inviteId, input.expiresAt]
    );
    return id;
  }

  /** Many member tokens in one statement (the sockets' periodic re-check), by hash; unknown hashes are absent. */
  async memberTokens(tokenHashes: readonly string[]): Promise<Map<string, MemberTokenRow>> {
    const found = new Map<string, MemberTokenRow>();
    if (tokenHashes.length === 0) return found;
    const rows = await this.db.query<{
      token_hash: string; id: string; session_id: string; member_id: string; alias: string; expires_at: Date; revoked_at: Date | null;
    }>(
      `select t.token_hash, t.id, t.session_id, t.member_id, m.alias, t.expires_at, t.revoked_at
         from member_tokens t join roster_members m on m.id = t.member_id
        where t.token_hash in (select jsonb_array_elements_text($1::text::jsonb))`,
      [JSON.stringify(tokenHashes)]
    );
    for (const r of rows) {
      found.set(r.token_hash, { id: r.id, sessionId: r.session_id, memberId: r.member_id, alias: r.alias, expiresAt: r.expires_at, revokedAt: r.revoked_at });
    }
    return found;
  }

  async memberToken(tokenHash: string): Promise<MemberTokenRow | null> {
    const [r] = await this.db.query<{
      id: string; session_id: string; member_id: string; alias: string; expires_at: Date; revoked_at: Date | null;
    }>(
      `select t.id, t.session_id, t.member_id, m.alias, t.expires_at, t.revoked_at
         from member_tokens t join roster_members m on m.id = t.member_id where t.token_hash = $1`,
      [tokenHash]
    );
    return r
      ? { id: r.id, sessionId: r.session_id, memberId: r.member_id, alias: r.alias, expiresAt: r.expires_at, revokedAt: r.revoked_at }
      : null;
  }
}
