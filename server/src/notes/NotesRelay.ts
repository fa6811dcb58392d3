import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { errorMessage, type Logger } from '../log.ts';
import type { RedisBus } from '../redis/RedisBus.ts';

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
  stop(): Promise<void>;
}

/** One instance alone: nothing to relay. */
export const localRelay: NotesRelay = {
  join: () => undefined,
  leave: () => undefined,
  publish: () => undefined,
  stop: async () => undefined
};

/** A session's notes channel; the hash tag keeps a session's channels on one shard of a cluster. */
export const notesChannel = (sessionId: string) => `notes:{${sessionId}}`;

/**
 * The relay over the bus: a sharded channel per open document carrying binary frames
 * `[kind varUint][payload varUint8Array]` (lib0 encoding; the bus drops an instance's own frames).
 * Nothing is queued while Redis is down. Instead a document says HELLO whenever this instance can
 * both hear and speak for it after it could not: when Redis confirms its subscription while the
 * command connection is up, and whenever the bus comes (back) up (either connection). The
 * instances then exchange what the others lack, as the y-protocols sync does between a client and a
 * server. Of two copies, the one that gets there second always finds the first listening, so no copy
 * stays behind. Postgres stays the truth throughout. Revoked logins travel on the app's own channel.
 */
export function busRelay(bus: RedisBus, logger: Logger): NotesRelay {
  const handlers = new Map<string, RelayListener>();
  /** Documents whose subscription Redis has confirmed. */
  const subscribed = new Set<string>();

  const announce = (sessionId: string) => {
    if (bus.canPublish) handlers.get(sessionId)?.onConnected();
  };
  bus.onUp(() => {
    for (const sessionId of subscribed) announce(sessionId);
  });

  const onFrame = (sessionId: string, message: Buffer) => {
    const handler = handlers.get(sessionId);
    if (!handler) return;
    try {
      const decoder = decoding.createDecoder(message);
      const kind = decoding.readVarUint(decoder);
      const payload = decoding.readVarUint8Array(decoder);
      if (kind > RelayKind.STATE) throw new Error(`unknown kind ${kind}`);
      handler.onMessage(kind as RelayKind, payload);
    } catch (e) {
      logger.error('malformed notes frame on redis', { error: errorMessage(e), length: message.length });
    }
  };

  return {
    join(sessionId, listener) {
      handlers.set(sessionId, listener);
      bus.subscribe(notesChannel(sessionId), (m) => onFrame(sessionId, m), 'sharded').then(
        () => {
          if (!handlers.has(sessionId)) return;
          subscribed.add(sessionId);
          // Announce only once subscribed, so the answers cannot pass us by.
          announce(sessionId);
        },
        (e: unknown) => logger.error('redis subscribe failed (notes)', { error: errorMessage(e) })
      );
    },
    leave(sessionId) {
      handlers.delete(sessionId);
      subscribed.delete(sessionId);
      void bus.unsubscribe(notesChannel(sessionId), 'sharded');
    },
    publish(sessionId, kind, payload) {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, kind);
      encoding.writeVarUint8Array(encoder, payload);
      bus.publish(notesChannel(sessionId), encoding.toUint8Array(encoder), 'sharded');
    },
    async stop() {
      handlers.clear();
      subscribed.clear();
    }
  };
}
