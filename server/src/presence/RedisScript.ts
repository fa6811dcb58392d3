import { createHash } from 'node:crypto';
import type { RedisClient } from '../redis/RedisBus.ts';

/**
 * A Lua script run by its SHA-1, sending the body only when Redis does not have it — the first time,
 * and again after a Redis restart has emptied its script cache.
 */
export class RedisScript {
  private readonly sha: string;

  constructor(private readonly lua: string) {
    this.sha = createHash('sha1').update(lua).digest('hex');
  }

  async run(redis: RedisClient, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    const options = { keys: [...keys], arguments: args.map(String) };
    try {
      return await redis.evalSha(this.sha, options);
    } catch (e) {
      if (e instanceof Error && e.message.startsWith('NOSCRIPT')) return redis.eval(this.lua, options);
      throw e;
    }
  }
}
