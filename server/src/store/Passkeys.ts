import { randomUUID } from 'node:crypto';
import type { Db } from './Db.ts';

export interface PasskeyRow {
  readonly id: string;
  readonly accountId: string;
  /** The credential's public key (COSE), base64url. */
  readonly publicKey: string;
  readonly counter: number;
  readonly transports: string[];
  readonly name: string;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
}

type Row = { id: string; account_id: string; public_key: string; counter: string | number; transports: string; name: string; created_at: Date; last_used_at: Date | null };
const toPasskey = (r: Row): PasskeyRow => ({
  id: r.id,
  accountId: r.account_id,
  publicKey: r.public_key,
  counter: Number(r.counter),
  transports: (JSON.parse(r.transports) as unknown[]).filter((t): t is string => typeof t === 'string'),
  name: r.name,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at
});

/** Passkeys and the one-time WebAuthn challenges that register and use them. */
export class Passkeys {
  constructor(private readonly db: Db) {}

  async ofAccount(accountId: string): Promise<PasskeyRow[]> {
    return (await this.db.query<Row>('select * from passkeys where account_id = $1 order by created_at', [accountId])).map(toPasskey);
  }

  async byId(id: string): Promise<PasskeyRow | null> {
    const [row] = await this.db.query<Row>('select * from passkeys where id = $1', [id]);
    return row ? toPasskey(row) : null;
  }

  async add(p: { id: string; accountId: string; publicKey: string; counter: number; transports: readonly string[]; name: string }): Promise<PasskeyRow> {
    const [row] = await this.db.query<Row>(
      'insert into passkeys (id, account_id, public_key, counter, transports, name) values ($1, $2, $3, $4, $5, $6) returning *',
      [p.id, p.accountId, p.publicKey, p.counter, JSON.stringify(p.transports), p.name]
    );
    return toPasskey(row!);
  }

  async used(id: string, counter: number): Promise<void> {
    await this.db.query('update passkeys set counter = $2, last_used_at = now() where id = $1', [id, counter]);
  }

  async createChallenge(challenge: string, purpose: 'register' | 'login', accountId: string | null, expiresAt: Date): Promise<string> {
    const id = randomUUID();
    await this.db.query('insert into webauthn_challenges (id, challenge, account_id, purpose, expires_at) values ($1, $2, $3, $4, $5)', [id, challenge, accountId, purpose, expiresAt]);
    return id;
  }

  /** Spends a challenge once: its text, while unexpired, for this purpose and account; null otherwise. */
  async takeChallenge(id: string, purpose: 'register' | 'login', accountId: string | null): Promise<string | null> {
    const [row] = await this.db.query<{ challenge: string }>(
      `update webauthn_challenges set used_at = now()
        where id = $1 and purpose = $2 and used_at is null and expires_at > now()
          and account_id is not distinct from $3::uuid
        returning challenge`,
      [id, purpose, accountId]
    );
    return row?.challenge ?? null;
  }
}
