import { RateLimiterMemory } from 'rate-limiter-flexible';
import { HttpError } from '../http/errors.ts';

/**
 * Counts failed attempts per address (invite codes that do not work) and refuses an address that
 * failed too often within the window, with `RATE_LIMITED` — whether or not its next attempt is right,
 * so guessing cannot go on at full speed. Successful attempts cost nothing: a clinic's members behind
 * one address are never held up by each other.
 */
export class AttemptLimiter {
  private readonly failures: RateLimiterMemory;

  constructor(private readonly limit: number, private readonly windowSeconds: number, private readonly what: string) {
    this.failures = new RateLimiterMemory({ points: limit, duration: windowSeconds });
  }

  /** Throws `RATE_LIMITED` when the address has used up its failures. */
  async check(key: string): Promise<void> {
    const seen = await this.failures.get(key);
    if (seen && seen.consumedPoints >= this.limit) {
      const minutes = Math.max(1, Math.ceil(seen.msBeforeNext / 60_000));
      throw new HttpError('RATE_LIMITED', `Too many ${this.what} from this address. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`);
    }
  }

  /** Counts one failure of the address. */
  async fail(key: string): Promise<void> {
    await this.failures.penalty(key, 1);
  }

  get windowMinutes(): number {
    return Math.round(this.windowSeconds / 60);
  }
}
