import type { Logger } from '../log.ts';
import { NotesDoc, type NotesTiming } from './NotesDoc.ts';
import type { NotesRelay } from './NotesRelay.ts';
import type { NotesStore } from './NotesStore.ts';

interface Entry {
  readonly doc: NotesDoc;
  /** Acquisitions not yet released: open connections, and upgrades between load and handshake. */
  holds: number;
}

/**
 * The notes documents open on this instance. A document is loaded on its first connection (every
 * connection waiting on one load), kept while anyone holds it, saved when the last one leaves, and
 * closed once that save succeeded. A load that fails creates nothing: the next connection loads again.
 */
export class NotesHub {
  private readonly open = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<void>>();
  private stopped = false;

  constructor(private readonly deps: { store: NotesStore; relay: NotesRelay; logger: Logger; timing: NotesTiming }) {}

  /** The open document of a session, loading it first if need be. Throws when loading fails. Pair with release(). */
  async acquire(sessionId: string): Promise<NotesDoc> {
    for (;;) {
      if (this.stopped) throw new Error('notes are closing');
      const entry = this.open.get(sessionId);
      if (entry) {
        entry.holds++;
        return entry.doc;
      }
      let loading = this.loading.get(sessionId);
      if (!loading) {
        loading = this.load(sessionId).finally(() => this.loading.delete(sessionId));
        this.loading.set(sessionId, loading);
      }
      await loading;
    }
  }

  private async load(sessionId: string): Promise<void> {
    const stored = await this.deps.store.load(sessionId);
    const doc = new NotesDoc(sessionId, stored, { ...this.deps, settle: (d) => void this.settle(d) });
    this.open.set(sessionId, { doc, holds: 0 });
  }

  /** Gives back what acquire() gave. The connection's own close does this for attached connections. */
  release(doc: NotesDoc): void {
    const entry = this.open.get(doc.sessionId);
    if (!entry || entry.doc !== doc) return;
    entry.holds--;
    if (entry.holds <= 0) void this.settle(doc);
  }

  /** Closes a document nobody holds, once its changes are saved. A failed save keeps it open (and retrying). */
  private async settle(doc: NotesDoc): Promise<void> {
    const isIdle = () => {
      const entry = this.open.get(doc.sessionId);
      return entry?.doc === doc && entry.holds <= 0 && doc.connections === 0;
    };
    // Changes relayed from another instance may arrive during the save: save again before closing.
    while (isIdle()) {
      if (!(await doc.save())) return;
      if (isIdle() && !doc.unsaved) {
        this.open.delete(doc.sessionId);
        doc.destroy();
        return;
      }
    }
  }

  /** Documents open here. */
  docs(): IterableIterator<NotesDoc> {
    return [...this.open.values()].map((e) => e.doc)[Symbol.iterator]();
  }

  /**
   * Freezes a session's document if it is open (or opening) here, and saves it. Resolves false when
   * the save failed. The caller has recorded the freeze first, so a document loaded later loads frozen.
   */
  async freezeHere(sessionId: string): Promise<boolean> {
    await this.loading.get(sessionId)?.catch(() => undefined);
    return (await this.open.get(sessionId)?.doc.freeze()) ?? true;
  }

  /**
   * Shutdown: closes every connection (1001, so clients reconnect, to another instance if there is
   * one), saves every document and closes it. Resolves false if some document could not be saved.
   */
  async close(closeCode: number): Promise<boolean> {
    this.stopped = true;
    await Promise.allSettled(this.loading.values());
    const docs = [...this.open.values()].map((e) => e.doc);
    for (const doc of docs) doc.closeAll(closeCode, 'server shutting down');
    const saved = await Promise.all(docs.map(async (doc) => (await doc.save()) || (await doc.save())));
    for (const doc of docs) doc.destroy();
    this.open.clear();
    return saved.every(Boolean);
  }
}
