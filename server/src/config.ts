import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'auto'])
  .transform((v) => (v === 'auto' ? 'auto' : v === 'true' || v === '1' || v === 'yes'));

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_.:-]{1,40}$/, 'letters, digits and _ . : - only, at most 40').default('hearth:'),
  PUBLIC_ORIGIN: z
    .string()
    .transform((s) => s.split(',').map((o) => o.trim()).filter(Boolean))
    .pipe(z.array(z.string().url('each origin must be a URL such as https://hearth.example.org')))
    .optional(),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(120),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(12),
  MEMBER_TOKEN_HOURS: z.coerce.number().int().min(1).max(24 * 7).default(24),
  PASSWORD_LINK_HOURS: z.coerce.number().int().min(1).max(24 * 14).default(72),
  // Personal invite codes that do not work, per address, before it is refused for the window.
  INVITE_ATTEMPTS: z.coerce.number().int().min(1).max(10_000).default(20),
  INVITE_ATTEMPTS_WINDOW_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(15),
  // Failed password sign-ins per email and address (and refused passkeys per address) before a lockout.
  SIGN_IN_ATTEMPTS: z.coerce.number().int().min(1).max(10_000).default(10),
  SIGN_IN_ATTEMPTS_WINDOW_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(15),
  // Socket connections (board and notes) one address may open per minute.
  CONNECTIONS_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(60),
  // Board commands one socket may send per second, and how many at once in a burst.
  COMMANDS_PER_SECOND: z.coerce.number().int().min(1).max(100_000).default(20),
  COMMAND_BURST: z.coerce.number().int().min(1).max(100_000).default(40),
  // A paging system's endpoint: a JSON notice of each crisis flag (no clinical content).
  ALERT_WEBHOOK_URL: z.string().url('must be a URL such as https://pager.example.org/hooks/hearth').optional(),
  // Web Push identity; without keys, a pair is generated once and kept in the database.
  VAPID_PUBLIC_KEY: z.string().regex(/^[A-Za-z0-9_-]{80,100}$/, 'must be a base64url P-256 public key').optional(),
  VAPID_PRIVATE_KEY: z.string().regex(/^[A-Za-z0-9_-]{40,50}$/, 'must be a base64url P-256 private key').optional(),
  VAPID_SUBJECT: z.string().regex(/^(mailto:|https:\/\/)/, 'must be a mailto: address or an https: URL').optional(),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional(),
  MAIL_FROM: z.string().min(3).max(200).default('Hearth <no-reply@hearth.invalid>'),
  DEMO: bool.default('auto'),
  METRICS: bool.default(false),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  LOG_LEVEL: z.enum(['silent', 'error', 'info', 'debug']).default('info'),
  TRUST_PROXY: z.string().min(1).default('loopback'),
  PRESENCE_TTL_SECONDS: z.coerce.number().min(1).max(3600).default(20),
  PRESENCE_HEARTBEAT_SECONDS: z.coerce.number().min(0.1).max(1200).default(5),
  PRESENCE_GRACE_SECONDS: z.coerce.number().min(0).max(3600).default(15),
  PRESENCE_RECONCILE_SECONDS: z.coerce.number().min(0.1).max(3600).default(30),
  // How often the server pings each socket (Engine.IO's pingInterval); a socket silent for this plus 20 s is closed.
  SOCKET_PING_SECONDS: z.coerce.number().min(1).max(300).default(25),
  CREDENTIAL_RECHECK_SECONDS: z.coerce.number().min(0.1).max(3600).default(30),
  NOTES_SAVE_AFTER_SECONDS: z.coerce.number().min(0.1).max(3600).default(2),
  NOTES_SAVE_WITHIN_SECONDS: z.coerce.number().min(0.1).max(3600).default(10)
}).superRefine((e, ctx) => {
  // A connection must be heartbeated several times per TTL, or a late beat would make it vanish.
  if (e.PRESENCE_HEARTBEAT_SECONDS * 3 > e.PRESENCE_TTL_SECONDS) {
    ctx.addIssue({ code: 'custom', path: ['PRESENCE_HEARTBEAT_SECONDS'], message: 'must be at most a third of PRESENCE_TTL_SECONDS' });
  }
  if ((e.VAPID_PUBLIC_KEY === undefined) !== (e.VAPID_PRIVATE_KEY === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['VAPID_PRIVATE_KEY'], message: 'set VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY together' });
  }
  if (e.COMMAND_BURST < e.COMMANDS_PER_SECOND) {
    ctx.addIssue({ code: 'custom', path: ['COMMAND_BURST'], message: 'must be at least COMMANDS_PER_SECOND' });
  }
  if (e.NOTES_SAVE_WITHIN_SECONDS < e.NOTES_SAVE_AFTER_SECONDS) {
    ctx.addIssue({ code: 'custom', path: ['NOTES_SAVE_WITHIN_SECONDS'], message: 'must be at least NOTES_SAVE_AFTER_SECONDS' });
  }
});

