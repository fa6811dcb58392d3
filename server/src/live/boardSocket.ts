import {
  BOARD_NAMESPACE,
  CommandRequest,
  ErrorCode,
  JoinRequest,
  LeaveRequest,
  MAX_COMMAND_BYTES,
  PROTOCOL_VERSION,
  type ClientToServerEvents,
  type JoinResult,
  type Role,
  type ServerToClientEvents,
  type WireError
} from '@hearth/shared';
import type { IncomingMessage } from 'node:http';
import type { Namespace, Server, Socket } from 'socket.io';
import type { z } from 'zod';
import { accessTo } from '../auth/access.ts';
import type { Auth, Identity } from '../auth/Auth.ts';
import { sessionToken } from '../http/cookies.ts';
import { errorMessage, type Logger } from '../log.ts';
import type { LivePresence } from '../presence/LivePresence.ts';
import type { AuditLog } from '../store/AuditLog.ts';
import { isConnectionError } from '../store/Db.ts';
import type { Groups } from '../store/Groups.ts';
import type { BoardService } from './BoardService.ts';
import type { Fanout } from './fanout.ts';
import { parseCommand, validationMessage } from '../edge/parse.ts';
import type { Allowance } from '../limits/RateLimits.ts';

export interface SocketData {
  identity: Identity;
  /** The credential the socket connected with, kept to re-check it while the socket lives. */
  credential: string | undefined;
  checkedAt: number;
  /** Sessions this socket joined, with the role the server gave it in each. */
  joined: Map<string, Role>;
}

type BoardSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type BoardNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
/** The Socket.IO server with Hearth's typed event maps. */
export type BoardIo = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** The room of one role in one session: each room receives only what its role may see. */
export const roleRoom = (sessionId: string, role: Role) => `board:${sessionId}:${role}`;
/** Rooms that name one credential, so revoking it reaches its sockets on every instance. */
export const authRoom = (authSessionId: string) => `auth:${authSessionId}`;
export const tokenRoom = (tokenId: string) => `member-token:${tokenId}`;
/** Every socket of one clinician, whatever page it is on: crisis alerts reach them here. */
export const accountRoom = (accountId: string) => `account:${accountId}`;
/** One member's connections to one session: what is for that member alone goes here. */
export const memberRoom = (sessionId: string, memberId: string) => `member:${sessionId}:${memberId}`;


/** How many times per re-check interval the sweep looks for sockets that are due. */
const SWEEP_SLICES = 10;

const err = (code: ErrorCode, message: string): { ok: false; error: WireError } => ({ ok: false, error: { code, message } });

/**
 * The /board namespace: authenticates the handshake, then turns `join`, `command` and `leave`
 * messages into calls on the board service. One bad message fails that message alone.
 */
