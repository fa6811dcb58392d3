import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRedis, RateLimiterRes, RLWrapperTimeouts } from 'rate-limiter-flexible';
import { errorMessage, type Logger } from '../log.ts';
import type { RedisClient } from '../redis/RedisBus.ts';

/**
 * How long a count in Redis may take before the instance's own count answers instead: a Redis that
 * is connected but stalled must not hold sign-ins or connections up.
 */
const REDIS_TIMEOUT_MS = 500;

/** The window a command burst's extra allowance refills over. */
export const BURST_WINDOW_SECONDS = 10;

/** What Hearth asks of a count: rate-limiter-flexible's limiters, whichever store they count in. */
export interface Counter {
  consume(key: string, points?: number): Promise<RateLimiterRes>;
  penalty(key: string, points?: number): Promise<RateLimiterRes>;
  get(key: string): Promise<RateLimiterRes | null>;
  delete(key: string): Promise<boolean>;
}

/**
 * Where Hearth's rate limits are counted. With Redis, a shared limit is counted there, so every
 * instance refuses what any instance counted (a load balancer spreads one guesser over all of
 * them). While Redis is away — reconnecting, or slower than REDIS_TIMEOUT_MS — each instance counts
 * on its own in memory (rate-limiter-flexible's insurance limiter) instead of failing the request,
 * and the shared count answers again once Redis is back. Without Redis every count is in memory.
 */
export class RateLimits {
  constructor(
    private readonly redis: { readonly client: RedisClient; readonly prefix: string } | null,
    private readonly logger: Logger
  ) {}

  /** A count of `points` per key within `durationSeconds` (a fixed window from the key's first point), shared between instances when Redis is configured. */
  shared(name: string, points: number, durationSeconds: number): Counter {
    const memory = new RateLimiterMemory({ keyPrefix: name, points, duration: durationSeconds });
    if (!this.redis) return memory;
    const redis = new RateLimiterRedis({
      storeClient: this.redis.client,
      // node-redis v4+ (Hearth's is v5): its command names and argument shapes, not ioredis's.
      useRedisPackage: true,
      // Reconnecting: the memory count answers at once, rather than after a command that must fail.
      rejectIfRedisNotReady: true,
      keyPrefix: `${this.redis.prefix}limit:${name}`,
      points,
      duration: durationSeconds,
      insuranceLimiter: memory
    });
    return new RLWrapperTimeouts({ limiter: redis, timeoutMs: REDIS_TIMEOUT_MS, insuranceLimiter: memory });
  }

  /** A limit of something done, each time one point: connections per address, shared between instances. */
  allowance(name: string, points: number, durationSeconds: number): Allowance {
    const counter = this.shared(name, points, durationSeconds);
    return new Allowance((key) => counter.consume(key), name, this.logger);
  }

  /**
   * A limit on one instance's own keys (a socket lives on one instance, so Redis would add a round
   * trip and nothing else): `perSecond` sustained, and up to `burst` within a second, the extra
   * refilling over BURST_WINDOW_SECONDS.
   */
  bursty(name: string, perSecond: number, burst: number): Allowance {
    const limiter = new BurstyRateLimiter(
      new RateLimiterMemory({ keyPrefix: name, points: perSecond, duration: 1 }),
      new RateLimiterMemory({ keyPrefix: `${name}-burst`, points: burst - perSecond, duration: BURST_WINDOW_SECONDS })
    );
    return new Allowance((key) => limiter.consume(key), name, this.logger);
  }
}

/**
 * One limit of things done (connections, commands): `take` spends a point of a key. A count that
 * fails (not a refusal: an error of the counters themselves) lets the attempt through and is
 * logged — a limit never turns a request into a failure of the server's.
 */
export class Allowance {
  constructor(
    private readonly consume: (key: string) => Promise<RateLimiterRes>,
    private readonly name: string,
    private readonly logger: Logger
  ) {}

  /** Null when the key may go ahead; else how many milliseconds until it may. */
  async take(key: string): Promise<number | null> {
    try {
      await this.consume(key);
      return null;
    } catch (e) {
      if (e instanceof RateLimiterRes) return Math.max(1, Math.ceil(e.msBeforeNext));
      this.logger.error('rate limit not counted', { limit: this.name, error: errorMessage(e) });
      return null;
    }
  }
}
