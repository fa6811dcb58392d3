import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { errorMessage, type Logger } from '../log.ts';

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
  /**
   * This instance can now both hear and speak on the document's channel, after it could not (first
   * open, or either connection back after an outage): the document should say HELLO.
   */
  onConnected(): void;
}

/** Cross-instance relay of notes documents; in-process (a no-op) without Redis. */
export interface NotesRelay {
  /**
   * Relays this document while it is open here: messages from other instances go to `onMessage`;
   * `onConnected` runs each time the relay can hear and speak for it again.
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
 * revoked logins. Each instance drops its own frames. It takes over two connections (made by
 * `connectRedis`, so they reconnect forever and cannot crash the process): one to publish, one to
 * subscribe. Nothing is queued while a connection is down. Instead a document says HELLO whenever it
 * can both hear and speak after it could not: when Redis confirms its subscription while the
 * publisher is up, and when the publisher comes up (at start or after an outage) while it is
 * subscribed. The instances then exchange what the others lack, as the y-protocols sync does between
 * a client and a server. Of two copies, the one that gets there second always finds the first
 * listening, so no copy stays behind. Postgres stays the truth throughout.
 */
export function redisRelay(clients: { pub: Redis; sub: Redis }, logger: Logger, onRevoke: (authSessionId: string) => void): NotesRelay {
  const { pub, sub } = clients;
  const instance = randomUUID();
  const handlers = new Map<string, RelayListener>();
  /** Documents whose subscription Redis has confirmed on the current subscriber connection. */
  const subscribed = new Set<string>();
  let stopped = false;

  const announce = (sessionId: string) => {
    if (pub.status === 'ready') handlers.get(sessionId)?.onConnected();
  };

  const subscribe = (sessionId: string) => {
    sub.subscribe(docChannel(sessionId)).then(
      () => {
        if (!handlers.has(sessionId)) return void sub.unsubscribe(docChannel(sessionId)).catch(() => undefined);
        subscribed.add(sessionId);
        // Announce only once subscribed, so the answers cannot pass us by.
        announce(sessionId);
      },
      (e: unknown) => {
        if (!stopped) logger.error('redis subscribe failed (notes)', { error: errorMessage(e) });
      }
    );
  };

  // A publish while the publisher is down is dropped (HELLO included): when it is up, say HELLO again.
  pub.on('ready', () => {
    for (const sessionId of subscribed) announce(sessionId);
  });
  let subSeen = false;
  sub.on('close', () => subscribed.clear());
  sub.on('ready', () => {
    // Back after an outage (or a reconnect we did not see as an error): subscribe again and catch up.
    if (subSeen) for (const sessionId of handlers.keys()) subscribe(sessionId);
    subSeen = true;
  });
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
      subscribed.delete(sessionId);
      sub.unsubscribe(docChannel(sessionId)).catch(() => undefined);
    },
    publish,
    publishRevoke(authSessionId) {
      if (pub.status === 'ready') pub.publish(REVOKE_CHANNEL, authSessionId).catch(() => undefined);
    },
    async stop() {
      stopped = true;
      handlers.clear();
      subscribed.clear();
      pub.disconnect();
      sub.disconnect();
    }
  };
}