export function attachBoardSocket(
  io: BoardIo,
  deps: {
    auth: Auth; groups: Groups; audit: AuditLog; board: BoardService; logger: Logger; presence: LivePresence; fanout: Fanout;
    /**
     * A socket's credential is re-checked this often while it stays open, so a logout, an expiry or
     * a revoked member token ends the connection within this time even if the socket only listens.
     */
    recheckMs: number;
    /** Connections per client address (shared with notes), and commands per socket. */
    limits: { readonly connections: Allowance; readonly commands: Allowance };
    /** The client's address behind the configured proxies. */
    clientAddress: (req: IncomingMessage) => string;
  }
): BoardNamespace {
  const { auth, groups, audit, board, logger, presence, fanout, recheckMs, limits, clientAddress } = deps;
  const nsp: BoardNamespace = io.of(BOARD_NAMESPACE);
  const ROLES = ['facilitator', 'supervisor', 'member'] as const;
  // An instance hears a session's events from other instances only while a socket here is in it.
  nsp.adapter.on('delete-room', (room: string) => {
    const m = /^board:([^:]+):[a-z]+$/.exec(room);
    if (m && !ROLES.some((r) => nsp.adapter.rooms.has(roleRoom(m[1]!, r)))) fanout.release(m[1]!);
  });

  // Counted before the credential is read, so a flood of handshakes costs no database reads.
  nsp.use((socket, next) => {
    void limits.connections.take(clientAddress(socket.request)).then((retryAfterMs) => {
      if (retryAfterMs === null) return next();
      const e = new Error('Too many connections from this address. Try again shortly.') as Error & { data: WireError };
      e.data = { code: ErrorCode.RATE_LIMITED, message: e.message, retryAfterMs };
      next(e);
    });
  });

  nsp.use((socket, next) => {
    void (async () => {
      const loginToken = sessionToken(socket.handshake.headers.cookie);
      const memberToken: unknown = socket.handshake.auth['token'];
      const identity =
        typeof memberToken === 'string' && memberToken.length > 0 && memberToken.length < 200
          ? await auth.member(memberToken)
          : await auth.clinician(loginToken, { touch: false });
      if (!identity) {
        const e = new Error('Sign in, or open your invite link again.') as Error & { data: WireError };
        e.data = { code: ErrorCode.UNAUTHENTICATED, message: e.message };
        return next(e);
      }
      socket.data.identity = identity;
      socket.data.credential = identity.kind === 'clinician' ? loginToken : (memberToken as string);
      socket.data.checkedAt = Date.now();
      socket.data.joined = new Map();
      if (identity.kind === 'clinician') await socket.join([authRoom(identity.authSessionId), accountRoom(identity.account.id)]);
      else await socket.join(tokenRoom(identity.tokenId));
      next();
    })().catch((e: unknown) => {
      logger.error('board handshake failed', { error: errorMessage(e) });
      next(new Error('internal error'));
    });
  });

  /**
   * What one re-check asks the database, asked once however many sockets share it: a login, a
   * member token (all of a sweep's in one statement), a clinician's role in a session.
   */
  class Recheck {
    private readonly logins = new Map<string, Promise<Identity | null>>();
    private readonly roles = new Map<string, Promise<Role | null>>();
    constructor(private readonly members: Promise<Map<string, Identity | null>> = Promise.resolve(new Map())) {
      // Read by each member socket's check; a failure is reported there (or by none, if none is still due).
      members.catch(() => undefined);
    }

    identity(socket: BoardSocket): Promise<Identity | null> {
      const { identity, credential } = socket.data;
      if (identity.kind === 'member') {
        return this.members.then((found) => (found.has(credential ?? '') ? found.get(credential ?? '')! : auth.member(credential)));
      }
      const key = credential ?? '';
      let valid = this.logins.get(key);
      if (!valid) this.logins.set(key, (valid = auth.clinician(credential, { touch: false })));
      return valid;
    }

    role(identity: Identity, sessionId: string): Promise<Role | null> {
      const key = `${identity.kind === 'clinician' ? identity.account.id : identity.tokenId} ${sessionId}`;
      let role = this.roles.get(key);
      if (!role) this.roles.set(key, (role = accessTo(groups, identity, sessionId).then((a) => (a.ok ? a.role : null))));
      return role;
    }
  }

  /** Re-checks a socket's credential, and a clinician's role in each joined session, when due; a change ends the connection. */
  const stillSignedIn = async (socket: BoardSocket, recheck: Recheck = new Recheck()): Promise<boolean> => {
    if (Date.now() - socket.data.checkedAt < recheckMs) return true;
    const valid = await recheck.identity(socket);
    if (!valid) {
      socket.emit('revoked', { code: ErrorCode.UNAUTHENTICATED, message: 'Your access to this board has ended.' });
      socket.disconnect(true);
      return false;
    }
    // A clinician's role is per group and may change while the socket is open: removed from the
    // staff, or made supervisor, the socket would go on receiving (or sending) as before.
    for (const [sessionId, role] of socket.data.joined) {
      if ((await recheck.role(valid, sessionId)) !== role) {
        socket.emit('revoked', { code: ErrorCode.FORBIDDEN, message: 'Your role in this group has changed. Reload the page.' });
        socket.disconnect(true);
        return false;
      }
    }
    socket.data.checkedAt = Date.now();
    return true;
  };
  // The sweep runs SWEEP_SLICES times an interval and re-checks the sockets that are due: they
  // come due spread out as they connected, not all at once, and what they share is asked once.
  const sweep = setInterval(() => {
    const due = [...nsp.sockets.values()].filter((s) => Date.now() - s.data.checkedAt >= recheckMs);
    if (due.length === 0) return;
    const tokens = due.flatMap((s) => (s.data.identity.kind === 'member' && s.data.credential ? [s.data.credential] : []));
    const recheck = new Recheck(tokens.length > 0 ? auth.members(tokens) : undefined);
    for (const socket of due) {
      stillSignedIn(socket, recheck).catch((e: unknown) => logger.error('credential re-check failed', { error: errorMessage(e) }));
    }
  }, Math.max(1, Math.floor(recheckMs / SWEEP_SLICES)));
  sweep.unref();

  nsp.on('connection', (socket: BoardSocket) => {
    handle(socket, 'join', JoinRequest, async (req): Promise<JoinResult> => {
      // A page built for another version (during a rolling upgrade) would send what this server
      // does not understand, or misread what it sends: it reloads instead.
      if ((req.protocol ?? 1) !== PROTOCOL_VERSION) {
        return err(ErrorCode.UNSUPPORTED_PROTOCOL, `This page was built for another version of Hearth (protocol ${req.protocol ?? 1}; the server speaks ${PROTOCOL_VERSION}). Reload the page.`);
      }
      if (!(await stillSignedIn(socket))) return err(ErrorCode.UNAUTHENTICATED, 'Your sign-in has ended.');
      const access = await accessTo(groups, socket.data.identity, req.sessionId);
      if (!access.ok) return access;
      const { role } = access;
      // A member's device comes in only once a facilitator let it in (or the group admits automatically).
      if (socket.data.identity.kind === 'member') {
        const { memberId, tokenId } = socket.data.identity;
        const admission = await board.admission(req.sessionId, memberId, tokenId);
        if (admission === 'waiting') return err(ErrorCode.NOT_ADMITTED, 'You are in the waiting room: your facilitator will let you in.');
        if (admission === 'declined') return err(ErrorCode.NOT_ADMITTED, 'This device is not let into the session: it was turned away, or you joined from another device.');
      }
      // Join the room, and hear the session from other instances, before reading the log, so no
      // event falls between the answer and the room.
      await socket.join(roleRoom(req.sessionId, role));
      for (const r of ROLES) if (r !== role) await socket.leave(roleRoom(req.sessionId, r));
      const self = socket.data.identity.kind === 'member' ? socket.data.identity.memberId : null;
      if (self) await socket.join(memberRoom(req.sessionId, self));
      await fanout.serve(req.sessionId);
      const firstJoin = !socket.data.joined.has(req.sessionId);
      socket.data.joined.set(req.sessionId, role);
      const { identity } = socket.data;
      // Who opened which board, once per connection (resyncs re-join): reads are audited, never content.
      if (firstJoin && identity.kind === 'clinician') {
        await audit.record({ actorRole: role, actorId: identity.account.id, action: 'board.open', target: req.sessionId, ip: socket.handshake.address });
      }
      // Presence records a member's arrival (member.connect) before the answer, so their snapshot has it.
      // A socket that closed meanwhile is not joined: nothing would ever drop it.
      if (socket.connected) {
        await presence.join({
          sessionId: req.sessionId,
          connId: socket.id,
          role,
          ...(identity.kind === 'clinician' ? { key: identity.account.id, name: identity.account.displayName } : { key: identity.memberId, name: identity.alias })
        });
      }
      const base = { ok: true as const, protocol: PROTOCOL_VERSION, sessionId: req.sessionId, role };
      if (req.lastSeq !== undefined) {
        const resumed = await board.resume(req.sessionId, role, req.lastSeq);
        // A member resumes their private stream too; if it cannot resume, the snapshot answers both.
        const own = self ? await board.resumePrivate(req.sessionId, self, req.lastPrivateSeq ?? 0) : null;
        if (resumed && (!self || own)) {
          return { ...base, mode: 'resume', seq: resumed.seq, serverTime: Date.now(), events: resumed.events, ...(own && { private: own }) };
        }
      }
      const { state, seq, privateSeq } = await board.view(req.sessionId, self ? { role: 'member', memberId: self } : role);
      return { ...base, mode: 'snapshot', seq, serverTime: Date.now(), state, ...(self && { private: { seq: privateSeq, events: [] } }) };
    });

    handle(socket, 'command', CommandRequest, async (req) => {
      const role = socket.data.joined.get(req.sessionId);
      if (!role) return err(ErrorCode.NOT_JOINED, 'Join this session before sending commands.');
      if (!(await stillSignedIn(socket))) return err(ErrorCode.UNAUTHENTICATED, 'Your sign-in has ended.');
      const parsed = parseCommand(req.command);
      if (!parsed.ok) return parsed;
      const { identity } = socket.data;
      const actor = { role, id: identity.kind === 'clinician' ? identity.account.id : identity.memberId };
      return board.execute(req.sessionId, req.id, parsed.command, actor);
    });

    handle(socket, 'leave', LeaveRequest, async (req) => {
      const role = socket.data.joined.get(req.sessionId);
      if (role) await socket.leave(roleRoom(req.sessionId, role));
      if (socket.data.identity.kind === 'member') await socket.leave(memberRoom(req.sessionId, socket.data.identity.memberId));
      socket.data.joined.delete(req.sessionId);
      presence.leave(socket.id, req.sessionId);
      return { ok: true as const };
    });

    socket.on('disconnect', (reason) => {
      // The server ended it (a revoked credential): gone at once. Any other end — network, a closed
      // page, the client's disconnect(), this server shutting down — may be followed by a reconnect:
      // reconnecting for the grace. Leaving on purpose is the `leave` message.
      if (reason === 'server namespace disconnect') presence.leave(socket.id, null);
      else presence.drop(socket.id);
    });

    socket.onAny((name: unknown, ...args: unknown[]) => {
      if (name !== 'join' && name !== 'command' && name !== 'leave') {
        const error: WireError = { code: ErrorCode.UNKNOWN_COMMAND, message: `Unknown message "${String(name).slice(0, 40)}".` };
        // Answer through the ack when there is one, so the client is not left waiting for its timeout.
        const ack = args[args.length - 1];
        if (typeof ack === 'function') (ack as (r: unknown) => void)({ ok: false, error });
        else socket.emit('protocol_error', error);
      }
    });
  });

  /**
   * Registers a message handler that validates the payload at the edge, answers through the ack,
   * and never lets one message's failure reach the process.
   */
  function handle<S extends z.ZodType, R>(
    socket: BoardSocket,
    name: keyof ClientToServerEvents,
    schema: S,
    fn: (req: z.infer<S>) => Promise<R | { ok: false; error: WireError }>
  ): void {
    // Commands are admitted one after another, so counting them never reorders a socket's commands.
    let admitted: Promise<unknown> = Promise.resolve();
    socket.on(name, (...args: unknown[]) => {
      const ack = args[args.length - 1];
      if (typeof ack !== 'function') {
        socket.emit('protocol_error', { code: ErrorCode.BAD_REQUEST, message: `"${name}" needs an acknowledgement callback.` });
        return;
      }
      const reply = ack as (res: unknown) => void;
      const payload = args.length > 1 ? args[0] : undefined;
      const answer = () => {
        if (name === 'command' && jsonSize(payload) > MAX_COMMAND_BYTES) {
          return reply(err(ErrorCode.PAYLOAD_TOO_LARGE, `A command may be at most ${MAX_COMMAND_BYTES} bytes.`));
        }
        const parsed = schema.safeParse(payload);
        if (!parsed.success) return reply(err(ErrorCode.BAD_REQUEST, validationMessage(parsed.error)));
        fn(parsed.data).then(reply, (e: unknown) => {
          if (isConnectionError(e)) return reply(err(ErrorCode.UNAVAILABLE, 'The database does not answer; try again shortly.'));
          logger.error('board message failed', { message: name, error: errorMessage(e) });
          reply(err(ErrorCode.INTERNAL, 'Something went wrong on the server; nothing was changed.'));
        });
      };
      if (name !== 'command') return answer();
      // Counted before the command is read: a flood of junk costs its sender as much as one of commands.
      const turn = admitted.then(() => limits.commands.take(socket.id));
      admitted = turn;
      turn
        .then((retryAfterMs) => {
          if (retryAfterMs === null) return answer();
          reply({ ok: false, error: { code: ErrorCode.RATE_LIMITED, message: 'Too many commands at once: this one was not applied. Send it again in a moment.', retryAfterMs } });
        })
        .catch((e: unknown) => logger.error('board message failed', { message: name, error: errorMessage(e) }));
    });
  }

  return nsp;
}

function jsonSize(value: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(value) ?? '');
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

