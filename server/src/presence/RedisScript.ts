import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * A Lua script run by its SHA-1, sending the body only when Redis does not have it — the first time,
 * and again after a Redis restart has emptied its script cache.
 */
export class RedisScript {
  private readonly sha: string;

  constructor(private readonly lua: string) {
    this.sha = createHash('sha1').update(lua).digest('hex');
  }

  async run(redis: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (e) {
      if (e instanceof Error && e.message.startsWith('NOSCRIPT')) return redis.eval(this.lua, keys.length, ...keys, ...args);
      throw e;
    }
  }
}
