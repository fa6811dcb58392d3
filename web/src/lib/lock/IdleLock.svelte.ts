import type { LoginTimes, Me } from '@hearth/shared';
import { ApiError } from '../api/ApiError.ts';
import { hearthApi } from '../api/hearthApi.ts';

/** The last input of the person in any of this browser's Hearth tabs, so tabs lock together. */
const LAST_INPUT_KEY = 'hearth:last-input';
/** Set while Hearth is locked in this browser: every tab locks, and unlocking one unlocks them all. */
const LOCK_KEY = 'hearth:locked';
const CHECK_EVERY_MS = 5000;
/** Input tells the server the login is in use at most this often (the server counts once a minute). */
const PING_EVERY_MS = 60_000;
const SHARE_EVERY_MS = 5000;

/** Why the page is locked: idle, locked by hand, or the login ended elsewhere (signed out, expired). */
export type LockReason = 'idle' | 'manual' | 'ended';

/**
 * Locks a clinician's pages after SESSION_IDLE_MINUTES without the person's own input — keys,
 * clicks, touches; never socket traffic — and signs out at the login's absolute end. Locking ends the
 * login on the server, so what the page showed needs the password (or a passkey) again; the page
 * shows only the lock screen meanwhile. Input also tells the server, once a minute, that the login is
 * in use: nothing else the page does keeps it alive.
 */
export class IdleLock {
  #locked = $state<LockReason | null>(null);
  /** What the server said when it ended the login, if it did. */
  #endedBecause = $state('');
  #lastInput = Date.now();
  #lastShared = 0;
  #lastPing = Date.now();
  #timer: ReturnType<typeof setInterval> | null = null;
  readonly #idleMs: number;
  readonly #expiresAt: number;

  constructor(
    readonly me: Me,
    login: LoginTimes
  ) {
    this.#idleMs = login.idleMinutes * 60_000;
    this.#expiresAt = Date.parse(login.expiresAt);
  }

  get locked(): LockReason | null {
    return this.#locked;
  }

  get endedBecause(): string {
    return this.#endedBecause;
  }

  start(): void {
    if (this.#timer) return;
    // This page just proved a working login: a lock left from before is over (its other tabs reload into it).
    if (localStorage.getItem(LOCK_KEY)) localStorage.removeItem(LOCK_KEY);
    for (const type of ['keydown', 'pointerdown', 'touchstart'] as const) window.addEventListener(type, this.#onInput, { capture: true, passive: true });
    window.addEventListener('storage', this.#onStorage);
    window.addEventListener('hearth:access-ended', this.#onEnded);
    this.#timer = setInterval(() => this.#check(), CHECK_EVERY_MS);
  }

  stop(): void {
    for (const type of ['keydown', 'pointerdown', 'touchstart'] as const) window.removeEventListener(type, this.#onInput, { capture: true });
    window.removeEventListener('storage', this.#onStorage);
    window.removeEventListener('hearth:access-ended', this.#onEnded);
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** Locks now (the button, the shortcut, the idle limit): every tab of this browser locks too. */
  lock(reason: LockReason): void {
    if (this.#locked) return;
    this.#locked = reason;
    localStorage.setItem(LOCK_KEY, String(Date.now()));
    // The login ends, here and on every instance: its sockets close and its cookie stops working.
    if (reason !== 'ended') void hearthApi.logout().catch(() => undefined);
  }

  /** Signs in again as the same clinician (the password), and reloads: the page comes back as it is now. */
  async unlockWithPassword(password: string): Promise<void> {
    await hearthApi.login(this.me.email, password);
    this.#unlocked();
  }

  /** After a passkey sign-in: only the same clinician unlocks; anyone else is signed out again. */
  async unlockedAs(accountId: string): Promise<boolean> {
    if (accountId !== this.me.id) {
      await hearthApi.logout().catch(() => undefined);
      return false;
    }
    this.#unlocked();
    return true;
  }

  #unlocked(): void {
    localStorage.removeItem(LOCK_KEY);
    localStorage.setItem(LAST_INPUT_KEY, String(Date.now()));
    window.location.reload();
  }

  #onInput = () => {
    if (this.#locked) return;
    const now = Date.now();
    this.#lastInput = now;
    if (now - this.#lastShared >= SHARE_EVERY_MS) {
      this.#lastShared = now;
      localStorage.setItem(LAST_INPUT_KEY, String(now));
    }
    if (now - this.#lastPing >= PING_EVERY_MS) {
      this.#lastPing = now;
      hearthApi.me().catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 401) this.lock('ended');
      });
    }
  };

  #onStorage = (event: StorageEvent) => {
    if (event.key === LOCK_KEY) {
      // Another tab locked (its login is ours: it ended), or unlocked with a fresh one.
      if (event.newValue) this.lock('ended');
      else if (this.#locked) window.location.reload();
    }
  };

  #onEnded = (event: Event) => {
    const detail: unknown = event instanceof CustomEvent ? event.detail : null;
    if (typeof detail !== 'object' || detail === null || !('code' in detail) || detail.code !== 'UNAUTHENTICATED') return;
    if ('message' in detail && typeof detail.message === 'string') this.#endedBecause = detail.message;
    this.lock('ended');
  };

  #check(): void {
    if (this.#locked) return;
    const now = Date.now();
    if (now >= this.#expiresAt) {
      localStorage.removeItem(LOCK_KEY);
      void hearthApi.logout().finally(() => window.location.assign('/login?ended=expired'));
      this.#locked = 'ended';
      return;
    }
    const shared = Number(localStorage.getItem(LAST_INPUT_KEY) ?? 0);
    if (now - Math.max(this.#lastInput, Number.isFinite(shared) ? shared : 0) >= this.#idleMs) this.lock('idle');
  }
}
