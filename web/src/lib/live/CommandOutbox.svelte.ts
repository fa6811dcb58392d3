import { ClientErrorCode, ErrorCode, type Command, type CommandResult } from '@hearth/shared';
import { newId } from '../newId.ts';

/** How a command ended, from the sender's point of view: the server's answer, or the client's own code. */
export type SendOutcome =
  | { readonly ok: true; readonly duplicate: boolean }
  | { readonly ok: false; readonly error: { readonly code: ErrorCode | ClientErrorCode; readonly message: string } };

/**
 * One socket's way to send commands. Taken once per attempt, so an unanswered attempt is judged
 * against the socket it went out on, not whichever socket exists when the timeout fires.
 */
export interface CommandChannel {
  /** Emits the command and waits for its ack; rejects on timeout or a drop. */
  emit(id: string, command: Command, timeoutMs: number): Promise<CommandResult>;
  /** Whether that socket is still connected. */
  readonly connected: boolean;
}

/**
 * What the outbox needs from the live link, and nothing more, so the retry rules can be read (and
 * changed) without the join and resync machinery in view.
 */
export interface OutboxLink {
  /** Joined and not mid-join: a command sent now reaches a board the server knows this client is on. */
  ready(): boolean;
  /** Joined, even if a rejoin is under way. */
  joined(): boolean;
  /** The current socket's command channel; null when there is no socket. */
  channel(): CommandChannel | null;
  /** Shows a message to the person. */
  say(message: string): void;
  /** Refines the server clock estimate from an answer's serverTime and when the request left. */
  updateOffset(serverTime: number, sentAt: number): void;
  /** Asks for a rejoin, as when the server says this client is not joined. */
  resync(): void;
  /** Runs fn after ms on a timer the link cancels when it closes or stops. */
  later(fn: () => void, ms: number): void;
}

interface PendingCommand {
  readonly id: string;
  readonly command: Command;
  readonly queuedAt: number;
  attempts: number;
  inFlight: boolean;
  readonly settle: (outcome: SendOutcome) => void;
}

const COMMAND_TIMEOUT_MS = 10_000;
const MAX_ATTEMPTS = 5;
/**
 * A command still unsent after this long is dropped rather than applied late: a "next item" pressed
 * two minutes ago would surprise the room. The person is told and can act again.
 */
const MAX_QUEUE_AGE_MS = 120_000;
/** Codes that say "try again", not "no": the same id is retried, so it applies at most once. */
export const TRANSIENT: ReadonlySet<ErrorCode> = new Set<ErrorCode>([ErrorCode.BUSY, ErrorCode.NOT_JOINED, ErrorCode.INTERNAL, ErrorCode.UNAVAILABLE]);

/**
 * The commands a board connection has accepted but the server has not yet answered. Each gets an
 * idempotency id once and keeps it through every retry (after a timeout, a transient error or a
 * reconnect), so the server applies it at most once; stale ones are dropped rather than applied late.
 */
export class CommandOutbox {
  readonly #link: OutboxLink;
  readonly #pending = new Map<string, PendingCommand>();
  #pendingCount = $state(0);

  constructor(link: OutboxLink) {
    this.#link = link;
  }

  /** Commands sent or waiting that the server has not yet answered. */
  get pendingCount(): number {
    return this.#pendingCount;
  }

  /**
   * Queues one user action. A fresh idempotency id is chosen here, once; every retry of this action
   * (after a timeout or a reconnect) reuses it, so the server applies it at most once.
   */
  send(command: Command): Promise<SendOutcome> {
    return new Promise((resolve) => {
      const pending: PendingCommand = {
        id: newId(),
        command,
        queuedAt: Date.now(),
        attempts: 0,
        inFlight: false,
        settle: resolve
      };
      this.#pending.set(pending.id, pending);
      this.#pendingCount = this.#pending.size;
      if (this.#link.ready()) void this.#transmit(pending);
    });
  }

  /** Sends everything waiting, after a join; what waited too long is dropped and the person told. */
  sendWaiting(): void {
    const now = Date.now();
    for (const pending of [...this.#pending.values()]) {
      if (now - pending.queuedAt > MAX_QUEUE_AGE_MS) {
        this.#link.say('An action was not sent because the connection was lost for too long. Check the board and try again.');
        this.#settle(pending, {
          ok: false,
          error: {
            code: ClientErrorCode.EXPIRED,
            message: 'An action was not sent because the connection was lost for too long. Check the board and try again.'
          }
        });
        continue;
      }
      void this.#transmit(pending);
    }
  }

  /** Ends every waiting command with this outcome, when the connection closes or stops for good. */
  settleAll(outcome: SendOutcome): void {
    for (const p of [...this.#pending.values()]) this.#settle(p, outcome);
  }

  async #transmit(pending: PendingCommand): Promise<void> {
    const channel = this.#link.channel();
    if (!channel || pending.inFlight || !this.#pending.has(pending.id)) return;
    pending.inFlight = true;
    pending.attempts++;
    const sentAt = Date.now();
    let result: CommandResult;
    try {
      result = await channel.emit(pending.id, pending.command, COMMAND_TIMEOUT_MS);
    } catch {
      pending.inFlight = false;
      // No answer: it may or may not have been applied. The same id is resent after the next join,
      // or now if the socket is still up (the server answers a repeat as a duplicate).
      if (pending.attempts >= MAX_ATTEMPTS) {
        this.#link.say('Hearth did not confirm an action. Check the board and try again if needed.');
        this.#settle(pending, {
          ok: false,
          error: { code: ClientErrorCode.NO_ANSWER, message: 'Hearth did not confirm an action. Check the board and try again if needed.' }
        });
      } else if (this.#link.joined() && channel.connected) {
        this.#link.later(() => void this.#transmit(pending), 1000);
      }
      return;
    }
    pending.inFlight = false;
    if (!this.#pending.has(pending.id)) return;
    if (result.ok) {
      this.#link.updateOffset(result.serverTime, sentAt);
      this.#settle(pending, { ok: true, duplicate: result.duplicate });
      return;
    }
    if (result.error.code === ErrorCode.RATE_LIMITED && pending.attempts < MAX_ATTEMPTS) {
      // Sent faster than the server takes one socket's commands (nothing was applied): the same id
      // again once the allowance is back.
      this.#link.later(() => void this.#transmit(pending), result.error.retryAfterMs ?? 1000);
      return;
    }
    if (TRANSIENT.has(result.error.code) && pending.attempts < MAX_ATTEMPTS) {
      if (result.error.code === ErrorCode.NOT_JOINED) this.#link.resync();
      this.#link.later(() => void this.#transmit(pending), 500 * pending.attempts);
      return;
    }
    this.#link.say(result.error.message);
    this.#settle(pending, { ok: false, error: result.error });
  }

  #settle(pending: PendingCommand, outcome: SendOutcome): void {
    if (!this.#pending.delete(pending.id)) return;
    this.#pendingCount = this.#pending.size;
    pending.settle(outcome);
  }
}
