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
import { RelayKind, type NotesRelay } from './NotesRelay.ts';
import { NotesSaver, type NotesTiming } from './NotesSaver.ts';
import type { NotesStore, StoredNotes } from './NotesStore.ts';
import { FROM_RELAY, FROM_STORAGE, originOf, type NotesOrigin } from './origins.ts';
import { UpdateTrial } from './UpdateTrial.ts';

export { DEFAULT_NOTES_TIMING, type NotesTiming } from './NotesSaver.ts';

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

/** A connection's changes carry it as their transaction origin. */
const connectionOrigin = new WeakMap<NotesConnection, NotesOrigin>();
const originFor = (conn: NotesConnection): NotesOrigin => {
  let origin = connectionOrigin.get(conn);
  if (!origin) connectionOrigin.set(conn, (origin = { source: 'connection', conn }));
  return origin;
};

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
 * One session's notes document open on this instance: the Y.Doc and its awareness, and the
 * connections editing or reading it. Speaks the y-websocket protocol: on open the server sends sync
 * step 1 (read-write connections only) and the awareness states; it answers sync step 1 with step 2;
 * it applies step 2 and updates from read-write connections and sends them to every other
 * connection. Saving is the NotesSaver's, catching up with other instances the relay's; every change
 * carries where it came from (a connection, the relay, storage), which decides what else it needs.
 */
export class NotesDoc {
  readonly doc = new Y.Doc();
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  private readonly conns = new Map<WebSocket, NotesConnection>();
  /** Who controls each awareness client id: a connection here, or another instance. */
  private readonly owners = new Map<number, NotesConnection | 'relay'>();
  private readonly saver: NotesSaver;
  /** Where each editor's update is tried before the document takes it. */
  private readonly trial: UpdateTrial;
  private destroyed = false;
  /** Frozen for the record: every connection reads only, whoever it is. */
  private frozen = false;

  constructor(readonly sessionId: string, stored: StoredNotes, private readonly deps: NotesDocDeps) {
    // Only a document whose stored state loaded is ever constructed: there is no empty default.
    Y.applyUpdate(this.doc, stored.update, FROM_STORAGE);
    this.frozen = stored.frozen;
    this.trial = new UpdateTrial(this.doc);
    this.saver = new NotesSaver(sessionId, this.doc, stored.ids, { ...deps, retried: () => deps.settle(this) });
    this.awareness.setLocalState(null);
    this.doc.on('update', (update: Uint8Array, origin: unknown) => this.onUpdate(update, origin));
    this.awareness.on('update', (change: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) =>
      this.onAwareness(change, origin)
    );
    deps.relay.join(sessionId, {
      doc: this.doc,
      onAwareness: (update) => this.onRelayedAwareness(update),
      ownAwareness: () => {
        const mine = [...this.owners].filter(([, o]) => o !== 'relay').map(([id]) => id);
        return mine.length > 0 ? awarenessProtocol.encodeAwarenessUpdate(this.awareness, mine) : null;
      },
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
    return this.saver.unsaved;
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
          if (update) awarenessProtocol.applyAwarenessUpdate(this.awareness, update, originFor(conn));
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
    // Tried first: an update that would leave structures pending or break the sections is never
    // applied, relayed or stored, and the connection that sent it is closed.
    const problem = this.trial.try(update);
    if (problem) {
      this.deps.logger.info('notes update refused', { sessionId: this.sessionId, problem });
      conn.ws.close(NotesClose.UNUSABLE_UPDATE, problem.slice(0, 120));
      return;
    }
    Y.applyUpdate(this.doc, update, originFor(conn));
  }

  private onUpdate(update: Uint8Array, origin: unknown): void {
    const from = originOf(origin);
    // A connection's update is in the trial's copy already; what came from elsewhere is added to it.
    if (from?.source !== 'connection') this.trial.follow(update);
    const data = message(NotesMessage.SYNC, (e) => syncProtocol.writeUpdate(e, update));
    for (const conn of this.conns.values()) if (from?.source !== 'connection' || from.conn !== conn) this.send(conn, data);
    // A connection's change goes to the other instances too; what came from them or from storage does not.
    if (from?.source === 'connection') this.deps.relay.publish(this.sessionId, RelayKind.UPDATE, update);
    // Another instance's changes are saved here too: whichever instance lives on has them in Postgres.
    if (from?.source !== 'storage') this.saver.markUnsaved();
  }

  private onAwareness({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown): void {
    if (this.destroyed) return;
    const from = originOf(origin);
    const owner = from?.source === 'relay' ? 'relay' : from?.source === 'connection' && this.conns.has(from.conn.ws) ? from.conn : null;
    for (const id of [...added, ...updated]) if (owner) this.owners.set(id, owner);
    for (const id of removed) this.owners.delete(id);
    const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...added, ...updated, ...removed]);
    // To every connection, the sender included: the stock client's watchdog counts its own echo as life.
    const data = message(NotesMessage.AWARENESS, (e) => encoding.writeVarUint8Array(e, update));
    for (const conn of this.conns.values()) this.send(conn, data);
    if (from?.source !== 'relay') this.deps.relay.publish(this.sessionId, RelayKind.AWARENESS, update);
  }

  /** Awareness from another instance: it may not speak for a client id connected here. */
  private onRelayedAwareness(payload: Uint8Array): void {
    if (this.destroyed) return;
    const update = filterAwarenessUpdate(payload, (id) => {
      const owner = this.owners.get(id);
      return owner === undefined || owner === 'relay';
    });
    if (update) awarenessProtocol.applyAwarenessUpdate(this.awareness, update, FROM_RELAY);
  }

  /**
   * Saves unsaved changes, one save at a time. Resolves true when nothing is left unsaved at that
   * point, false when the database failed (a retry is then scheduled; the changes stay in memory).
   */
  save(): Promise<boolean> {
    return this.destroyed ? Promise.resolve(true) : this.saver.save();
  }

  /** Releases everything; the hub calls this only after a successful save with no connection left. */
  destroy(): void {
    this.destroyed = true;
    this.saver.stop();
    this.deps.relay.leave(this.sessionId);
    this.awareness.destroy();
    this.trial.destroy();
    this.doc.destroy();
  }
}
