import { NOTES_PATH, NotesClose, notesDocName } from '@hearth/shared';
import { untrack } from 'svelte';
import { readAuthMessage } from 'y-protocols/auth';
import { messageAuth, WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { isCaretColor } from './caretColor.ts';

/** What the badge says about the notes' link. */
export type NotesLinkState = 'connecting' | 'connected' | 'disconnected';

/** The shared awareness (who is in the notes, and where their caret is). */
export type NotesAwareness = WebsocketProvider['awareness'];

/** Who this clinician is to the others in the notes; null for a reader, who shows no caret. */
export interface NotesUser {
  readonly name: string;
  readonly color: string;
}

/** Another clinician in the notes now, as awareness tells it. */
export interface NotesPeer {
  readonly clientId: number;
  readonly name: string;
  readonly color: string;
}

/** What the page says when the server closes the notes for good, by close code. */
const REFUSALS: Readonly<Record<number, string>> = {
  [NotesClose.UNAUTHENTICATED]: 'your sign-in has ended. Sign in again to see them.',
  [NotesClose.FORBIDDEN]: 'you are no longer on this group’s staff.',
  [NotesClose.BAD_REQUEST]: 'the server could not read a message from this page. Reload to reconnect.'
};

function isPeerUser(value: unknown): value is { name: string; color: string } {
  if (typeof value !== 'object' || value === null) return false;
  const { name, color } = value as Record<string, unknown>;
  return typeof name === 'string' && isCaretColor(color);
}

/**
 * One session's notes document and its y-websocket link (`/yjs/notes:<sessionId>`, authenticated by
 * the login cookie). The document outlives drops: edits made while disconnected stay in it and are
 * merged by the sync exchange on reconnect.
 */
export class NotesLink {
  readonly sessionId: string;
  readonly doc = new Y.Doc();
  readonly #user: NotesUser | null;

  #provider: WebsocketProvider | null = null;
  #status = $state<'connecting' | 'connected' | 'disconnected'>('connecting');
  #synced = $state(false);
  #everSynced = $state(false);
  #online = $state(true);
  #refused = $state<string | null>(null);
  #denied = $state<string | null>(null);
  #unsent = $state(false);
  #peers = $state.raw<readonly NotesPeer[]>([]);

  constructor(sessionId: string, user: NotesUser | null) {
    this.sessionId = sessionId;
    this.#user = user;
  }

  get state(): NotesLinkState {
    if (this.#status === 'connected' && this.#synced) return 'connected';
    if (this.#refused || !this.#online) return 'disconnected';
    // Before the first sync the notes are still arriving; after it, a drop is a disconnection.
    return this.#everSynced ? 'disconnected' : 'connecting';
  }

  /** The document has been in step with the server at least once: the editors may show it. */
  get ready(): boolean {
    return this.#everSynced;
  }

  /** Why the server closed the link for good (4400–4499); null while it may still connect. */
  get refused(): string | null {
    return this.#refused;
  }

  /** Why the server dropped this clinician's changes; null unless it did. */
  get denied(): string | null {
    return this.#denied;
  }

  /** Edits were made here since the link was last in step with the server. */
  get unsent(): boolean {
    return this.#unsent;
  }

  /** The other clinicians whose notes pages are open now. */
  get peers(): readonly NotesPeer[] {
    return this.#peers;
  }

  get awareness(): NotesAwareness {
    if (!this.#provider) throw new Error('The notes link is not open.');
    return this.#provider.awareness;
  }

  /** Opens the link. Call once; pair with close(). Untracked, so an effect calling it runs once. */
  open(): void {
    untrack(() => this.#open());
  }

  #open(): void {
    if (this.#provider) return;
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    // The provider drops the trailing slash and appends `/${roomname}`: wss://host/yjs/notes:<sessionId>.
    const provider = new WebsocketProvider(`${scheme}://${location.host}${NOTES_PATH}`, notesDocName(this.sessionId), this.doc, {
      connect: true
    });
    this.#provider = provider;

    const awareness = provider.awareness;
    if (this.#user) {
      awareness.setLocalStateField('user', { name: this.#user.name, color: this.#user.color });
    } else {
      // A reader has no caret to share and is not announced to the facilitators' editors.
      awareness.setLocalState(null);
    }
    awareness.on('change', this.#onAwareness);

    // The stock handler only logs a refusal; keep the reason so the page can say so.
    provider.messageHandlers[messageAuth] = (_encoder, decoder) => {
      readAuthMessage(decoder, this.doc, (_doc, reason) => {
        // A reader's sync answer is dropped by design; only a writer needs telling.
        if (this.#user) this.#denied = reason || 'The server did not accept your changes to the notes.';
      });
    };
    provider.on('status', ({ status }) => {
      this.#status = status;
    });
    provider.on('sync', (synced) => {
      this.#synced = synced;
      if (synced) {
        this.#everSynced = true;
        this.#unsent = false;
      }
    });
    // 4400–4499: the server decided and the provider has stopped reconnecting.
    provider.on('closed', ({ code }) => {
      this.#refused = REFUSALS[code] ?? 'the server will not open them for this account.';
    });
    this.doc.on('update', this.#onUpdate);

    this.#online = navigator.onLine;
    window.addEventListener('online', this.#onOnline);
    window.addEventListener('offline', this.#onOffline);
    if (!this.#online) provider.disconnect();
  }

  /** Leaves the notes: tells the others this caret is gone, and releases the socket and document. */
  close(): void {
    untrack(() => {
      window.removeEventListener('online', this.#onOnline);
      window.removeEventListener('offline', this.#onOffline);
      this.doc.off('update', this.#onUpdate);
      const provider = this.#provider;
      this.#provider = null;
      if (provider) {
        provider.awareness.off('change', this.#onAwareness);
        provider.destroy();
      }
      this.doc.destroy();
    });
  }

  #onUpdate = (_update: Uint8Array, origin: unknown): void => {
    // Updates from the provider came from the server; anything else was typed here.
    if (origin !== this.#provider && !(this.#status === 'connected' && this.#synced)) this.#unsent = true;
  };

  #onAwareness = (): void => {
    const provider = this.#provider;
    if (!provider) return;
    const peers: NotesPeer[] = [];
    for (const [clientId, state] of provider.awareness.getStates()) {
      if (clientId === this.doc.clientID) continue;
      const user: unknown = state['user'];
      if (isPeerUser(user)) peers.push({ clientId, name: user.name, color: user.color });
    }
    // Awareness changes with every caret move; the list only when someone comes or goes.
    const key = (list: readonly NotesPeer[]) => list.map((p) => `${p.clientId}:${p.name}:${p.color}`).join('|');
    if (key(peers) !== key(this.#peers)) this.#peers = peers;
  };

  /** The socket may not notice a dead network for 30 s; the browser knows at once. */
  #onOffline = (): void => {
    this.#online = false;
    this.#provider?.disconnect();
  };

  #onOnline = (): void => {
    this.#online = true;
    if (!this.#refused) this.#provider?.connect();
  };
}
