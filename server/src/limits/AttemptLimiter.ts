import { createHash } from 'node:crypto';
import { ErrorCode } from '@hearth/shared';
import { HttpError } from '../http/errors.ts';
import { errorMessage, type Logger } from '../log.ts';
import type { Counter } from './RateLimits.ts';

/** Why an attempt is refused before it is tried: what to tell the person, and when trying again can succeed. */
export interface Refusal {
  readonly message: string;
  readonly retryAfterMs: number;
}

/**
 * Counts failed attempts per key (an address, or an email and address) and refuses a key that failed
 * too often within the window, with `RATE_LIMITED` — whether or not its next attempt is right, so
 * guessing cannot go on at full speed. Successful attempts cost nothing: a clinic's members behind
 * one address are never held up by each other. Keys are stored hashed, so the shared count (Redis)
 * holds no email addresses. A count that fails lets the attempt through and is logged: the limit
 * never turns a sign-in into a failure of the server's.
 */
export class AttemptLimiter {
  constructor(
    private readonly failures: Counter,
    private readonly limit: number,
    /** What failed, for the refusal's message: "Too many <what>. Try again in 15 minutes." */
    private readonly what: string,
    private readonly logger: Logger
  ) {}

  /** Null while the key may try; else why not, and for how long. */
  async refusal(key: string): Promise<Refusal | null> {
    let seen;
    try {
      seen = await this.failures.get(hashed(key));
    } catch (e) {
      this.logger.error('attempt count not read', { limit: this.what, error: errorMessage(e) });
      return null;
    }
    if (!seen || seen.consumedPoints < this.limit) return null;
    const retryAfterMs = Math.max(1000, Math.ceil(seen.msBeforeNext));
    const minutes = Math.max(1, Math.ceil(retryAfterMs / 60_000));
    return { message: `Too many ${this.what}. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`, retryAfterMs };
  }

  /** Throws `RATE_LIMITED` (429, with Retry-After) when the key has used up its failures. */
  async check(key: string): Promise<void> {
    const refused = await this.refusal(key);
    if (refused) throw new HttpError(ErrorCode.RATE_LIMITED, refused.message, { retryAfterMs: refused.retryAfterMs });
  }

  /** Counts one failure of the key. */
  async fail(key: string): Promise<void> {
    try {
      await this.failures.penalty(hashed(key), 1);
    } catch (e) {
      this.logger.error('attempt failure not counted', { limit: this.what, error: errorMessage(e) });
    }
  }

  /** Forgets the key's failures: the person proved who they are. */
  async forgive(key: string): Promise<void> {
    try {
      await this.failures.delete(hashed(key));
    } catch (e) {
      this.logger.error('attempt count not cleared', { limit: this.what, error: errorMessage(e) });
    }
  }
}

function hashed(key: string): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 32);
}
