import { NOTES_FROZEN_REASON, NOTES_READ_ONLY_REASON, NotesClose, NotesMessage } from '@hearth/shared';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { WebSocket } from 'ws';
import * as authProtocol from 'y-protocols/auth';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { errorMessage, type Logger } from '../log.ts';
import { filterAwarenessUpdate } from './awarenessFilter.ts';
import type { NotesStore, StoredNotes } from './NotesStore.ts';
import { RelayKind, type NotesRelay } from './NotesRelay.ts';

/** Transaction origin of updates relayed from another instance: applied here, never published again. */
export const REMOTE = Symbol('notes:remote');
/** Transaction origin of rows read from Postgres while saving: already stored, so not "unsaved". */
export const STORED = Symbol('notes:stored');

/** When to save: `debounceMs` after the last change, at most `maxDelayMs` after the first unsaved one. */
export interface NotesTiming {
  readonly debounceMs: number;
  readonly maxDelayMs: number;
  /** After a failed save, how long until the next attempt. */
  readonly retryMs: number;
}

export const DEFAULT_NOTES_TIMING: NotesTiming = { debounceMs: 2_000, maxDelayMs: 10_000, retryMs: 5_000 };

/** One open WebSocket on a notes document, with who is behind it. */
export interface NotesConnection {
  readonly ws: WebSocket;
  /** Supervisors read only: their document updates are dropped and answered with permission denied. */
  readOnly: boolean;
  readonly accountId: string;
  readonly authSessionId: string;
  /** The login token, kept to re-check the login while the connection lives. */
  readonly credential: string;
  /** Answered the last ping (see NotesEndpoint). */
  alive: boolean;
}

export interface NotesDocDeps {
  readonly store: NotesStore;
  readonly relay: NotesRelay;
  readonly logger: Logger;
  readonly timing: NotesTiming;
  /** A connection closed, or a delayed save succeeded: the hub decides whether to close the document. */
  readonly settle: (doc: NotesDoc) => void;
}

const message = (type: number, write: (e: encoding.Encoder) => void): Uint8Array => {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, type);
  write(encoder);
  return encoding.toUint8Array(encoder);
};

const READ_ONLY_DENIED = message(NotesMessage.AUTH, (e) => authProtocol.writePermissionDenied(e, NOTES_READ_ONLY_REASON));
const FROZEN_DENIED = message(NotesMessage.AUTH, (e) => authProtocol.writePermissionDenied(e, NOTES_FROZEN_REASON));

/** Whether an update carries nothing: no structs, no deletions (a read-only client's routine sync step 2). */
function isEmptyUpdate(update: Uint8Array): boolean {
  try {
    const { structs, ds } = Y.decodeUpdate(update);
    return structs.length === 0 && ds.clients.size === 0;
  } catch {
    return false;
  }
}

/**
 * One session's notes document open on this instance: the Y.Doc and its awareness, the connections
 * editing or reading it, saving to Postgres, and the relay to other instances. Speaks the y-websocket
 * protocol: on open the server sends sync step 1 (read-write connections only) and the awareness
 * states; it answers sync step 1 with step 2; it applies step 2 and updates from read-write
 * connections and relays them to every other connection, here and on other instances.
 */
export class NotesDoc {
  readonly doc = new Y.Doc();
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  private readonly conns = new Map<WebSocket, NotesConnection>();
  /** Who controls each awareness client id: a connection here, or another instance. */
  private readonly owners = new Map<number, NotesConnection | typeof REMOTE>();
  /** The stored rows whose content this document holds: the rows the next save supersedes. */
  private known: Set<string>;
  private dirtySince: number | null = null;
  private debounceTimer: NodeJS.Timeout | undefined;
  private deadlineTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private saving: Promise<boolean> | null = null;
  private destroyed = false;
  /** Frozen for the record: every connection reads only, whoever it is. */
  private frozen = false;

  constructor(readonly sessionId: string, stored: StoredNotes, private readonly deps: NotesDocDeps) {
    // Only a document whose stored state loaded is ever constructed: there is no empty default.
    Y.applyUpdate(this.doc, stored.update, STORED);
    this.known = new Set(stored.ids);
    this.frozen = stored.frozen;
    this.awareness.setLocalState(null);
    this.doc.on('update', (update: Uint8Array, origin: unknown) => this.onUpdate(update, origin));
    this.awareness.on('update', (change: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) =>
      this.onAwareness(change, origin)
    );
    deps.relay.join(sessionId, {
      onMessage: (kind, payload) => this.onRelay(kind, payload),
      onConnected: () => deps.relay.publish(sessionId, RelayKind.HELLO, Y.encodeStateVector(this.doc)),
      onFreeze: () => this.freeze()
    });
  }

  get connections(): number {
    return this.conns.size;
  }

  /** Every connection, for re-checking logins and pinging. */
  allConnections(): IterableIterator<NotesConnection> {
    return this.conns.values();
  }

