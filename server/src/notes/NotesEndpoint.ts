import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { ErrorCode, MAX_NOTES_MESSAGE_BYTES, NOTES_PATH, NotesClose, Uuid } from '@hearth/shared';
import { WebSocketServer, type WebSocket } from 'ws';
import { accessTo } from '../auth/access.ts';
import type { Auth } from '../auth/Auth.ts';
import { sessionToken } from '../http/cookies.ts';
import type { Origins } from '../http/origins.ts';
import { errorMessage, type Logger } from '../log.ts';
import type { AuditLog } from '../store/AuditLog.ts';
import type { Groups } from '../store/Groups.ts';
import type { Allowance } from '../limits/RateLimits.ts';
import type { NotesConnection, NotesDoc } from './NotesDoc.ts';
import type { NotesHub } from './NotesHub.ts';
import type { NotesRelay } from './NotesRelay.ts';

/** How often each connection's login and role are re-checked, and each socket pinged. */
const RECHECK_MS = 30_000;

export interface NotesEndpointDeps {
  readonly auth: Auth;
  readonly groups: Groups;
  readonly audit: AuditLog;
  readonly origins: Origins;
  readonly hub: NotesHub;
  readonly relay: NotesRelay;
  readonly logger: Logger;
  readonly recheckMs?: number;
  /** Connections per client address (the board's count too), and how to read a request's address. */
  readonly connections?: { readonly limit: Allowance; readonly clientAddress: (req: IncomingMessage) => string };
}

/** The session id in `/yjs/notes:<sessionId>`, or null when the path names anything else. */
export function notesSessionOf(url: string | undefined): string | null {
  if (!url) return null;
  let path: string;
  try {
    path = decodeURIComponent(new URL(url, 'http://localhost').pathname);
  } catch {
    return null;
  }
  const m = /^notes:([^/]+)$/.exec(path.slice(NOTES_PATH.length));
  const id = Uuid.safeParse(m?.[1]);
  return path.startsWith(NOTES_PATH) && id.success ? id.data : null;
}

/** A member's invite token, if the request carries one (query `token` or `Authorization: Bearer`). */
function memberTokenOf(req: IncomingMessage): string | undefined {
  const bearer = /^Bearer (\S{1,200})$/.exec(req.headers.authorization ?? '')?.[1];
  if (bearer) return bearer;
  const query = new URL(req.url ?? '/', 'http://localhost').searchParams.get('token');
  return query && query.length <= 200 ? query : undefined;
}

