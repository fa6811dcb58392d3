import { createAdapter } from '@socket.io/redis-adapter';
import type { BoardIo } from './boardSocket.ts';
import type { EventBundle } from './InOrderDelivery.ts';
import { errorMessage, type Logger } from '../log.ts';
import { connectRedis } from '../redis.ts';

/** The Redis channel that carries every appended command's events to every instance. */
const EVENTS_CHANNEL = 'hearth:board-events';

/** Cross-instance fan-out: board events out to other instances, and a way to stop. */
export interface RedisFanout {
  /** Sends one appended command's events to every instance (this one included; it drops the echo). */
  publish(bundle: EventBundle): void;
  /** Whether the connection that publishes events is up. */
  readonly ready: boolean;
  stop(): Promise<void>;
}

function isBundle(v: unknown): v is EventBundle {
  return (
    typeof v === 'object' && v !== null &&
    'sessionId' in v && typeof v.sessionId === 'string' &&
    'afterSeq' in v && typeof v.afterSeq === 'number' &&
    'seq' in v && typeof v.seq === 'number' &&
    'messages' in v && Array.isArray(v.messages)
  );
}

/**
 * Cross-instance fan-out through Redis pub/sub: the Socket.IO Redis adapter for room operations
 * (revoking a credential's sockets everywhere), and a channel of board events that each instance hands
 * to its sockets in seq order. Every connection has an error listener (an unhandled 'error' would crash
 * the process) and reconnects forever; ioredis resubscribes after a reconnect. While Redis is down,
 * events still commit to Postgres but are not queued for later: clients that miss one see the gap in
 * `prevSeq` on the next event, or on reconnect, and resync from the log.
 */
export function attachRedisFanout(io: BoardIo, url: string, logger: Logger, onBundle: (bundle: EventBundle) => void): RedisFanout {
  const pub = connectRedis(url, 'pub', logger);
  const sub = connectRedis(url, 'sub', logger);
  const events = connectRedis(url, 'events', logger);
  io.adapter(createAdapter(pub, sub));
  events.subscribe(EVENTS_CHANNEL).catch((e: unknown) => logger.error('redis subscribe failed', { error: errorMessage(e) }));
  events.on('message', (channel: string, text: string) => {
    if (channel !== EVENTS_CHANNEL) return;
    let bundle: unknown;
    try {
      bundle = JSON.parse(text);
    } catch {
      bundle = null;
    }
    if (isBundle(bundle)) onBundle(bundle);
    else logger.error('malformed board event bundle on redis', { length: text.length });
  });
  return {
    get ready() {
      return pub.status === 'ready';
    },
    publish(bundle) {
      // Not queued while Redis is down: a backlog of stale events would only grow, and clients
      // resync from the log anyway.
      if (pub.status !== 'ready') return;
      pub.publish(EVENTS_CHANNEL, JSON.stringify(bundle)).catch((e: unknown) => logger.debug('redis publish failed', { error: errorMessage(e) }));
    },
    async stop() {
      pub.disconnect();
      sub.disconnect();
      events.disconnect();
    }
  };
}
