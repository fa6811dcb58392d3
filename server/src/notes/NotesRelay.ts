import { randomUUID } from 'node:crypto';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { errorMessage, type Logger } from '../log.ts';
import { connectRedis } from '../redis.ts';

/** What instances tell each other about one open notes document. */
export const RelayKind = {
  /** A Yjs update applied on the sending instance. */
  UPDATE: 0,
  /** An awareness update of the sending instance's connections. */
  AWARENESS: 1,
  /**
   * "I (re)opened this document", with the sender's state vector: answer with what it lacks (UPDATE)
   * and with your own state vector (STATE), so it answers with what you lack.
   */
  HELLO: 2,
  /** A state vector: answer with what it lacks (UPDATE). */
  STATE: 3
} as const;
export type RelayKind = (typeof RelayKind)[keyof typeof RelayKind];

/** One open document's side of the relay. */
export interface RelayListener {
  onMessage(kind: RelayKind, payload: Uint8Array): void;
  onSubscribed(): void;
}

/** Cross-instance relay of notes documents; in-process (a no-op) without Redis. */
export interface NotesRelay {
  /**
   * Relays this document while it is open here: messages from other instances go to `onMessage`;
   * `onSubscribed` runs each time the subscription is (re)established, when the document should say HELLO.
   */
  join(sessionId: string, listener: RelayListener): void;
  leave(sessionId: string): void;
  /** Sends to every other instance that has the document open. Dropped while Redis is down. */
  publish(sessionId: string, kind: RelayKind, payload: Uint8Array): void;
  /** Tells every other instance that a login ended, so they close its notes connections at once. */
  publishRevoke(authSessionId: string): void;
  stop(): Promise<void>;
}

/** One instance alone: nothing to relay. */
export const localRelay: NotesRelay = {
  join: () => undefined,
  leave: () => undefined,
  publish: () => undefined,
  publishRevoke: () => undefined,
  stop: async () => undefined
};

const docChannel = (sessionId: string) => `hearth:notes:${sessionId}`;
const REVOKE_CHANNEL = 'hearth:notes:revoke';

/**
 * Redis pub/sub relay: a channel per open document carrying binary frames
 * `[kind varUint][instance varString][payload varUint8Array]` (lib0 encoding), and one channel for
 * revoked logins. Each instance drops its own frames. Both connections have error listeners and
 * reconnect forever (ioredis resubscribes). Nothing is queued while Redis is down: when a connection
 * is back, every open document says HELLO again and the instances exchange what the others lack,
 * as the y-protocols sync does between a client and a server. Postgres stays the truth throughout.
 */
export function redisRelay(url: string, logger: Logger, onRevoke: (authSessionId: string) => void): NotesRelay {
  const instance = randomUUID();
  const pub = connectRedis(url, 'notes-pub', logger);
  const sub = connectRedis(url, 'notes-sub', logger);
  const handlers = new Map<string, RelayListener>();
  let stopped = false;

  const subscribe = (sessionId: string) => {
    sub.subscribe(docChannel(sessionId)).then(
      () => {
        // Announce only once subscribed, so the answers cannot pass us by.
        const listener = handlers.get(sessionId);
        if (listener) listener.onSubscribed();
        else void sub.unsubscribe(docChannel(sessionId)).catch(() => undefined);
      },
      (e: unknown) => {
        if (!stopped) logger.error('redis subscribe failed (notes)', { error: errorMessage(e) });
      }
    );
  };

  for (const client of [pub, sub]) {
    let seen = false;
    client.on('ready', () => {
      // Back after an outage (or a reconnect we did not see as an error): catch up every open document.
      if (seen) for (const sessionId of handlers.keys()) subscribe(sessionId);
      seen = true;
    });
  }
  sub.subscribe(REVOKE_CHANNEL).catch((e: unknown) => logger.error('redis subscribe failed (notes)', { error: errorMessage(e) }));

  sub.on('messageBuffer', (channelBuf: Buffer, message: Buffer) => {
    const channel = channelBuf.toString();
    if (channel === REVOKE_CHANNEL) return onRevoke(message.toString());
    const sessionId = channel.slice(docChannel('').length);
    const handler = handlers.get(sessionId);
    if (!handler) return;
    try {
      const decoder = decoding.createDecoder(message);
      const kind = decoding.readVarUint(decoder);
      if (decoding.readVarString(decoder) === instance) return;
      const payload = decoding.readVarUint8Array(decoder);
      if (kind > RelayKind.STATE) throw new Error(`unknown kind ${kind}`);
      handler.onMessage(kind as RelayKind, payload);
    } catch (e) {
      logger.error('malformed notes frame on redis', { error: errorMessage(e), length: message.length });
    }
  });

  function publish(sessionId: string, kind: RelayKind, payload: Uint8Array): void {
    if (pub.status !== 'ready') return;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, kind);
    encoding.writeVarString(encoder, instance);
    encoding.writeVarUint8Array(encoder, payload);
    pub.publish(docChannel(sessionId), Buffer.from(encoding.toUint8Array(encoder)))
      .catch((e: unknown) => logger.debug('redis publish failed (notes)', { error: errorMessage(e) }));
  }

  return {
    join(sessionId, listener) {
      handlers.set(sessionId, listener);
      subscribe(sessionId);
    },
    leave(sessionId) {
      handlers.delete(sessionId);
      sub.unsubscribe(docChannel(sessionId)).catch(() => undefined);
    },
    publish,
    publishRevoke(authSessionId) {
      if (pub.status === 'ready') pub.publish(REVOKE_CHANNEL, authSessionId).catch(() => undefined);
    },
    async stop() {
      stopped = true;
      handlers.clear();
      pub.disconnect();
      sub.disconnect();
    }
  };
}