/** Answers an upgrade request with a plain HTTP error, before any WebSocket exists. */
function refuse(socket: Duplex, status: number, code: ErrorCode, message: string, retryAfterMs?: number): void {
  const body = JSON.stringify({ error: { code, message, ...(retryAfterMs !== undefined && { retryAfterMs }) } });
  if (!socket.writable) return void socket.destroy();
  socket.once('finish', () => socket.destroy());
  const retryAfter = retryAfterMs === undefined ? '' : `Retry-After: ${Math.max(1, Math.ceil(retryAfterMs / 1000))}\r\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n${retryAfter}` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

/**
 * The notes endpoint `/yjs/notes:<sessionId>`: authenticates the upgrade from the login cookie and
 * hands the WebSocket to the session's document. Facilitators of the session read and write,
 * supervisors read only; anyone else is refused with an HTTP status before the socket opens.
 * Logins are re-checked every 30 s (and a logout closes its connections at once, on every instance).
 */
export class NotesEndpoint {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_NOTES_MESSAGE_BYTES, perMessageDeflate: false });
  private readonly sweep: NodeJS.Timeout;
  private closing = false;

  constructor(private readonly deps: NotesEndpointDeps) {
    this.sweep = setInterval(() => void this.recheck(), deps.recheckMs ?? RECHECK_MS);
    this.sweep.unref();
  }

  /** Handles an HTTP upgrade for a path under /yjs/. Never throws; every failure answers the request. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // A socket error while we authenticate must not become an unhandled 'error' event.
    const onError = () => socket.destroy();
    socket.on('error', onError);
    this.upgrade(req, socket, head)
      .catch((e: unknown) => {
        this.deps.logger.error('notes upgrade failed', { error: errorMessage(e) });
        refuse(socket, 500, ErrorCode.INTERNAL, 'Internal error.');
      })
      .finally(() => socket.off('error', onError));
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const { auth, groups, origins, hub, logger } = this.deps;
    if (this.closing) return refuse(socket, 503, ErrorCode.BUSY, 'The server is restarting; try again.');
    // Counted before the credential is read, so a flood of upgrades costs no database reads.
    const connections = this.deps.connections;
    const retryAfterMs = connections ? await connections.limit.take(connections.clientAddress(req)) : null;
    if (retryAfterMs !== null) return refuse(socket, 429, ErrorCode.RATE_LIMITED, 'Too many connections from this address. Try again shortly.', retryAfterMs);
    const sessionId = notesSessionOf(req.url);
    if (!sessionId) return refuse(socket, 400, ErrorCode.BAD_REQUEST, 'Notes live at /yjs/notes:<sessionId>.');
    if (!origins.allows(req.headers.origin)) return refuse(socket, 403, ErrorCode.BAD_ORIGIN, 'This origin may not open notes.');
    const credential = sessionToken(req.headers.cookie);
    const identity = await auth.clinician(credential, { touch: false });
    if (!identity || !credential) {
      // Members are known (403: notes are never theirs); anyone else is asked to sign in (401).
      const member = await auth.member(memberTokenOf(req));
      return member
        ? refuse(socket, 403, ErrorCode.FORBIDDEN, 'Notes are for the session\'s clinicians.')
        : refuse(socket, 401, ErrorCode.UNAUTHENTICATED, 'Sign in to open notes.');
    }
    const access = await accessTo(groups, identity, sessionId);
    if (!access.ok) return refuse(socket, access.error.code === ErrorCode.NOT_FOUND ? 404 : 403, access.error.code, access.error.message);
    if (access.role !== 'facilitator' && access.role !== 'supervisor') return refuse(socket, 403, ErrorCode.FORBIDDEN, 'Notes are for the session\'s clinicians.');
    // Who read or changed which notes, never what they say.
    await this.deps.audit.record({
      actorRole: access.role, actorId: identity.account.id, action: 'notes.open', target: sessionId, ip: req.socket.remoteAddress ?? ''
    });

    let doc: NotesDoc;
    try {
      doc = await hub.acquire(sessionId);
    } catch (e) {
      // Nothing was created in place of what could not be read: the client hears why and retries later.
      logger.error('loading notes failed', { sessionId, error: errorMessage(e) });
      if (this.closing) return refuse(socket, 503, ErrorCode.BUSY, 'The server is restarting; try again.');
      this.wss.handleUpgrade(req, socket, head, (ws) => ws.close(NotesClose.LOAD_FAILED, 'could not load the notes; retrying'));
      return;
    }
    let attached = false;
    // Synchronous when the handshake can complete: the callback has run by the time this returns.
    this.wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      attached = true;
      const conn: NotesConnection = {
        ws,
        readOnly: access.role !== 'facilitator',
        accountId: identity.account.id,
        authSessionId: identity.authSessionId,
        credential,
        alive: true
      };
      ws.on('pong', () => (conn.alive = true));
      ws.once('close', () => hub.release(doc));
      doc.attach(conn);
    });
    if (!attached) hub.release(doc);
  }

  /** Closes this instance's connections of a login that ended (logout); the app tells the other instances. */
  revoke(authSessionId: string): void {
    for (const doc of this.deps.hub.docs()) {
      for (const conn of doc.allConnections()) {
        if (conn.authSessionId === authSessionId) conn.ws.close(NotesClose.UNAUTHENTICATED, 'signed out');
      }
    }
  }

  /** Pings every socket (a silent dead one is dropped) and re-checks every login and role. */
  private async recheck(): Promise<void> {
    const { auth, groups, logger } = this.deps;
    for (const doc of [...this.deps.hub.docs()]) {
      for (const conn of [...doc.allConnections()]) {
        if (!conn.alive) {
          conn.ws.terminate();
          continue;
        }
        conn.alive = false;
        conn.ws.ping();
        try {
          const identity = await auth.clinician(conn.credential, { touch: false });
          if (!identity) {
            conn.ws.close(NotesClose.UNAUTHENTICATED, 'sign-in ended');
            continue;
          }
          const access = await accessTo(groups, identity, doc.sessionId);
          if (!access.ok || (access.role !== 'facilitator' && access.role !== 'supervisor')) {
            conn.ws.close(NotesClose.FORBIDDEN, 'no longer staff of this group');
            continue;
          }
          // A facilitator made supervisor reads only from now on. The reverse waits for the next
          // connection: the client's state would include edits it was refused meanwhile.
          if (access.role === 'supervisor') conn.readOnly = true;
        } catch (e) {
          logger.error('notes login re-check failed', { error: errorMessage(e) });
        }
      }
    }
  }

  /** Stops accepting, closes every connection and saves every open document (SIGTERM). */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.sweep);
    const saved = await this.deps.hub.close(NotesClose.GOING_AWAY);
    if (!saved) this.deps.logger.error('some notes could not be saved at shutdown; connected clients still hold them');
    // Sockets that did not finish the closing handshake must not hold the HTTP server open.
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await this.deps.relay.stop();
  }
}