  /** Whether changes wait to be saved. */
  get unsaved(): boolean {
    return this.dirtySince !== null;
  }

  /** Whether the document is frozen for the record. */
  get isFrozen(): boolean {
    return this.frozen;
  }

  /**
   * Freezes the document for the record: from now on it takes no edit from anyone (each is refused
   * as a supervisor's is), then saves what it holds. Resolves true once saved.
   */
  async freeze(): Promise<boolean> {
    this.frozen = true;
    for (const conn of this.conns.values()) conn.readOnly = true;
    return this.save();
  }

  /** Takes over an open WebSocket: greets it as the protocol says and handles its messages. */
  attach(conn: NotesConnection): void {
    const { ws } = conn;
    if (this.frozen) conn.readOnly = true;
    this.conns.set(ws, conn);
    ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => this.receive(conn, data, isBinary));
    ws.on('close', () => this.detach(conn));
    ws.on('error', (e) => this.deps.logger.debug('notes socket error', { error: errorMessage(e) }));
    // A read-only client is not asked for its state: what it would send back could only be refused.
    if (!conn.readOnly) this.send(conn, message(NotesMessage.SYNC, (e) => syncProtocol.writeSyncStep1(e, this.doc)));
    const states = [...this.awareness.getStates().keys()];
    if (states.length > 0) {
      this.send(conn, message(NotesMessage.AWARENESS, (e) =>
        encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(this.awareness, states))
      ));
    }
  }

  /** Closes every connection (on shutdown, or when the hub closes the document). */
  closeAll(code: number, reason: string): void {
    for (const conn of this.conns.values()) conn.ws.close(code, reason);
  }

  private detach(conn: NotesConnection): void {
    if (!this.conns.delete(conn.ws) || this.destroyed) return;
    const owned = [...this.owners].filter(([, owner]) => owner === conn).map(([id]) => id);
    // Others see the person leave now rather than after the awareness timeout.
    if (owned.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, owned, null);
    this.deps.settle(this);
  }

  private send(conn: NotesConnection, data: Uint8Array): void {
    if (conn.ws.readyState !== conn.ws.OPEN) return;
    conn.ws.send(data, (e) => {
      if (e) this.deps.logger.debug('notes send failed', { error: errorMessage(e) });
    });
  }

  private receive(conn: NotesConnection, data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void {
    if (this.destroyed) return;
    try {
      if (!isBinary) throw new Error('text frame');
      const bytes = Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? new Uint8Array(data) : data;
      const decoder = decoding.createDecoder(bytes);
      switch (decoding.readVarUint(decoder)) {
        case NotesMessage.SYNC:
          return this.receiveSync(conn, decoder);
        case NotesMessage.AWARENESS: {
          const update = filterAwarenessUpdate(decoding.readVarUint8Array(decoder), (id) => {
            const owner = this.owners.get(id);
            return owner === undefined || owner === conn;
          });
          if (update) awarenessProtocol.applyAwarenessUpdate(this.awareness, update, conn);
          return;
        }
        case NotesMessage.QUERY_AWARENESS:
          return this.send(conn, message(NotesMessage.AWARENESS, (e) =>
            encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...this.awareness.getStates().keys()]))
          ));
        case NotesMessage.AUTH:
          // Clients have nothing to say here; the server only sends permission-denied.
          return;
        default:
          throw new Error('unknown message type');
      }
    } catch (e) {
      // One bad message ends that connection, never the document or the process.
      this.deps.logger.info('bad notes message', { sessionId: this.sessionId, error: errorMessage(e) });
      conn.ws.close(NotesClose.BAD_REQUEST, 'malformed message');
    }
  }

  private receiveSync(conn: NotesConnection, decoder: decoding.Decoder): void {
    const type = decoding.readVarUint(decoder);
    if (type === syncProtocol.messageYjsSyncStep1) {
      const stateVector = decoding.readVarUint8Array(decoder);
      this.send(conn, message(NotesMessage.SYNC, (e) => syncProtocol.writeSyncStep2(e, this.doc, stateVector)));
      return;
    }
    if (type !== syncProtocol.messageYjsSyncStep2 && type !== syncProtocol.messageYjsUpdate) throw new Error('unknown sync message');
    const update = decoding.readVarUint8Array(decoder);
    if (conn.readOnly) {
      // Dropped unread: never applied, stored or relayed. An empty one is routine, not an attempt to edit.
      if (!isEmptyUpdate(update)) this.send(conn, this.frozen ? FROZEN_DENIED : READ_ONLY_DENIED);
      return;
    }
    Y.applyUpdate(this.doc, update, conn);
  }

  private onUpdate(update: Uint8Array, origin: unknown): void {
    const data = message(NotesMessage.SYNC, (e) => syncProtocol.writeUpdate(e, update));
    for (const conn of this.conns.values()) if (conn !== origin) this.send(conn, data);
    if (origin !== REMOTE) this.deps.relay.publish(this.sessionId, RelayKind.UPDATE, update);
    // Another instance's changes are saved here too: whichever instance lives on has them in Postgres.
    if (origin !== STORED) this.markUnsaved();
  }

  private onAwareness({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown): void {
    if (this.destroyed) return;
    const owner = origin === REMOTE ? REMOTE : [...this.conns.values()].find((c) => c === origin);
    for (const id of [...added, ...updated]) if (owner) this.owners.set(id, owner);
    for (const id of removed) this.owners.delete(id);
    const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...added, ...updated, ...removed]);
    // To every connection, the sender included: the stock client's watchdog counts its own echo as life.
    const data = message(NotesMessage.AWARENESS, (e) => encoding.writeVarUint8Array(e, update));
    for (const conn of this.conns.values()) this.send(conn, data);
    if (origin !== REMOTE) this.deps.relay.publish(this.sessionId, RelayKind.AWARENESS, update);
  }

  private onRelay(kind: RelayKind, payload: Uint8Array): void {
    if (this.destroyed) return;
    try {
      switch (kind) {
        case RelayKind.UPDATE:
          // Frozen here means frozen everywhere: an edit still on its way from another instance came
          // before its freeze, and is kept (every instance saves before it confirms).
          return Y.applyUpdate(this.doc, payload, REMOTE);
        case RelayKind.AWARENESS: {
          // Another instance may not speak for a client id connected here.
          const update = filterAwarenessUpdate(payload, (id) => {
            const owner = this.owners.get(id);
            return owner === undefined || owner === REMOTE;
          });
          if (update) awarenessProtocol.applyAwarenessUpdate(this.awareness, update, REMOTE);
          return;
        }
        case RelayKind.HELLO: {
          const { relay } = this.deps;
          relay.publish(this.sessionId, RelayKind.UPDATE, Y.encodeStateAsUpdate(this.doc, payload));
          relay.publish(this.sessionId, RelayKind.STATE, Y.encodeStateVector(this.doc));
          const mine = [...this.owners].filter(([, o]) => o !== REMOTE).map(([id]) => id);
          if (mine.length > 0) relay.publish(this.sessionId, RelayKind.AWARENESS, awarenessProtocol.encodeAwarenessUpdate(this.awareness, mine));
          return;
        }
        case RelayKind.STATE:
          return this.deps.relay.publish(this.sessionId, RelayKind.UPDATE, Y.encodeStateAsUpdate(this.doc, payload));
      }
    } catch (e) {
      this.deps.logger.error('bad notes frame from another instance', { sessionId: this.sessionId, error: errorMessage(e) });
    }
  }

  private markUnsaved(): void {
    if (this.destroyed) return;
    const { debounceMs, maxDelayMs } = this.deps.timing;
    if (this.dirtySince === null) {
      this.dirtySince = Date.now();
      this.deadlineTimer = setTimeout(() => void this.save(), maxDelayMs);
    }
    clearTimeout(this.debounceTimer);
    this.debounceTimer = setTimeout(() => void this.save(), debounceMs);
  }

  /**
   * Saves unsaved changes, one save at a time. Resolves true when nothing is left unsaved at that
   * point, false when the database failed (a retry is then scheduled; the changes stay in memory).
   */
  async save(): Promise<boolean> {
    while (this.saving) await this.saving;
    if (this.dirtySince === null || this.destroyed) return true;
    this.saving = this.saveOnce();
    try {
      return await this.saving;
    } finally {
      this.saving = null;
    }
  }

  private async saveOnce(): Promise<boolean> {
    clearTimeout(this.debounceTimer);
    clearTimeout(this.deadlineTimer);
    clearTimeout(this.retryTimer);
    const since = this.dirtySince ?? Date.now();
    this.dirtySince = null;
    try {
      const id = await this.deps.store.save(
        this.sessionId,
        this.known,
        (update) => Y.applyUpdate(this.doc, update, STORED),
        () => Y.encodeStateAsUpdate(this.doc)
      );
      this.known = new Set([id]);
      return true;
    } catch (e) {
      this.deps.logger.error('saving notes failed; retrying', { sessionId: this.sessionId, error: errorMessage(e) });
      // Changes made during the failed save are unsaved too; the earliest time stands.
      this.dirtySince = Math.min(since, this.dirtySince ?? since);
      this.retryTimer = setTimeout(() => {
        void this.save().then((ok) => ok && this.deps.settle(this));
      }, this.deps.timing.retryMs);
      return false;
    }
  }

  /** Releases everything; the hub calls this only after a successful save with no connection left. */
  destroy(): void {
    this.destroyed = true;
    clearTimeout(this.debounceTimer);
    clearTimeout(this.deadlineTimer);
    clearTimeout(this.retryTimer);
    this.deps.relay.leave(this.sessionId);
    this.awareness.destroy();
    this.doc.destroy();
  }
}
