import {
  PROTOCOL_VERSION,
  type ClientToServerEvents,
  type CommandResult,
  type EventMessage,
  type JoinResult,
  type ServerToClientEvents
} from '@hearth/shared';
import { io, type Socket } from 'socket.io-client';
import { recordAck, recordHttp, recordMessage } from './contractTraffic.ts';

export type BoardClient = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Signs a clinician in over HTTP and returns the Cookie header value. */
export async function login(baseUrl: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password })
  });
  const text = await res.text();
  recordHttp('POST', '/api/auth/login', res.status, text ? JSON.parse(text) : null);
  if (res.status !== 200) throw new Error(`login ${email} failed: ${res.status} ${text}`);
  const cookie = res.headers.get('set-cookie');
  if (!cookie) throw new Error('no cookie');
  return cookie.split(';')[0]!;
}

/** JSON fetch against the API with an optional cookie. */
export async function api<T = unknown>(
  baseUrl: string,
  path: string,
  opts: { method?: string; cookie?: string; body?: unknown; origin?: string } = {}
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (opts.cookie) headers['cookie'] = opts.cookie;
  if (opts.origin) headers['origin'] = opts.origin;
  const res = await fetch(`${baseUrl}/api${path}`, {
    method: opts.method ?? (opts.body === undefined ? 'GET' : 'POST'),
    headers,
    ...(opts.body !== undefined && { body: typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body) })
  });
  const text = await res.text();
  const body = (text ? JSON.parse(text) : null) as T;
  recordHttp(opts.method ?? (opts.body === undefined ? 'GET' : 'POST'), `/api${path}`, res.status, body);
  return { status: res.status, body };
}

/** Opens a /board socket (WebSocket transport) and waits for the connection or its refusal. */
export async function connectBoard(
  baseUrl: string,
  auth: { cookie?: string; token?: string; origin?: string } = {}
): Promise<BoardClient> {
  const headers: Record<string, string> = {};
  if (auth.cookie) headers['cookie'] = auth.cookie;
  if (auth.origin) headers['origin'] = auth.origin;
  const socket: BoardClient = io(`${baseUrl}/board`, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: headers,
    auth: auth.token ? { token: auth.token } : {}
  });
  // Every message the server sends is checked against the contract after the test file.
  socket.onAny((name: string, payload: unknown) => recordMessage(name, payload));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (e) => {
      socket.close();
      reject(e);
    });
  });
  return socket;
}

/**
 * Sends a message and waits for its acknowledgement (bounded). A `join` carries this build's
 * protocol version unless the test names one, as every well-behaved client's does.
 */
export function emitAck<E extends 'join' | 'command'>(
  socket: BoardClient,
  event: E,
  payload: Parameters<ClientToServerEvents[E]>[0],
  timeoutMs = 5000
): Promise<E extends 'join' ? JoinResult : CommandResult> {
  if (event === 'join' && !('protocol' in payload)) payload = { ...payload, protocol: PROTOCOL_VERSION };
  return new Promise((resolve, reject) => {
    // The typed emit cannot express a generic event name; the payload type is checked in the signature.
    const timed = socket.timeout(timeoutMs) as unknown as {
      emit(ev: string, p: unknown, cb: (err: Error | null, res: unknown) => void): void;
    };
    timed.emit(event, payload, (err, res) => {
      if (err) return reject(err);
      recordAck(event, res);
      resolve(res as E extends 'join' ? JoinResult : CommandResult);
    });
  });
}

/** Collects every event a socket receives, for assertions on what a role was sent. */
export function recordEvents(socket: BoardClient): EventMessage[] {
  const seen: EventMessage[] = [];
  socket.on('event', (m) => seen.push(m));
  return seen;
}
