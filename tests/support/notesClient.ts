import { GENERAL_SECTION, NotesMessage, notesDocName } from '@hearth/shared';
import * as decoding from 'lib0/decoding';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { waitFor } from './wait.ts';

/**
 * A WebSocket class for the stock WebsocketProvider (its `WebSocketPolyfill` option) that sends the
 * login cookie, as a browser would: the `ws` package, with the Cookie (and optionally Origin) header.
 */
export function cookieWebSocket(headers: { cookie?: string; origin?: string }): typeof globalThis.WebSocket {
  const sent: Record<string, string> = {};
  if (headers.cookie) sent['cookie'] = headers.cookie;
  if (headers.origin) sent['origin'] = headers.origin;
  class CookieWebSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { headers: sent });
    }
  }
  return CookieWebSocket as unknown as typeof globalThis.WebSocket;
}

/** A notes editor as the web app runs it: the stock provider on a Y.Doc, and what it was told. */
export interface NotesClient {
  readonly doc: Y.Doc;
  readonly provider: WebsocketProvider;
  /** Close codes of every connection the server (or the network) ended. */
  readonly closes: number[];
  /** Reasons of every permission-denied message received. */
  readonly denied: string[];
  destroy(): void;
}

/** The notes endpoint's base URL for a server's http URL. */
export const notesUrl = (baseUrl: string) => `${baseUrl.replace(/^http/, 'ws')}/yjs`;

/**
 * Opens a session's notes with the stock y-websocket WebsocketProvider. BroadcastChannel is off:
 * Node has one, and clients in one test process would otherwise sync with each other, not through
 * the server.
 */
export function openNotes(
  baseUrl: string,
  sessionId: string,
  cookie: string | undefined,
  opts: { origin?: string; params?: Record<string, string> } = {}
): NotesClient {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(notesUrl(baseUrl), notesDocName(sessionId), doc, {
    WebSocketPolyfill: cookieWebSocket({ ...(cookie && { cookie }), ...(opts.origin && { origin: opts.origin }) }),
    disableBc: true,
    ...(opts.params && { params: opts.params })
  });
  const closes: number[] = [];
  const denied: string[] = [];
  provider.on('connection-close', (event) => {
    if (event) closes.push(event.code);
  });
  // Observe the permission-denied message, then let the stock handler do what it does with it.
  const stock = provider.messageHandlers[NotesMessage.AUTH]!;
  provider.messageHandlers[NotesMessage.AUTH] = (encoder, decoder, p, emitSynced, type) => {
    const peek = decoding.clone(decoder);
    if (decoding.readVarUint(peek) === 0) denied.push(decoding.readVarString(peek));
    stock(encoder, decoder, p, emitSynced, type);
  };
  return {
    doc,
    provider,
    closes,
    denied,
    destroy() {
      provider.destroy();
      doc.destroy();
    }
  };
}

/** Waits until the provider has synced with the server (bounded). */
export async function synced(client: NotesClient, timeoutMs = 10_000): Promise<void> {
  await waitFor(() => client.provider.synced, timeoutMs, 'notes provider synced');
}

/**
 * The text of a section's first paragraph, made on first use: what an editor types into. Only one
 * client should create it; the others wait for it to arrive.
 */
export function paragraph(doc: Y.Doc, section = GENERAL_SECTION): Y.XmlText | null {
  const first = doc.getXmlFragment(section).get(0);
  if (!(first instanceof Y.XmlElement)) return null;
  const text = first.get(0);
  return text instanceof Y.XmlText ? text : null;
}

/** Creates a section's first paragraph (one empty text run in a `paragraph` element). */
export function createParagraph(doc: Y.Doc, section = GENERAL_SECTION): Y.XmlText {
  const p = new Y.XmlElement('paragraph');
  const text = new Y.XmlText();
  p.insert(0, [text]);
  doc.getXmlFragment(section).insert(0, [p]);
  return text;
}

/** The plain text of a section's first paragraph ('' when there is none). */
export function textOf(doc: Y.Doc, section = GENERAL_SECTION): string {
  return paragraph(doc, section)?.toString() ?? '';
}

/** The whole stored document: all rows of notes_updates for a session, merged into a fresh Y.Doc. */
export function docFromRows(rows: readonly { update: Uint8Array }[]): Y.Doc {
  const doc = new Y.Doc();
  if (rows.length > 0) Y.applyUpdate(doc, Y.mergeUpdates(rows.map((r) => new Uint8Array(r.update))));
  return doc;
}

/**
 * Types `count` characters one keystroke (one update) at a time at random places, yielding to I/O
 * between keystrokes so that several typists interleave. `onKey` runs after each keystroke.
 */
export async function type(text: Y.XmlText, alphabet: string, count: number, onKey?: (n: number) => void): Promise<string> {
  let typed = '';
  for (let i = 0; i < count; i++) {
    const ch = alphabet[i % alphabet.length]!;
    text.insert(Math.floor(Math.random() * (text.length + 1)), ch);
    typed += ch;
    onKey?.(i + 1);
    await new Promise((r) => setImmediate(r));
  }
  return typed;
}

/** Sorted characters: two texts hold the same keystrokes whatever their order. */
export const chars = (s: string) => [...s].sort().join('');

/**
 * Opens a raw `ws` connection to a notes URL and resolves with the HTTP status of the refusal, or
 * 101 when the socket opened (and is closed again at once).
 */
export function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('open', () => {
      resolve(101);
      ws.close();
    });
    ws.once('error', (e) => reject(e));
  });
}
