import { untrack } from 'svelte';
import { io, type Socket } from 'socket.io-client';
import {
  BOARD_NAMESPACE,
  ClientErrorCode,
  ErrorCode,
  PROTOCOL_VERSION,
  type BoardState,
  type ClientToServerEvents,
  type Command,
  type EventMessage,
  type JoinResult,
  type JoinRequest,
  type PresenceView,
  type Role,
  type ServerToClientEvents,
  type WireError
} from '@hearth/shared';
import { BoardReplica } from './BoardReplica.svelte.ts';
import { CommandOutbox, TRANSIENT, type CommandChannel, type OutboxLink, type SendOutcome } from './CommandOutbox.svelte.ts';

export type { SendOutcome } from './CommandOutbox.svelte.ts';

/**
 * What the person sees about the live link: on its way, up, dropped and coming back, paused because
 * the device is offline — or over: access ended (signed out, expired, revoked), refused, or this
 * page is outdated (the server speaks another protocol: reload).
 */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'offline' | 'ended' | 'refused' | 'outdated';

/** Why a connection stopped for good. */
export type StopReason = 'ended' | 'refused' | 'outdated';

/**
 * Where one connection is, as one value, so that no impossible mix (joined and stopped, offline and
 * joining) can be written. `everJoined` tells a first connection from a reconnection.
 */
type Phase =
  /** The socket is not connected yet, or dropped and reconnecting. */
  | { readonly kind: 'connecting'; readonly everJoined: boolean }
  /** Connected, the first join (or the one after a drop) in flight; `again`: join once more when it answers. */
  | { readonly kind: 'joining'; readonly everJoined: boolean; readonly again: boolean }
  /** Joined and following the board; `resync`: a rejoin in flight (commands wait), `again` as above. */
  | { readonly kind: 'live'; readonly resync: { readonly again: boolean } | null }
  /** The browser says the network is gone: the socket is paused until it is back. */
  | { readonly kind: 'offline'; readonly everJoined: boolean }
  | { readonly kind: 'stopped'; readonly reason: StopReason; readonly error: WireError }
  | { readonly kind: 'closed' };

/** A message for the person, with a serial so a repeated message is announced again. */
export interface Notice {
  readonly serial: number;
  readonly message: string;
}

type BoardSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const JOIN_TIMEOUT_MS = 10_000;
/** A board that has heard nothing for this long asks the log whether it missed an event. */
const QUIET_RESYNC_MS = 30_000;

/**
 * One live link to a session's board over Socket.IO: joins, keeps the board in step with the
 * server's event log (resuming from the last seq after a drop, resyncing on a gap), hands commands
 * to a CommandOutbox that sends them with idempotency ids and retries them across reconnects, and
 * estimates the server's clock.
 */
export class BoardConnection {
  readonly sessionId: string;
  readonly #memberToken: string | null;

  #socket: BoardSocket | null = null;
  readonly #replica = new BoardReplica();
  #phase = $state<Phase>({ kind: 'connecting', everJoined: false });
  #role = $state<Role | null>(null);
  #offsetMs = $state(0);
  #notice = $state<Notice | null>(null);
  #presence = $state.raw<PresenceView | null>(null);

  /** Answers to joins of an earlier generation (before a drop, or superseded) are ignored. */
  #joinGeneration = 0;
  readonly #outbox = new CommandOutbox(this.#outboxLink());
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #noticeSerial = 0;
  /** When this client last heard from the server about its board (an event or a join answer). */
  #lastHeard = 0;
  #quietCheck: ReturnType<typeof setInterval> | null = null;

  constructor(sessionId: string, memberToken: string | null = null) {
    this.sessionId = sessionId;
    this.#memberToken = memberToken;
  }

  /** The board as this role sees it; null until the first join answer. */
  get board(): BoardState | null {
    return this.#replica.board;
  }

  /** The role the server assigned at join; null until then. */
  get role(): Role | null {
    return this.#role;
  }

