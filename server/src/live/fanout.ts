import type { EventBundle } from './ports.ts';
import { errorMessage, type Logger } from '../log.ts';
import type { RedisBus } from '../redis/RedisBus.ts';

/** A session's board channel; the hash tag keeps a session's channels on one shard of a cluster. */
export const boardChannel = (sessionId: string) => `board:{${sessionId}}`;

/** How long a join waits for its session's subscription before reading the log anyway. */
const SUBSCRIBE_WAIT_MS = 1000;

/** Cross-instance fan-out of board events: out to the instances serving a session, in from them. */
export interface Fanout {
  /** Sends one appended command's events to the other instances that serve its session. */
  publish(bundle: EventBundle): void;
  /**
   * This instance serves the session (a socket joins it): hear its channel. Resolves once Redis
   * confirmed the subscription, or after a short wait while Redis is away — the join reads the log
   * after this, so nothing published from then on passes it by.
   */
  serve(sessionId: string): Promise<void>;
  /** No socket here is in the session any more: stop hearing it. */
  release(sessionId: string): void;
}

/** One instance alone: its own events are all there is. */
export const localFanout: Fanout = { publish: () => undefined, serve: async () => undefined, release: () => undefined };

function isBundle(v: unknown): v is EventBundle {
  return (
    typeof v === 'object' && v !== null &&
    'sessionId' in v && typeof v.sessionId === 'string' &&
    'afterSeq' in v && typeof v.afterSeq === 'number' &&
    'seq' in v && typeof v.seq === 'number' &&
    'messages' in v && Array.isArray(v.messages)
  );
}

/** What an instance is told of the sessions it serves through the bus. */
export interface FanoutListener {
  /** A bundle another instance appended and published. */
  bundle(bundle: EventBundle): void;
  /** Redis confirmed the session's subscription: every bundle published from now on is heard. */
  hearing(sessionId: string): void;
  /** The session's subscription is given up. */
  released(sessionId: string): void;
}

/**
 * Fan-out over the bus: one sharded channel per session, heard by an instance only while it serves
 * that session, so an instance receives the events of its own sessions rather than of all of them.
 * Each instance hands what it hears to its sockets in seq order (InOrderDelivery). While Redis is
 * down, events still commit to Postgres but are not queued for later: clients that miss one see the
 * gap in `prevSeq` on the next event, on reconnect, or after 30 s of quiet, and resync from the log.
 */
export function busFanout(bus: RedisBus, logger: Logger, hear: FanoutListener): Fanout {
  const served = new Map<string, Promise<void>>();
  return {
    publish(bundle) {
      bus.publish(boardChannel(bundle.sessionId), JSON.stringify(bundle), 'sharded');
    },
    serve(sessionId) {
      let subscribed = served.get(sessionId);
      if (!subscribed) {
        subscribed = bus
          .subscribe(boardChannel(sessionId), (payload) => {
            let bundle: unknown;
            try {
              bundle = JSON.parse(payload.toString());
            } catch {
              bundle = null;
            }
            if (isBundle(bundle) && bundle.sessionId === sessionId) hear.bundle(bundle);
            else logger.error('malformed board event bundle on redis', { length: payload.length });
          }, 'sharded')
          .then(
            () => {
              if (served.get(sessionId) === subscribed) hear.hearing(sessionId);
            },
            (e: unknown) => logger.error('redis subscribe failed (board)', { error: errorMessage(e) })
          );
        served.set(sessionId, subscribed);
      }
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, SUBSCRIBE_WAIT_MS)));
      return Promise.race([subscribed, bound]).finally(() => clearTimeout(timer));
    },
    release(sessionId) {
      if (!served.delete(sessionId)) return;
      hear.released(sessionId);
      void bus.unsubscribe(boardChannel(sessionId), 'sharded');
    }
  };
}
