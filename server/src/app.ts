import { existsSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { ErrorCode, type BoardEvent } from '@hearth/shared';
import express, { type RequestHandler } from 'express';
import { Server } from 'socket.io';
import { Auth } from './auth/Auth.ts';
import type { Config } from './config.ts';
import { seedDemo } from './demo/seed.ts';
import { apiRouter } from './http/api.ts';
import { Origins } from './http/origins.ts';
import { securityHeaders } from './http/securityHeaders.ts';
import { ANSWER_WITHIN_MS, BoardService } from './live/BoardService.ts';
import { noMailer, smtpMailer } from './mail/Mailer.ts';
import { Passkeys } from './store/Passkeys.ts';
import { Goals } from './store/Goals.ts';
import { Intakes } from './store/Intakes.ts';
import { Instruments } from './store/Instruments.ts';
import { accountRoom, attachBoardSocket, authRoom, memberRoom, roleRoom, tokenRoom, type BoardIo } from './live/boardSocket.ts';
import { CrisisAlerts } from './alerts/CrisisAlerts.ts';
import { PushAlerts, type VapidKeys } from './alerts/PushAlerts.ts';
import { AttemptLimiter } from './limits/AttemptLimiter.ts';
import { RateLimits } from './limits/RateLimits.ts';
import { clientAddressOf, type TrustProxy } from './http/clientAddress.ts';
import { MemberInvites } from './store/MemberInvites.ts';
import { busFanout, localFanout } from './live/fanout.ts';
import { InOrderDelivery } from './live/InOrderDelivery.ts';
import type { Logger } from './log.ts';
import { LivePresence } from './presence/LivePresence.ts';
import { attachNotes, type Notes } from './notes/attachNotes.ts';
import { MemoryPresence } from './presence/MemoryPresence.ts';
import { RedisPresence } from './presence/RedisPresence.ts';
import { Accounts } from './store/Accounts.ts';
import { AuditLog } from './store/AuditLog.ts';
import { Settings } from './store/Settings.ts';
import { NotesStore } from './notes/NotesStore.ts';
import { RecordService } from './records/RecordService.ts';
import { RecordStore } from './records/RecordStore.ts';
import { RedisBus } from './redis/RedisBus.ts';
import { openPglite, openPostgres, type Db } from './store/Db.ts';
import { DEFAULT_NOTES_TIMING } from './notes/NotesSaver.ts';
import { EventLog } from './store/EventLog.ts';
import { Groups } from './store/Groups.ts';
import { Organizations } from './store/Organizations.ts';
import { migrate } from './store/migrate.ts';
import { Metrics } from './metrics/Metrics.ts';

/** The bus channel of logins that ended: every instance closes their connections. */
const REVOKED_CHANNEL = 'revoked-logins';
const TOKEN_MARK = 'member-token:';

const WEB_HANDLER = fileURLToPath(new URL('../../web/build/handler.js', import.meta.url));

/** A started server: where it listens and how to stop it cleanly. */
export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly db: Db;
  readonly accounts: Accounts;
  readonly audit: AuditLog;
  readonly groups: Groups;
  readonly origins: Origins;
  readonly notes: Notes;
  /** Issues personal invites for the demo group's members (the demo's start prints their links). */
  demoMemberLinks(email: string): Promise<{ alias: string; code: string }[]>;
  close(): Promise<void>;
}

/** Opens the configured database: Postgres when DATABASE_URL is set, embedded PGlite otherwise. */
export async function openDb(config: Config): Promise<Db> {
  if (config.databaseUrl) return openPostgres(config.databaseUrl);
  // memory:// keeps the embedded database in memory (tests); anything else is a folder.
  return openPglite(config.dataDir.startsWith('memory://') ? config.dataDir : join(config.dataDir, 'pglite'));
}

/**
 * The Web Push identity: from the configuration, else a pair generated once and kept in the database
 * (every instance signs alike). The subject is how a push service reaches the operator.
 */
async function vapidKeys(config: Config, db: Db): Promise<VapidKeys> {
  const pair = config.alerts.vapid ?? (JSON.parse(await new Settings(db).getOrInit('vapid_keys', JSON.stringify(PushAlerts.newKeys()))) as { publicKey: string; privateKey: string });
  const https = config.publicOrigins?.find((o) => o.startsWith('https://'));
  const mail = /<([^>]+)>/.exec(config.mail.from)?.[1] ?? config.mail.from;
  return { ...pair, subject: config.alerts.vapidSubject ?? https ?? `mailto:${mail}` };
}