  get state(): ConnectionState {
    const p = this.#phase;
    switch (p.kind) {
      case 'live':
        return 'connected';
      case 'connecting':
      case 'joining':
        return p.everJoined ? 'reconnecting' : 'connecting';
      case 'offline':
      case 'closed':
        return 'offline';
      case 'stopped':
        return p.reason;
    }
  }

  /** Why the connection stopped for good (ended, refused, outdated); null while it is alive. */
  get stopped(): WireError | null {
    return this.#phase.kind === 'stopped' ? this.#phase.error : null;
  }

  /** Which way the connection stopped; null while it is alive. */
  get stopReason(): StopReason | null {
    return this.#phase.kind === 'stopped' ? this.#phase.reason : null;
  }

  /** True when the server withdrew this connection's access (logout, expiry, revoked invite). */
  get revoked(): boolean {
    return this.#phase.kind === 'stopped' && this.#phase.reason === 'ended';
  }

  /** True when this page was built for another protocol version than the server's: it should reload. */
  get outdated(): boolean {
    return this.#phase.kind === 'stopped' && this.#phase.reason === 'outdated';
  }

  /** Whether the link is over for good (stopped or closed): nothing will reconnect it. */
  get #over(): boolean {
    return this.#phase.kind === 'stopped' || this.#phase.kind === 'closed';
  }

  /** Whether this connection has joined at least once: a drop is then a reconnection. */
  get #everJoined(): boolean {
    const p = this.#phase;
    return p.kind === 'live' || ((p.kind === 'connecting' || p.kind === 'joining' || p.kind === 'offline') && p.everJoined);
  }

  /** Server clock minus local clock, in ms; add it to Date.now() to read the server's time. */
  get offsetMs(): number {
    return this.#offsetMs;
  }

  /**
   * Who is at the board, as the server last told this role (clinicians: everyone by name; members:
   * other members by alias and whether an observer is present). Null until the first presence
   * message; kept through a drop, since the server sends a fresh one on the next join.
   */
  get presence(): PresenceView | null {
    return this.#presence;
  }

  /** The latest rejection or problem to show, if any. */
  get notice(): Notice | null {
    return this.#notice;
  }

  /** Commands sent or waiting that the server has not yet answered. */
  get pendingCount(): number {
    return this.#outbox.pendingCount;
  }

  dismissNotice(): void {
    this.#notice = null;
  }

  /**
   * Opens the socket and starts following the board. Call once; pair with close(). Untracked, so an
   * effect that calls it does not re-run (and reconnect) whenever the connection's own state changes.
   */
  open(): void {
    untrack(() => this.#open());
  }

  #open(): void {
    if (this.#socket) return;
    window.addEventListener('online', this.#onOnline);
    window.addEventListener('offline', this.#onOffline);

    const socket: BoardSocket = io(BOARD_NAMESPACE, {
      transports: ['websocket'],
      auth: this.#memberToken ? { token: this.#memberToken } : {},
      withCredentials: true,
      // Its own manager, so closing this board never tears down or reuses another's handshake.
      forceNew: true
    });
    this.#socket = socket;

    socket.on('connect', () => void this.#join());
    socket.on('disconnect', (reason) => {
      this.#replica.release();
      this.#joinGeneration++;
      if (this.#over || this.#phase.kind === 'offline') return;
      this.#phase = { kind: 'connecting', everJoined: this.#everJoined };
      // A server-side disconnect (restart, deploy) is not retried by Socket.IO itself.
      if (reason === 'io server disconnect') this.#later(() => this.#socket?.connect(), 1500);
    });
    socket.on('connect_error', (err: Error & { data?: WireError }) => {
      // Too many connections from this address (a clinic behind one address, all reconnecting at
      // once): connect again once the server says, spread a little so they do not all come back together.
      if (err.data?.code === ErrorCode.RATE_LIMITED) {
        this.#later(() => this.#socket?.connect(), (err.data.retryAfterMs ?? 5000) + Math.random() * 2000);
        return;
      }
      // Inactive after an error means the server refused the handshake (auth); retrying won't help.
      if (!socket.active) this.#stop('ended', { code: ErrorCode.UNAUTHENTICATED, message: err.message || 'The server refused the connection.' });
    });
    socket.on('event', (msg) => this.#onEvent(msg));
    socket.on('private', (msg) => {
      if (msg.sessionId !== this.sessionId) return;
      this.#lastHeard = Date.now();
      if (this.#replica.receivePrivate(msg) === 'gap') this.#resync();
    });
    socket.on('presence', (view) => {
      if (view.sessionId === this.sessionId) this.#presence = view;
    });
    socket.on('revoked', (error) => {
      this.#stop('ended', error);
      // The page's lock takes over when a clinician's login ended: nothing of the board stays on screen.
      window.dispatchEvent(new CustomEvent('hearth:access-ended', { detail: error }));
    });
    socket.on('protocol_error', (error) => this.#say(error.message));

    // An event can be lost between instances (Redis down, or an instance dying between commit and
    // fan-out) with nothing after it to reveal the gap; a board quiet for a while asks the log.
    this.#quietCheck = setInterval(() => {
      const p = this.#phase;
      if (p.kind === 'live' && !p.resync && Date.now() - this.#lastHeard >= QUIET_RESYNC_MS) this.#resync();
    }, QUIET_RESYNC_MS / 3);

    if (!navigator.onLine) {
      // Start paused; the 'online' listener connects when the network returns.
      this.#phase = { kind: 'offline', everJoined: false };
      socket.disconnect();
    }
  }

  /** Leaves the board and releases the socket and listeners. */
  close(): void {
    untrack(() => this.#close());
  }

  #close(): void {
    window.removeEventListener('online', this.#onOnline);
    window.removeEventListener('offline', this.#onOffline);
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    if (this.#quietCheck) clearInterval(this.#quietCheck);
    this.#quietCheck = null;
    this.#phase = { kind: 'closed' };
    this.#socket?.removeAllListeners();
    this.#socket?.disconnect();
    this.#socket = null;
    this.#outbox.settleAll({ ok: false, error: { code: ClientErrorCode.CLOSED, message: 'The board was closed.' } });
  }

  /**
   * Sends one user action. A fresh idempotency id is chosen here, once; every retry of this action
   * (after a timeout or a reconnect) reuses it, so the server applies it at most once.
   */
  send(command: Command): Promise<SendOutcome> {
    const stopped = this.stopped;
    if (stopped) return Promise.resolve({ ok: false, error: { code: ClientErrorCode.STOPPED, message: stopped.message } });
    return this.#outbox.send(command);
  }

  /** The outbox's view of this connection: readiness, the socket's command channel, notices, clock, timers. */
  #outboxLink(): OutboxLink {
    return {
      ready: () => this.#phase.kind === 'live' && this.#phase.resync === null,
      joined: () => this.#phase.kind === 'live',
      channel: () => {
        const socket = this.#socket;
        if (!socket) return null;
        const channel: CommandChannel = {
          emit: (id, command, timeoutMs) =>
            socket.timeout(timeoutMs).emitWithAck('command', { sessionId: this.sessionId, id, command }),
          get connected() {
            return socket.connected;
          }
        };
        return channel;
      },
      say: (message) => this.#say(message),
      updateOffset: (serverTime, sentAt) => this.#updateOffset(serverTime, sentAt),
      resync: () => this.#resync(),
      later: (fn, ms) => this.#later(fn, ms)
    };
  }

  #onOnline = (): void => {
    if (this.#phase.kind !== 'offline') return;
    this.#phase = { kind: 'connecting', everJoined: this.#phase.everJoined };
    this.#socket?.connect();
  };

  /**
   * The socket may not notice a dead network for its whole ping timeout; the browser knows at once.
   * Dropping the socket now and reconnecting on 'online' resumes from the last seq without gaps.
   */
  #onOffline = (): void => {
    if (!this.#socket || this.#over) return;
    this.#phase = { kind: 'offline', everJoined: this.#everJoined };
    this.#socket.disconnect();
  };

  async #join(): Promise<void> {
    const socket = this.#socket;
    if (!socket || this.#over || this.#phase.kind === 'offline') return;
    const generation = ++this.#joinGeneration;
    // Joined already: a resync (the board stays on screen, commands wait). Otherwise a first join or one after a drop.
    this.#phase =
      this.#phase.kind === 'live' ? { kind: 'live', resync: { again: false } } : { kind: 'joining', everJoined: this.#everJoined, again: false };
    this.#replica.hold();
    const lastSeq = this.#replica.seq;
    const request: JoinRequest = {
      sessionId: this.sessionId,
      protocol: PROTOCOL_VERSION,
      ...(lastSeq !== null && { lastSeq, lastPrivateSeq: this.#replica.privateSeq })
    };
    const sentAt = Date.now();
    let result: JoinResult;
    try {
      result = await socket.timeout(JOIN_TIMEOUT_MS).emitWithAck('join', request);
    } catch {
      // Timed out or dropped; a drop rejoins on 'connect', a timeout on a live socket tries again.
      if (generation === this.#joinGeneration && socket.connected) this.#later(() => void this.#join(), 2000);
      return;
    }
    if (generation !== this.#joinGeneration || socket !== this.#socket || this.#over) return;
    if (!result.ok) {
      this.#replica.release();
      const { code } = result.error;
      if (code === ErrorCode.UNSUPPORTED_PROTOCOL) return this.#stop('outdated', result.error);
      if (TRANSIENT.has(code) || code === ErrorCode.RATE_LIMITED) {
        // Still on the board if it was live; otherwise still joining. Try again shortly.
        if (this.#phase.kind === 'live') this.#phase = { kind: 'live', resync: null };
        this.#later(() => void this.#join(), 3000);
        return;
      }
      return this.#stop(code === ErrorCode.UNAUTHENTICATED ? 'ended' : 'refused', result.error);
    }
    const again = (this.#phase.kind === 'live' && this.#phase.resync?.again === true) || (this.#phase.kind === 'joining' && this.#phase.again);
    this.#updateOffset(result.serverTime, sentAt);
    this.#lastHeard = Date.now();
    this.#role = result.role;
    const complete = this.#replica.applyJoin(result);
    this.#phase = { kind: 'live', resync: null };
    if (!complete || again) {
      void this.#join();
      return;
    }
    this.#outbox.sendWaiting();
  }

  #onEvent(msg: EventMessage): void {
    if (msg.sessionId !== this.sessionId) return;
    this.#lastHeard = Date.now();
    if (this.#replica.receive(msg) === 'gap') this.#resync();
  }

  #resync(): void {
    const p = this.#phase;
    // A join in flight answers as of before the gap: join once more after it.
    if (p.kind === 'joining') this.#phase = { ...p, again: true };
    else if (p.kind === 'live' && p.resync) this.#phase = { kind: 'live', resync: { again: true } };
    else if (p.kind === 'live') void this.#join();
  }

  /** Takes the midpoint of the round trip as the moment the server read its clock. */
  #updateOffset(serverTime: number, sentAt: number): void {
    const receivedAt = Date.now();
    this.#offsetMs = Math.round(serverTime - (sentAt + receivedAt) / 2);
  }

  #say(message: string): void {
    this.#notice = { serial: ++this.#noticeSerial, message };
  }

  #stop(reason: StopReason, error: WireError): void {
    this.#phase = { kind: 'stopped', reason, error };
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.#socket?.disconnect();
    this.#outbox.settleAll({ ok: false, error: { code: ClientErrorCode.STOPPED, message: error.message } });
  }

  #later(fn: () => void, ms: number): void {
    const handle = setTimeout(() => {
      this.#timers.delete(handle);
      fn();
    }, ms);
    this.#timers.add(handle);
  }
}
