import {
  CreateGroupRequest,
  CrisisProtocol,
  CreateSessionRequest,
  ErrorCode,
  Id,
  JoinInviteRequest,
  LoginRequest,
  ParticipationSettings,
  SessionId,
  type InviteInfo,
  type Me,
  type MemberJoinResponse
} from '@hearth/shared';
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { accessTo } from '../auth/access.ts';
import { AuthError, type Auth, type ClinicianIdentity } from '../auth/Auth.ts';
import type { Config } from '../config.ts';
import type { BoardService } from '../live/BoardService.ts';
import { scheduleSession } from '../live/scheduleSession.ts';
import { parseCommand, validationMessage } from '../live/parse.ts';
import type { Logger } from '../log.ts';
import type { Accounts } from '../store/Accounts.ts';
import type { Groups } from '../store/Groups.ts';
import { sessionSummary } from '../store/Groups.ts';
import { clearedSessionCookie, sessionCookie, sessionToken } from './cookies.ts';
import { HttpError, errorHandler, route, sendError, statusOf } from './errors.ts';
import type { Origins } from './origins.ts';

export interface ApiDeps {
  readonly config: Config;
  readonly auth: Auth;
  readonly accounts: Accounts;
  readonly groups: Groups;
  readonly board: BoardService;
  readonly origins: Origins;
  readonly logger: Logger;
  /** Checks the database (throws when it is unreachable) and reports Redis. */
  readonly health: () => Promise<{ database: 'ok'; redis: 'ok' | 'down' | 'off' }>;
  /** Ends the live connections of a login session that just logged out. */
  readonly revokeSockets: (authSessionId: string) => void;
}

const InviteCode = z.string().regex(/^[A-Za-z0-9_-]{6,64}$/);
const HttpCommand = z.object({ id: Id, command: z.unknown() }).strict();

/** Parses a body or parameter with its schema, or answers 400 with what is wrong. */
function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new HttpError(400, ErrorCode.BAD_REQUEST, validationMessage(r.error));
  return r.data;
}

const meOf = (c: ClinicianIdentity): Me => ({ id: c.account.id, email: c.account.email, displayName: c.account.displayName });

