import type { BoardView, ServerToClientEvents, WireError } from '@hearth/shared';
import type { Socket } from 'socket.io-client';
import { connectBoard, emitAck, type BoardClient } from './boardClient.ts';
import { recordAck } from './contractTraffic.ts';

/** A refused handshake as the client sees it: the error and the wire error the server attached, if any. */
export interface Refusal {
  readonly message: string;
  readonly data: WireError | undefined;
}

/**
 * Expects a /board connection to be refused and returns why. Fails if the connection opens
 * (closing it first, so no socket leaks from a failed assertion).
 */
export async function refusedConnection(
  baseUrl: string,
  auth: { cookie?: string; token?: string; origin?: string }
): Promise<Refusal> {
  let socket: BoardClient;
  try {
    socket = await connectBoard(baseUrl, auth);
  } catch (e) {
    const data = typeof e === 'object' && e !== null && 'data' in e ? (e.data as WireError | undefined) : undefined;
    return { message: e instanceof Error ? e.message : String(e), data };
  }
  socket.close();
  throw new Error('the connection was accepted');
}

/** The board of a session as a fresh join sees it: the log position and the projected state. */
export async function boardAt(
  baseUrl: string,
  auth: { cookie?: string; token?: string },
  sessionId: string
): Promise<{ seq: number; state: BoardView }> {
  const socket = await connectBoard(baseUrl, auth);
  try {
    const joined = await emitAck(socket, 'join', { sessionId });
    if (!joined.ok) throw new Error(`join failed: ${joined.error.code} ${joined.error.message}`);
    if (joined.mode !== 'snapshot') throw new Error('expected a snapshot');
    return { seq: joined.seq, state: joined.state };
  } finally {
    socket.close();
  }
}

type Listener = (arg: unknown) => void;
type LooseEmitter = { once(ev: string, fn: Listener): unknown; off(ev: string, fn: Listener): unknown };

/** Resolves with the next server event of this name, or rejects after `timeoutMs`. */
export function nextEvent<E extends keyof ServerToClientEvents>(
  socket: BoardClient,
  name: E,
  timeoutMs?: number
): Promise<Parameters<ServerToClientEvents[E]>[0]>;
/** Resolves with the reason of the socket's next disconnect. */
export function nextEvent(socket: BoardClient | Socket, name: 'disconnect', timeoutMs?: number): Promise<Socket.DisconnectReason>;
/** Resolves with the next refused handshake, with the wire error the server attached. */
export function nextEvent(socket: BoardClient | Socket, name: 'connect_error', timeoutMs?: number): Promise<Error & { data?: WireError }>;
export function nextEvent(socket: BoardClient | Socket, name: string, timeoutMs = 5000): Promise<unknown> {
  // The typed socket cannot take a name chosen at run time; the overloads above carry the types.
  const emitter = socket as unknown as LooseEmitter;
  return new Promise((resolve, reject) => {
    const onEvent: Listener = (arg) => {
      clearTimeout(timer);
      resolve(arg);
    };
    const timer = setTimeout(() => {
      emitter.off(name, onEvent);
      reject(new Error(`no "${name}" within ${timeoutMs} ms`));
    }, timeoutMs);
    emitter.once(name, onEvent);
  });
}

/**
 * Sends a message under any event name with any arguments, bypassing the typed event map, and
 * waits for its acknowledgement (bounded). For messages a well-behaved client would never send.
 */
export function emitRawAck(socket: BoardClient, event: string, args: readonly unknown[], timeoutMs = 5000): Promise<unknown> {
  const timed = socket.timeout(timeoutMs) as unknown as {
    emit(ev: string, ...rest: unknown[]): void;
  };
  return new Promise((resolve, reject) => {
    timed.emit(event, ...args, (err: Error | null, res: unknown) => {
      if (err) return reject(err);
      recordAck(event, res);
      resolve(res);
    });
  });
}

/** Sends a message with no acknowledgement callback, bypassing the typed event map. */
export function emitRaw(socket: BoardClient, event: string, ...args: unknown[]): void {
  (socket as unknown as { emit(ev: string, ...rest: unknown[]): void }).emit(event, ...args);
}

/** Writes one raw Engine.IO message on the socket's connection (e.g. a hand-made Socket.IO frame). */
export function writeRawFrame(socket: BoardClient, frame: string): void {
  socket.io.engine.write(frame);
}