/** The server's configuration: every setting, typed, with its default applied. */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string | null;
  readonly dataDir: string;
  readonly redisUrl: string | null;
  /** Prefix of every Redis key and channel: deployments sharing a Redis never see each other's. */
  readonly redisPrefix: string;
  /** Origins allowed for browsers; null means the server's own http://localhost:<port>. */
  readonly publicOrigins: readonly string[] | null;
  readonly sessionSecret: string | null;
  readonly sessionIdleMs: number;
  readonly sessionAbsoluteMs: number;
  readonly memberTokenMs: number;
  /** How long a colleague's set-password link works. */
  readonly passwordLinkMs: number;
  /** Failed personal-invite attempts an address may make within the window. */
  readonly inviteAttempts: { readonly limit: number; readonly windowSeconds: number };
  /**
   * Failed password sign-ins per email and address, and refused passkey answers per address, within
   * the window; then the address is locked out until the window ends, the right password too.
   */
  readonly signInAttempts: { readonly limit: number; readonly windowSeconds: number };
  /** Socket connections (/board and /yjs together) one address may open per minute. */
  readonly connectionsPerMinute: number;
  /**
   * Board commands per socket: `perSecond` sustained, and up to `burst` within one second (keyboard
   * shortcuts fire quickly), the extra beyond `perSecond` refilling over a few seconds.
   */
  readonly commands: { readonly perSecond: number; readonly burst: number };
  /** Where set-password links are mailed from; without `smtpUrl` they are only shown to the admin. */
  readonly mail: { readonly smtpUrl: string | null; readonly from: string };
  /** Crisis reach beyond the board: the paging webhook, and the Web Push identity (null: generated and kept in the database). */
  readonly alerts: {
    readonly webhookUrl: string | null;
    readonly vapid: { readonly publicKey: string; readonly privateKey: string } | null;
    readonly vapidSubject: string | null;
  };
  /** Seed the demo organization into an empty database. */
  readonly demo: boolean;
  /** GET /metrics in the Prometheus format (off by default), and the bearer token it asks for, if any. */
  readonly metrics: { readonly enabled: boolean; readonly token: string | null };
  readonly logLevel: 'silent' | 'error' | 'info' | 'debug';
  /**
   * Which proxies' X-Forwarded-For to believe, as Express's `trust proxy` takes it: an address list,
   * `loopback`, `uniquelocal`, a hop count, true or false. Client addresses feed the audit log and
   * the sign-in lockout, so behind a proxy this must name it.
   */
  readonly trustProxy: string | number | boolean;
  /**
   * Presence timings, the same on every instance: a connection not heartbeated for `ttlMs` is gone
   * (so a crashed instance's clients leave within ttl + heartbeat), and a dropped one shows as
   * reconnecting for `graceMs` unless its person comes back; every `reconcileMs` each instance checks
   * its sessions' durable attendance against presence.
   */
  readonly presence: { readonly ttlMs: number; readonly heartbeatMs: number; readonly graceMs: number; readonly reconcileMs: number };
  /** How often open sockets' sign-ins (and notes connections' roles) are checked again. */
  readonly credentialRecheckMs: number;
  /** How often each board socket is pinged (Engine.IO's pingInterval): below a proxy's idle timeout. */
  readonly socketPingMs: number;
  /** When notes are saved: `debounceMs` after the last change, at the latest `maxDelayMs` after the first unsaved one. */
  readonly notesSave: { readonly debounceMs: number; readonly maxDelayMs: number };
}

