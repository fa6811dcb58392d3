import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import type { BoardIo } from './boardSocket.ts';
import { errorMessage, type Logger } from '../log.ts';

/**
 * Cross-instance fan-out through Redis pub/sub. Both connections have error listeners (an unhandled
 * 'error' would crash the process) and reconnect forever; ioredis resubscribes after a reconnect.
 * While Redis is down, events still commit to Postgres; clients that miss one see the gap in `prevSeq`
 * on the next event, or on reconnect, and resync.
 */
export function attachRedisFanout(io: BoardIo, url: string, logger: Logger): () => Promise<void> {
  const options = { maxRetriesPerRequest: null, retryStrategy: (n: number) => Math.min(n * 200, 2000) };
  const pub = new Redis(url, options);
  const sub = pub.duplicate();
  let down = false;
  for (const [name, client] of [['pub', pub], ['sub', sub]] as const) {
    client.on('error', (e: unknown) => {
      if (!down) logger.error('redis connection error', { client: name, error: errorMessage(e) });
      down = true;
    });
    client.on('ready', () => {
      if (down) logger.info('redis connection restored', { client: name });
      down = false;
    });
  }
  io.adapter(createAdapter(pub, sub));
  return async () => {
    pub.disconnect();
    sub.disconnect();
  };
}