/** The JSON API under /api. Every body is parsed once here; handlers below trust the types. */
export function apiRouter(deps: ApiDeps): Router {
  const { config, auth, accounts, groups, board, origins, logger } = deps;
  const api = express.Router();
  // Cross-site requests are refused: browsers send Origin on every state-changing fetch.
  api.use((req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD' && !origins.allows(req.get('origin'))) {
      return void sendError(res, ErrorCode.BAD_ORIGIN, 'Requests from this origin are not accepted.');
    }
    res.set('Cache-Control', 'no-store');
    next();
  });
  // Parsed after the origin check: a foreign request is refused before its body is read.
  api.use(express.json({ limit: '32kb', strict: true }));

  const clinician = async (req: Request): Promise<ClinicianIdentity> => {
    const who = await auth.clinician(sessionToken(req.get('cookie')));
    if (!who) throw new HttpError(401, ErrorCode.UNAUTHENTICATED, 'Please sign in.');
    return who;
  };

  const ip = (req: Request) => req.ip ?? '';

  // For load balancers: 200 while the database answers (Redis only degrades live fan-out), else 503.
  api.get('/health', route(async (_req, res) => {
    try {
      res.json({ ok: true, ...(await deps.health()) });
    } catch (e) {
      logger.error('health check failed', { error: e instanceof Error ? e.message : String(e) });
      sendError(res, ErrorCode.INTERNAL, 'The database is unreachable.', 503);
    }
  }));

  api.post('/auth/login', route(async (req, res) => {
    const body = parse(LoginRequest, req.body);
    try {
      const { token, account } = await auth.login(body.email, body.password, ip(req));
      res.set('Set-Cookie', sessionCookie(token, config.sessionAbsoluteMs, origins.secure));
      res.json({ me: { id: account.id, email: account.email, displayName: account.displayName } satisfies Me });
    } catch (e) {
      if (e instanceof AuthError) throw new HttpError(statusOf(e.code), e.code, e.message);
      throw e;
    }
  }));

  api.post('/auth/logout', route(async (req, res) => {
    const who = await auth.clinician(sessionToken(req.get('cookie')));
    if (who) {
      await auth.logout(who);
      deps.revokeSockets(who.authSessionId);
    }
    res.set('Set-Cookie', clearedSessionCookie(origins.secure));
    res.status(204).end();
  }));

  api.get('/me', route(async (req, res) => {
    res.json({ me: meOf(await clinician(req)) });
  }));

  api.get('/groups', route(async (req, res) => {
    const who = await clinician(req);
    res.json({ groups: await groups.listFor(who.account.id) });
  }));

  api.post('/groups', route(async (req, res) => {
    const who = await clinician(req);
    const body = parse(CreateGroupRequest, req.body);
    const staff: { accountId: string; role: 'facilitator' | 'supervisor' }[] = [{ accountId: who.account.id, role: 'facilitator' }];
    for (const [email, role] of [[body.coFacilitatorEmail, 'facilitator'], [body.supervisorEmail, 'supervisor']] as const) {
      if (!email) continue;
      const other = await accounts.byEmail(email);
      if (!other || other.organizationId !== who.account.organizationId) {
        throw new HttpError(404, ErrorCode.NOT_FOUND, `No clinician with the email ${email} in your organization.`);
      }
      if (other.id !== who.account.id) staff.push({ accountId: other.id, role });
    }
    const id = await groups.create({
      organizationId: who.account.organizationId,
      name: body.name,
      createdBy: who.account.id,
      staff,
      aliases: body.aliases
    });
    await accounts.audit({ actorRole: 'facilitator', actorId: who.account.id, action: 'group.create', target: id, ip: ip(req) });
    res.status(201).json({ group: await groups.summary(id, body.name, 'facilitator') });
  }));

  api.post('/groups/:groupId/sessions', route(async (req, res) => {
    const who = await clinician(req);
    const groupId = parse(SessionId, req.params['groupId']);
    const body = parse(CreateSessionRequest, req.body);
    if ((await groups.roleInGroup(who.account.id, groupId)) !== 'facilitator') {
      throw new HttpError(403, ErrorCode.FORBIDDEN, 'Only a facilitator of this group can schedule its sessions.');
    }
    const { sessionId, result } = await scheduleSession(
      { board, groups },
      { groupId, createdBy: who.account.id, title: body.title, scheduledFor: body.scheduledFor, agenda: body.agenda }
    );
    if (!result.ok) throw new HttpError(statusOf(result.error.code), result.error.code, result.error.message);
    const session = await groups.session(sessionId);
    if (!session) throw new Error('session vanished after creation');
    res.status(201).json({ session: sessionSummary(session, 'facilitator') });
  }));

  api.get('/groups/:groupId/settings', route(async (req, res) => {
    const who = await clinician(req);
    const groupId = parse(SessionId, req.params['groupId']);
    if (!(await groups.roleInGroup(who.account.id, groupId))) throw new HttpError(403, ErrorCode.FORBIDDEN, 'You are not on this group\'s staff.');
    res.json({ settings: await groups.participationSettings(groupId) });
  }));

  api.put('/groups/:groupId/settings', route(async (req, res) => {
    const who = await clinician(req);
    const groupId = parse(SessionId, req.params['groupId']);
    const settings = parse(ParticipationSettings, req.body);
    if ((await groups.roleInGroup(who.account.id, groupId)) !== 'facilitator') {
      throw new HttpError(403, ErrorCode.FORBIDDEN, 'Only a facilitator of this group can change its settings.');
    }
    await groups.setParticipationSettings(groupId, settings);
    await accounts.audit({ actorRole: 'facilitator', actorId: who.account.id, action: 'group.settings', target: groupId, ip: ip(req) });
    res.json({ settings });
  }));

  api.get('/organization/crisis-protocol', route(async (req, res) => {
    const who = await clinician(req);
    res.json({ protocol: await groups.crisisProtocol(who.account.organizationId) });
  }));

  // Any clinician of the organization may keep its crisis protocol current; sessions scheduled
  // afterwards carry the new one.
  api.put('/organization/crisis-protocol', route(async (req, res) => {
    const who = await clinician(req);
    const protocol = parse(CrisisProtocol, req.body);
    await groups.setCrisisProtocol(who.account.organizationId, protocol);
    await accounts.audit({ actorRole: 'clinician', actorId: who.account.id, action: 'organization.crisis-protocol', ip: ip(req) });
    res.json({ protocol });
  }));

  api.get('/sessions/:sessionId', route(async (req, res) => {
    const who = await clinician(req);
    const access = await accessTo(groups, who, parse(SessionId, req.params['sessionId']));
    if (!access.ok) throw new HttpError(statusOf(access.error.code), access.error.code, access.error.message);
    if (access.role === 'member') throw new HttpError(403, ErrorCode.FORBIDDEN, 'Members have no access here.');
    const { session, role } = access;
    res.json({
      session: sessionSummary(session, role),
      group: { id: session.groupId, name: session.groupName },
      role,
      // Clinicians put names to the account ids in flags and cues; members never get this.
      staff: await groups.staff(session.groupId)
    });
  }));

  api.post('/sessions/:sessionId/commands', route(async (req, res) => {
    const who = await clinician(req);
    const sessionId = parse(SessionId, req.params['sessionId']);
    const body = parse(HttpCommand, req.body);
    const access = await accessTo(groups, who, sessionId);
    if (!access.ok) throw new HttpError(statusOf(access.error.code), access.error.code, access.error.message);
    const parsed = parseCommand(body.command);
    if (!parsed.ok) throw new HttpError(statusOf(parsed.error.code), parsed.error.code, parsed.error.message);
    const result = await board.execute(sessionId, body.id, parsed.command, { role: access.role, id: who.account.id });
    res.status(result.ok ? 200 : statusOf(result.error.code)).json(result);
  }));

  /** The session of an invite that still admits members: an ended session's link is spent. */
  const openInvite = async (code: unknown) => {
    const session = await groups.sessionByInvite(parse(InviteCode, code));
    if (!session || session.status === 'ended') {
      throw new HttpError(404, ErrorCode.NOT_FOUND, 'This invite link is not valid any more. Ask your facilitator for a new one.');
    }
    return session;
  };

  api.get('/invites/:code', route(async (req, res) => {
    const session = await openInvite(req.params['code']);
    const roster = await groups.roster(session.groupId);
    res.json({ sessionId: session.id, title: session.title, aliases: roster.map((m) => m.alias) } satisfies InviteInfo);
  }));

  api.post('/invites/:code/join', route(async (req, res) => {
    const session = await openInvite(req.params['code']);
    const { alias } = parse(JoinInviteRequest, req.body);
    const member = (await groups.roster(session.groupId)).find((m) => m.alias.toLowerCase() === alias.toLowerCase());
    if (!member) throw new HttpError(404, ErrorCode.ALIAS_NOT_ON_ROSTER, 'That alias is not on this group\'s roster. Check with your facilitator.');
    const token = await auth.issueMemberToken(session.id, member.id);
    res.status(201).json({ sessionId: session.id, alias: member.alias, token } satisfies MemberJoinResponse);
  }));

  api.use((_req: Request, res: Response) => void sendError(res, ErrorCode.NOT_FOUND, 'No such API route.'));
  api.use(errorHandler(logger));
  return api;
}
