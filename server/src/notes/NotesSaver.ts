import * as Y from 'yjs';
import { errorMessage, type Logger } from '../log.ts';
import type { NotesStore } from './NotesStore.ts';
import { FROM_STORAGE } from './origins.ts';

/** When to save: `debounceMs` after the last change, at most `maxDelayMs` after the first unsaved one. */
export interface NotesTiming {
  readonly debounceMs: number;
  readonly maxDelayMs: number;
  /** After a failed save, how long until the next attempt. */
  readonly retryMs: number;
}

export const DEFAULT_NOTES_TIMING: NotesTiming = { debounceMs: 2_000, maxDelayMs: 10_000, retryMs: 5_000 };

/**
 * When and how one open document is saved: debounced after a change, at the latest `maxDelayMs`
 * after the first unsaved one, one save at a time, retried after a failure (the changes stay in
 * memory meanwhile). A save first takes in the rows other instances stored since (so nothing they
 * saved is superseded unseen), then writes the whole document.
 */
export class NotesSaver {
  /** The stored rows whose content the document holds: the rows the next save supersedes. */
  private known: Set<string>;
  private dirtySince: number | null = null;
  private debounceTimer: NodeJS.Timeout | undefined;
  private deadlineTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private saving: Promise<boolean> | null = null;
  private stopped = false;

  constructor(
    private readonly sessionId: string,
    private readonly doc: Y.Doc,
    knownRows: readonly string[],
    private readonly deps: {
      readonly store: NotesStore;
      readonly logger: Logger;
      readonly timing: NotesTiming;
      /** A save that was retried succeeded: the document may close now. */
      readonly retried: () => void;
    }
  ) {
    this.known = new Set(knownRows);
  }

  /** Whether changes wait to be saved. */
  get unsaved(): boolean {
    return this.dirtySince !== null;
  }

  /** A change not yet in Postgres: save soon. */
  markUnsaved(): void {
    if (this.stopped) return;
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
    if (this.dirtySince === null || this.stopped) return true;
    this.saving = this.saveOnce();
    try {
      return await this.saving;
    } finally {
      this.saving = null;
    }
  }

  private async saveOnce(): Promise<boolean> {
    this.clearTimers();
    const since = this.dirtySince ?? Date.now();
    this.dirtySince = null;
    try {
      const id = await this.deps.store.save(
        this.sessionId,
        this.known,
        (update) => Y.applyUpdate(this.doc, update, FROM_STORAGE),
        () => Y.encodeStateAsUpdate(this.doc)
      );
      this.known = new Set([id]);
      return true;
    } catch (e) {
      this.deps.logger.error('saving notes failed; retrying', { sessionId: this.sessionId, error: errorMessage(e) });
      // Changes made during the failed save are unsaved too; the earliest time stands.
      this.dirtySince = Math.min(since, this.dirtySince ?? since);
      this.retryTimer = setTimeout(() => {
        void this.save().then((ok) => ok && this.deps.retried());
      }, this.deps.timing.retryMs);
      return false;
    }
  }

  private clearTimers(): void {
    clearTimeout(this.debounceTimer);
    clearTimeout(this.deadlineTimer);
    clearTimeout(this.retryTimer);
  }

  /** No more saves (the document closed after its last successful one). */
  stop(): void {
    this.stopped = true;
    this.clearTimers();
  }
}
