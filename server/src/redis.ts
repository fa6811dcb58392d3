import { Redis, type RedisOptions } from 'ioredis';
import { errorMessage, type Logger } from './log.ts';

/** The longest wait between two reconnection attempts: Redis back means us back within this. */
export const RECONNECT_MAX_DELAY_MS = 2000;

/** Reconnect forever, backing off to at most RECONNECT_MAX_DELAY_MS between tries: Redis only degrades, never stops us. */
const retryStrategy = (attempt: number) => Math.min(attempt * 200, RECONNECT_MAX_DELAY_MS);

/**
 * An ioredis connection that can never crash the process: it has an error listener (without one a
 * lost connection throws), logs an outage once when it begins and once when it ends, and reconnects
 * forever. Callers add their own 'ready' listeners for what a reconnect must redo.
 */
export function connectRedis(url: string, name: string, logger: Logger | undefined, options: RedisOptions = {}): Redis {
  const client = new Redis(url, { retryStrategy, maxRetriesPerRequest: null, ...options });
  let down = false;
  client.on('error', (e: unknown) => {
    if (!down) logger?.error('redis connection error', { client: name, error: errorMessage(e) });
    down = true;
  });
  client.on('ready', () => {
    if (down) logger?.info('redis connection restored', { client: name });
    down = false;
  });
  return client;
}