/** Loads the built SvelteKit app's request handler, or a page that says how to build it. */
async function webHandler(logger: Logger): Promise<RequestHandler> {
  if (!existsSync(WEB_HANDLER)) {
    logger.error('web app not built; run `npm run build`', { expected: WEB_HANDLER });
    return (_req, res) => void res.status(503).type('text').send('The web app is not built. Run `npm run build`.');
  }
  const mod = (await import(WEB_HANDLER)) as { handler: RequestHandler };
  return mod.handler;
}

/**
 * Starts Hearth on one port: /api (Express), the live board (Socket.IO /board), and the web app
 * (SvelteKit's adapter-node handler) — on the configured database and, when set, Redis.
 */
export async function startServer(config: Config, logger: Logger, options: { db?: Db } = {}): Promise<RunningServer> {
  const db = options.db ?? (await openDb(config));
  try {
    return await assemble(config, logger, db);
  } catch (e) {
    // A failed start releases the connections it opened, so the caller can report and exit cleanly.
    if (!options.db) await db.close().catch(() => undefined);
    throw e;
  }
}

async function assemble(config: Config, logger: Logger, db: Db): Promise<RunningServer> {
  await migrate(db);
  const accounts = new Accounts(db);
  const audit = new AuditLog(db);
  const groups = new Groups(db);
  const organizations = new Organizations(db);
  const log = new EventLog(db);
  // Without SESSION_SECRET, one is generated once and kept in the database, so that every
  // instance on the same database hashes tokens alike.
  const secret = config.sessionSecret ?? (await new Settings(db).getOrInit('token_secret', randomBytes(32).toString('base64url')));
  const origins = new Origins(config.publicOrigins);

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  // Sockets and upgrades never pass through Express: their address is read with the same trust.
  const clientAddress = clientAddressOf(app.get('trust proxy fn') as TrustProxy);
  // First, so every answer carries them: /api, the scripts and the pages (whose CSP SvelteKit sets).
  app.use(securityHeaders(config.publicOrigins));
  const http: HttpServer = createServer(app);
  // Idle keep-alive connections stay open longer than a client or proxy keeps them (Node's fetch: 4 s,
  // nginx's upstream keepalive and most load balancers: up to 60 s). With Node's default of 5 s a
  // request sent on a connection just as the server closes it fails with ECONNRESET.
  http.keepAliveTimeout = 65_000;
  http.headersTimeout = 66_000;
  const io: BoardIo = new Server(http, {
    maxHttpBufferSize: 256 * 1024,
    serveClient: false,
    pingInterval: config.socketPingMs,
    allowRequest: (req, cb) => cb(origins.allows(req.headers.origin) ? null : ErrorCode.BAD_ORIGIN, origins.allows(req.headers.origin))
  });
  const boardNs = io.of('/board');
  // One bus per instance for everything that crosses instances: board events, notes, presence
  // changes, ended logins. Without REDIS_URL the instance is alone and all of it stays in process.
  const bus = config.redisUrl ? RedisBus.open(config.redisUrl, { prefix: config.redisPrefix, logger }) : null;
  // Counted in Redis when there is one (the bus's command connection), so the limits hold across instances.
  const limits = new RateLimits(bus && { client: bus.clients.commands, prefix: config.redisPrefix }, logger);
  const { signInAttempts: signIn } = config;
  const auth = new Auth(accounts, audit, secret, config, Date.now, new AttemptLimiter(limits.shared('sign-in', signIn.limit, signIn.windowSeconds), signIn.limit, 'failed sign-ins', logger));
  // Board sockets and notes connections count against one allowance per address.
  const connections = limits.allowance('connections', config.connectionsPerMinute, 60);
  // Each instance hands events to its own sockets, in seq order, whichever instance appended them.
  // Counts only (no ids, no content), and only when the operator turns them on.
  const metrics: Metrics | null = config.metrics.enabled
    ? new Metrics({
        socketsByRole: () => {
          const byRole: Record<string, number> = { facilitator: 0, supervisor: 0, member: 0, none: 0 };
          for (const socket of boardNs.sockets.values()) {
            const roles = new Set(socket.data.joined?.values() ?? []);
            if (roles.size === 0) byRole['none']!++;
            for (const role of roles) byRole[role]!++;
          }
          return byRole;
        },
        presenceConnections: (): number => presence.connections,
        redis: () => (bus ? (bus.up ? 'ok' : 'down') : 'off'),
        database: () => db.available !== false
      })
    : null;
  const delivery = new InOrderDelivery((_sessionId, { role, message, to }) => {
    if (role === 'facilitator') metrics?.delivered(message.event.at);
    if (to === undefined) boardNs.local.to(roleRoom(message.sessionId, role)).emit('event', message);
    else boardNs.local.to(memberRoom(message.sessionId, to)).emit('private', message);
    // A member's device that another device replaced, or that was turned away, leaves every instance
    // that hears the event (once: on the facilitators' copy of it).
    if (role === 'facilitator') endDeviceOf(message.event);
  });
  const endDeviceOf = (event: BoardEvent) => {
    const ended = event.type === 'admission.admitted' ? event.replaced : event.type === 'admission.declined' ? event.requestId : null;
    if (ended === null) return;
    boardNs.local.to(tokenRoom(ended)).emit('revoked', { code: ErrorCode.NOT_ADMITTED, message: event.type === 'admission.admitted' ? 'You joined from another device, so this one is disconnected.' : 'Your facilitator did not let this device in.' });
    boardNs.local.in(tokenRoom(ended)).disconnectSockets(true);
  };
  // The board learns which sessions it hears every append of, so periodic checks can trust its cache.
  const fanout = bus
    ? busFanout(bus, logger, {
        bundle: (bundle) => {
          board.heard.heardUpTo(bundle.sessionId, bundle.seq);
          delivery.receive(bundle);
        },
        hearing: (sessionId) => board.heard.hearing(sessionId),
        released: (sessionId) => board.heard.notHearing(sessionId)
      })
    : localFanout;
  const recordStore = new RecordStore(db);
  const board = new BoardService(
    metrics ? metrics.timed(log) : log,
    {
      publish: (bundle) => {
        delivery.receive(bundle);
        fanout.publish(bundle);
        alerts.observe(bundle);
      },
      caughtUp: (sessionId, seq) => delivery.caughtUp(sessionId, seq)
    },
    Date.now,
    (sessionId) => recordStore.isFinal(sessionId),
    { answerWithinMs: ANSWER_WITHIN_MS, ...(metrics && { observe: (result, seconds) => metrics.command(result, seconds) }) }
  );
  // Whatever other instances appended while Redis was away was not heard: read the logs again.
  bus?.onUp(() => board.heard.distrust());
  let publicUrl = '';
  const push = new PushAlerts(db, await vapidKeys(config, db), logger);
  const alerts = new CrisisAlerts({
    db, groups, board, bus, push, logger,
    toClinicians: (accountIds, alert) => {
      if (accountIds.length > 0) boardNs.local.to(accountIds.map(accountRoom)).emit('alert', alert);
    },
    origin: () => config.publicOrigins?.[0] ?? publicUrl,
    webhookUrl: config.alerts.webhookUrl
  });
  const presenceStore = bus ? new RedisPresence(bus, config.presence, { logger }) : new MemoryPresence(config.presence);
  // Each instance tells its own sockets (`local`): every instance computes the views from the shared store.
  const presence = new LivePresence(presenceStore, board, {
    toRole: (sessionId, role, view) => void boardNs.local.to(roleRoom(sessionId, role)).emit('presence', view),
    toConn: (connId, view) => void boardNs.sockets.get(connId)?.emit('presence', view)
  }, config.presence, logger);
  attachBoardSocket(io, {
    auth, groups, audit, board, logger, presence, fanout, recheckMs: config.credentialRecheckMs, clientAddress,
    limits: { connections, commands: limits.bursty('commands', config.commands.perSecond, config.commands.burst) }
  });
  // After Socket.IO: notes take the /yjs/ upgrades before its engine sees them.
  const notes = attachNotes(http, {
    db, auth, groups, audit, origins, logger, bus, recheckMs: config.credentialRecheckMs, timing: { ...DEFAULT_NOTES_TIMING, ...config.notesSave },
    connections: { limit: connections, clientAddress }
  });
  presence.start();

  // A login that ended loses its board sockets and notes connections here, and on every other instance.
  const revokeHere = (authSessionId: string) => {
    boardNs.local.to(authRoom(authSessionId)).emit('revoked', { code: ErrorCode.UNAUTHENTICATED, message: 'This sign-in has ended: signed out, password changed, or the account deactivated.' });
    boardNs.local.in(authRoom(authSessionId)).disconnectSockets(true);
    notes.revoke(authSessionId);
  };
  // Member tokens that stopped working (their invite revoked or re-issued) travel on the same channel, marked.
  const revokeTokenHere = (tokenId: string) => {
    boardNs.local.to(tokenRoom(tokenId)).emit('revoked', { code: ErrorCode.UNAUTHENTICATED, message: 'This invite link was replaced or revoked by your facilitator.' });
    boardNs.local.in(tokenRoom(tokenId)).disconnectSockets(true);
  };
  void bus?.subscribe(REVOKED_CHANNEL, (payload) => {
    const text = payload.toString();
    if (text.startsWith(TOKEN_MARK)) revokeTokenHere(text.slice(TOKEN_MARK.length));
    else revokeHere(text);
  });

  if (config.demo && (await seedDemo({ db, accounts, groups, organizations, board }))) logger.info('seeded the demo organization');

  const memberInvites = new MemberInvites(db);
  const goals = new Goals(db);
  const records = new RecordService({ store: recordStore, log, notesStore: new NotesStore(db), notes, groups, goals, auth, audit });
  const mailer = config.mail.smtpUrl ? smtpMailer(config.mail.smtpUrl, config.mail.from, logger) : noMailer;
  if (metrics) app.get('/metrics', metrics.handler(config.metrics.token ?? undefined));
  app.use('/api', apiRouter({
    config, auth, accounts, audit, groups, organizations, board, records, goals, intakes: new Intakes(db), instruments: new Instruments(db), log, origins, logger, mailer, passkeys: new Passkeys(db),
    memberInvites,
    alerts,
    push,
    inviteAttempts: new AttemptLimiter(limits.shared('invite', config.inviteAttempts.limit, config.inviteAttempts.windowSeconds), config.inviteAttempts.limit, 'invite codes that did not work from this address', logger),
    // As many refused passkey answers per address as failed password sign-ins per email and address.
    passkeyAttempts: new AttemptLimiter(limits.shared('passkey', signIn.limit, signIn.windowSeconds), signIn.limit, 'refused passkey sign-ins from this address', logger),
    health: async () => {
      await db.query('select 1');
      return { database: 'ok', redis: bus ? (bus.up ? 'ok' : 'down') : 'off' };
    },
    revokeSockets: (authSessionId) => {
      revokeHere(authSessionId);
      bus?.publish(REVOKED_CHANNEL, authSessionId);
    },
    revokeMemberTokens: (tokenIds) => {
      for (const tokenId of tokenIds) {
        revokeTokenHere(tokenId);
        bus?.publish(REVOKED_CHANNEL, TOKEN_MARK + tokenId);
      }
    }
  }));
  app.use(await webHandler(logger));

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.port, config.host, () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  origins.useDefaults(port);
  publicUrl = `http://localhost:${port}`;
  return {
    url: `http://localhost:${port}`,
    port,
    db,
    accounts,
    audit,
    groups,
    origins,
    notes,
    async demoMemberLinks(email) {
      const links: { alias: string; code: string }[] = [];
      const groupIds = [...new Set((await groups.openSessionsInOrganizationOf(email)).map((s) => s.groupId))];
      const by = (await accounts.byEmail(email))?.id;
      for (const groupId of groupIds) {
        for (const member of (await groups.roster(groupId)).slice(0, 3)) {
          const { code, hash } = auth.newInviteCode();
          await memberInvites.issue(groupId, member.id, hash, by ?? null);
          links.push({ alias: member.alias, code });
        }
      }
      return links;
    },
    async close() {
      // Notes first: their connections would hold the HTTP server open, and their saves need the database.
      await notes.close();
      await new Promise<void>((resolve) => void io.close(() => resolve()));
      await presence.stop();
      await presenceStore.close();
      delivery.close();
      await bus?.close();
      mailer.close();
      await db.close();
    }
  };
}
