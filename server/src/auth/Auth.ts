import { createHmac, randomBytes } from 'node:crypto';
import { ErrorCode } from '@hearth/shared';
import type { Config } from '../config.ts';
import type { Account, Accounts, MemberTokenRow, PasswordLinkRow } from '../store/Accounts.ts';
import type { AuditLog } from '../store/AuditLog.ts';
import { AttemptLimiter } from '../limits/AttemptLimiter.ts';
import { RateLimits } from '../limits/RateLimits.ts';
import { createLogger } from '../log.ts';
import { DUMMY_HASH, verifyPassword } from './passwords.ts';

/** The login cookie's name. httpOnly, SameSite=Lax: scripts cannot read it, other sites cannot send it. */
export const SESSION_COOKIE = 'hearth_session';

/** A clinician authenticated by their login cookie. */
export interface ClinicianIdentity {
  readonly kind: 'clinician';
  readonly account: Account;
  readonly authSessionId: string;
  /** When the login ends however active it is (its absolute lifetime). */
  readonly expiresAt: Date;
}

/** A member authenticated by the token from their invite: one session, the member role. */
export interface MemberIdentity {
  readonly kind: 'member';
  readonly memberId: string;
  readonly alias: string;
  readonly sessionId: string;
  readonly tokenId: string;
}

export type Identity = ClinicianIdentity | MemberIdentity;

/** A failure the HTTP and socket layers turn into an error response with this code. */
export class AuthError extends Error {
  constructor(readonly code: ErrorCode, message: string, readonly retryAfterMs?: number) {
    super(message);
  }
}

/** The default lockout: 10 failed sign-ins per email and address within 15 minutes, counted in this process. */
const inProcessSignIns = () => new AttemptLimiter(new RateLimits(null, createLogger('silent')).shared('sign-in', 10, 15 * 60), 10, 'failed sign-ins', createLogger('silent'));
// Touching last_seen on every request would write on every request; once a minute is enough for idle expiry.
const TOUCH_EVERY_MS = 60_000;

/**
 * Logins, cookie sessions with idle and absolute expiry, and member tokens. Tokens are random; the
 * database keeps only their HMAC under the server secret, so a copy of the database logs no one in.
 */
export class Auth {
  constructor(
    private readonly accounts: Accounts,
    private readonly audit: AuditLog,
    private readonly secret: string,
    private readonly config: Pick<Config, 'sessionIdleMs' | 'sessionAbsoluteMs' | 'memberTokenMs' | 'passwordLinkMs'>,
    private readonly now: () => number = Date.now,
    /** Failed sign-ins per email and address: shared between instances when the app counts them in Redis. */
    private readonly signIns: AttemptLimiter = inProcessSignIns()
  ) {}

  hashToken(token: string): string {
    return createHmac('sha256', this.secret).update(token).digest('base64url');
  }

  newToken(): string {
    return randomBytes(32).toString('base64url');
  }

  /** Checks credentials and opens a login session. Throws AuthError on failure or too many attempts. */
  async login(email: string, password: string, ip: string): Promise<{ token: string; account: Account }> {
    const key = `${email}|${ip}`;
    const refused = await this.signIns.refusal(key);
    if (refused) throw new AuthError(ErrorCode.RATE_LIMITED, refused.message, refused.retryAfterMs);
    const account = await this.accounts.byEmail(email);
    const ok = await verifyPassword(password, account?.passwordHash || DUMMY_HASH);
    // A deactivated account is answered like a wrong password: the caller learns nothing of it.
    if (!account || !ok || account.deactivatedAt) {
      await this.signIns.fail(key);
      await this.audit.record({ actorRole: 'anonymous', actorId: null, action: 'login.failed', target: email, ip });
      throw new AuthError(ErrorCode.INVALID_CREDENTIALS, 'The email or password is not right.');
    }
    await this.signIns.forgive(key);
    return { token: await this.openLogin(account, ip), account };
  }

  /** Whether `password` is this clinician's: signing asks for it again. A wrong one is audited. */
  async confirmPassword(accountId: string, password: string, action: string): Promise<boolean> {
    const account = await this.accounts.byId(accountId);
    const ok = await verifyPassword(password, account?.passwordHash || DUMMY_HASH);
    if (!ok) await this.audit.record({ actorRole: 'clinician', actorId: accountId, action: `${action}.password-refused` });
    return ok && account !== null;
  }