/** A bad environment: every offending variable with what is wrong with it. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * Parses the environment once, at start. This is the only place that reads process.env; a bad
 * value stops the start with a message that names the variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL ?? null,
    dataDir: e.DATA_DIR,
    redisUrl: e.REDIS_URL ?? null,
    redisPrefix: e.REDIS_PREFIX,
    publicOrigins: e.PUBLIC_ORIGIN ?? null,
    sessionSecret: e.SESSION_SECRET ?? null,
    sessionIdleMs: e.SESSION_IDLE_MINUTES * 60_000,
    sessionAbsoluteMs: e.SESSION_ABSOLUTE_HOURS * 3_600_000,
    memberTokenMs: e.MEMBER_TOKEN_HOURS * 3_600_000,
    passwordLinkMs: e.PASSWORD_LINK_HOURS * 3_600_000,
    inviteAttempts: { limit: e.INVITE_ATTEMPTS, windowSeconds: e.INVITE_ATTEMPTS_WINDOW_MINUTES * 60 },
    signInAttempts: { limit: e.SIGN_IN_ATTEMPTS, windowSeconds: e.SIGN_IN_ATTEMPTS_WINDOW_MINUTES * 60 },
    connectionsPerMinute: e.CONNECTIONS_PER_MINUTE,
    commands: { perSecond: e.COMMANDS_PER_SECOND, burst: e.COMMAND_BURST },
    mail: { smtpUrl: e.SMTP_URL ?? null, from: e.MAIL_FROM },
    alerts: {
      webhookUrl: e.ALERT_WEBHOOK_URL ?? null,
      vapid: e.VAPID_PUBLIC_KEY && e.VAPID_PRIVATE_KEY ? { publicKey: e.VAPID_PUBLIC_KEY, privateKey: e.VAPID_PRIVATE_KEY } : null,
      vapidSubject: e.VAPID_SUBJECT ?? null
    },
    // Demo accounts have published passwords: by default only on the embedded database.
    demo: e.DEMO === 'auto' ? e.DATABASE_URL === undefined : e.DEMO,
    logLevel: e.LOG_LEVEL,
    metrics: { enabled: e.METRICS === true, token: e.METRICS_TOKEN ?? null },
    presence: {
      ttlMs: Math.round(e.PRESENCE_TTL_SECONDS * 1000),
      heartbeatMs: Math.round(e.PRESENCE_HEARTBEAT_SECONDS * 1000),
      graceMs: Math.round(e.PRESENCE_GRACE_SECONDS * 1000),
      reconcileMs: Math.round(e.PRESENCE_RECONCILE_SECONDS * 1000)
    },
    credentialRecheckMs: Math.round(e.CREDENTIAL_RECHECK_SECONDS * 1000),
    socketPingMs: Math.round(e.SOCKET_PING_SECONDS * 1000),
    notesSave: { debounceMs: Math.round(e.NOTES_SAVE_AFTER_SECONDS * 1000), maxDelayMs: Math.round(e.NOTES_SAVE_WITHIN_SECONDS * 1000) },
    trustProxy: /^\d+$/.test(e.TRUST_PROXY) ? Number(e.TRUST_PROXY) : e.TRUST_PROXY === 'true' ? true : e.TRUST_PROXY === 'false' ? false : e.TRUST_PROXY
  };
}
