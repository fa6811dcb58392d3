import { randomUUID } from 'node:crypto';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { errorMessage, type Logger } from '../log.ts';
import type { RedisBus } from '../redis/RedisBus.ts';
import { FROM_RELAY } from './origins.ts';

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
  STATE: 3,
  /**
   * "Freeze this document for the record and save it", with a request id and where to answer:
   * every instance holding it freezes, saves, then answers (on the requester's own channel).
   */
  FREEZE: 4
} as const;
export type RelayKind = (typeof RelayKind)[keyof typeof RelayKind];

/**
 * One open document as the relay sees it. The relay keeps the copies on every instance caught up:
 * it applies what other instances send (origin FROM_RELAY), answers their HELLO and STATE with what
 * they lack, and says HELLO itself whenever it can hear and speak for the document again.
 */
export interface RelayedDocument {
  readonly doc: Y.Doc;
  /** Awareness from another instance; the document applies what it may. */
  onAwareness(update: Uint8Array): void;
  /** This instance's own connections' awareness, told to an instance that says HELLO; null when none. */
  ownAwareness(): Uint8Array | null;
  /** Another instance asks this one to freeze the document and save it; resolves true once saved. */
  onFreeze(): Promise<boolean>;
}

/** Thrown when an instance holding a document did not confirm freezing and saving it in time. */
export class NotesNotSavedError extends Error {}

/** Cross-instance relay of notes documents; in-process (a no-op) without Redis. */
export interface NotesRelay {
  /** Relays this document while it is open here, keeping its copy in step with the other instances'. */
  join(sessionId: string, document: RelayedDocument): void;
  leave(sessionId: string): void;
  /** Sends a local change (UPDATE or AWARENESS) to every other instance that has the document open. Dropped while Redis is down. */
  publish(sessionId: string, kind: RelayKind, payload: Uint8Array): void;
  /**
   * Asks every other instance that holds the document to freeze and save it, and resolves once each
   * has confirmed. Rejects with NotesNotSavedError when one does not within `timeoutMs`, or when
   * Redis cannot be asked (an instance might hold edits nobody else has).
   */
  freezeElsewhere(sessionId: string, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

/** One instance alone: nothing to relay. */
export const localRelay: NotesRelay = {
  join: () => undefined,
  leave: () => undefined,
  publish: () => undefined,
  freezeElsewhere: async () => undefined,
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
  const handlers = new Map<string, RelayedDocument>();
  /** Documents whose subscription Redis has confirmed. */
  const subscribed = new Set<string>();
  /** Freeze requests of this instance waiting for answers: request id → the answers still due. */
  const waiting = new Map<string, { due: number; resolve: () => void }>();
  // Answers to this instance's freeze requests come on a channel of its own.
  const answers = `notes-frozen:${bus.instance.toString('hex')}`;
  const answersHeard = bus
    .subscribe(answers, (payload) => {
      const w = waiting.get(payload.toString());
      if (w && --w.due <= 0) w.resolve();
    })
    .catch((e: unknown) => logger.error('redis subscribe failed (notes answers)', { error: errorMessage(e) }));

  const send = (sessionId: string, kind: RelayKind, payload: Uint8Array) => {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, kind);
    encoding.writeVarUint8Array(encoder, payload);
    bus.publish(notesChannel(sessionId), encoding.toUint8Array(encoder), 'sharded');
  };
  /** "I (re)opened this document": the others answer with what it lacks, and their state vector. */
  const announce = (sessionId: string) => {
    const handler = handlers.get(sessionId);
    if (handler && bus.canPublish) send(sessionId, RelayKind.HELLO, Y.encodeStateVector(handler.doc));
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
      if (kind === RelayKind.FREEZE) {
        const [requestId, replyTo] = new TextDecoder().decode(payload).split(' ');
        if (!requestId || !replyTo?.startsWith('notes-frozen:')) throw new Error('malformed freeze request');
        void handler.onFreeze().then((saved) => {
          if (saved) bus.publish(replyTo, requestId);
          else logger.error('notes could not be saved for a freeze', { sessionId });
        });
        return;
      }
      switch (kind) {
        case RelayKind.UPDATE:
          return Y.applyUpdate(handler.doc, payload, FROM_RELAY);
        case RelayKind.AWARENESS:
          return handler.onAwareness(payload);
        case RelayKind.HELLO: {
          send(sessionId, RelayKind.UPDATE, Y.encodeStateAsUpdate(handler.doc, payload));
          send(sessionId, RelayKind.STATE, Y.encodeStateVector(handler.doc));
          const mine = handler.ownAwareness();
          if (mine) send(sessionId, RelayKind.AWARENESS, mine);
          return;
        }
        case RelayKind.STATE:
          return send(sessionId, RelayKind.UPDATE, Y.encodeStateAsUpdate(handler.doc, payload));
        default:
          throw new Error(`unknown kind ${kind}`);
      }
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
    publish: send,
    async freezeElsewhere(sessionId, timeoutMs) {
      await answersHeard;
      if (!bus.up) throw new NotesNotSavedError('Redis is unreachable: other instances cannot be asked to save the notes.');
      // Every connection subscribed to the document's channel is an instance holding it.
      const holders = await bus.subscribers(notesChannel(sessionId), 'sharded');
      const due = holders - (subscribed.has(sessionId) ? 1 : 0);
      if (due <= 0) return;
      const requestId = randomUUID();
      const answered = new Promise<void>((resolve) => waiting.set(requestId, { due, resolve }));
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, RelayKind.FREEZE);
      encoding.writeVarUint8Array(encoder, new TextEncoder().encode(`${requestId} ${answers}`));
      bus.publish(notesChannel(sessionId), encoding.toUint8Array(encoder), 'sharded');
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), timeoutMs)));
      try {
        if ((await Promise.race([answered, late])) === 'late') {
          throw new NotesNotSavedError(`${waiting.get(requestId)?.due ?? 'an'} instance(s) holding these notes did not confirm saving them within ${timeoutMs} ms.`);
        }
      } finally {
        clearTimeout(timer);
        waiting.delete(requestId);
      }
    },
    async stop() {
      handlers.clear();
      subscribed.clear();
      await bus.unsubscribe(answers);
    }
  };
}