  /**
   * The clinician behind a login token, or null if it is unknown, revoked, idle too long or too old.
   * `touch` counts this as the person's activity (a request they made): a socket or notes connection
   * re-checking itself does not, so an open page never keeps a login alive on its own.
   */
  async clinician(token: string | undefined, options: { touch: boolean } = { touch: true }): Promise<ClinicianIdentity | null> {
    if (!token) return null;
    const session = await this.accounts.authSession(this.hashToken(token));
    if (!session || session.revokedAt) return null;
    const now = this.now();
    if (now >= session.expiresAt.getTime()) return null;
    if (now - session.lastSeenAt.getTime() >= this.config.sessionIdleMs) return null;
    if (options.touch && now - session.lastSeenAt.getTime() >= TOUCH_EVERY_MS) await this.accounts.touchAuthSession(session.id, new Date(now));
    const account = await this.accounts.byId(session.accountId);
    return account && !account.deactivatedAt ? { kind: 'clinician', account, authSessionId: session.id, expiresAt: session.expiresAt } : null;
  }

  /** A one-time link for an account to set its password; the token is returned once, its HMAC stored. */
  async issuePasswordLink(accountId: string, purpose: 'invite' | 'reset', createdBy: string | null): Promise<{ token: string; expiresAt: Date }> {
    const token = this.newToken();
    const expiresAt = new Date(this.now() + this.config.passwordLinkMs);
    await this.accounts.createPasswordLink({ accountId, purpose, tokenHash: this.hashToken(token), expiresAt, createdBy });
    return { token, expiresAt };
  }

  /** The link and its account while the link still works: unused, unexpired, the account active. */
  async passwordLink(token: string): Promise<{ link: PasswordLinkRow; account: Account } | null> {
    const link = await this.accounts.passwordLink(this.hashToken(token));
    if (!link || link.usedAt || this.now() >= link.expiresAt.getTime()) return null;
    const account = await this.accounts.byId(link.accountId);
    return account && !account.deactivatedAt ? { link, account } : null;
  }

  /** Opens a login for an account that just proved itself (a set-password link): the token for its cookie. */
  async openLogin(account: Account, ip: string): Promise<string> {
    const token = this.newToken();
    await this.accounts.createAuthSession(account.id, this.hashToken(token), new Date(this.now() + this.config.sessionAbsoluteMs));
    await this.audit.record({ actorRole: 'clinician', actorId: account.id, action: 'login', ip });
    return token;
  }

  async logout(identity: ClinicianIdentity): Promise<void> {
    await this.accounts.revokeAuthSession(identity.authSessionId);
    await this.audit.record({ actorRole: 'clinician', actorId: identity.account.id, action: 'logout' });
  }

  /** Issues a member token for one session and one roster member, from their personal invite; its id names the device's admission request. */
  async issueMemberToken(sessionId: string, memberId: string, inviteId: string | null, ip?: string): Promise<{ token: string; tokenId: string }> {
    const token = this.newToken();
    const tokenId = await this.accounts.createMemberToken({
      sessionId,
      memberId,
      inviteId,
      tokenHash: this.hashToken(token),
      expiresAt: new Date(this.now() + this.config.memberTokenMs)
    });
    await this.audit.record({ actorRole: 'member', actorId: memberId, action: 'member.join', target: sessionId, ...(ip && { ip }) });
    return { token, tokenId };
  }

  /** A new personal invite code and its hash (only the hash is stored). */
  newInviteCode(): { code: string; hash: string } {
    const code = randomBytes(15).toString('base64url');
    return { code, hash: this.hashToken(code) };
  }

  /** The member behind a token, or null if it is unknown, revoked or expired. */
  async member(token: string | undefined): Promise<MemberIdentity | null> {
    if (!token) return null;
    return this.memberOf(await this.accounts.memberToken(this.hashToken(token)));
  }

  /** The members behind many tokens, in one statement: each token's identity, or null as for `member`. */
  async members(tokens: readonly string[]): Promise<Map<string, MemberIdentity | null>> {
    const hashes = new Map(tokens.map((t) => [t, this.hashToken(t)]));
    const rows = await this.accounts.memberTokens([...new Set(hashes.values())]);
    return new Map(tokens.map((t) => [t, this.memberOf(rows.get(hashes.get(t)!) ?? null)]));
  }

  private memberOf(row: MemberTokenRow | null): MemberIdentity | null {
    if (!row || row.revokedAt || this.now() >= row.expiresAt.getTime()) return null;
    return { kind: 'member', memberId: row.memberId, alias: row.alias, sessionId: row.sessionId, tokenId: row.id };
  }
}
