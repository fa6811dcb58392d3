import { NotesClose, NotesMessage, notesDocName } from '@hearth/shared';
import * as encoding from 'lib0/encoding';
import postgres from 'postgres';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createParagraph, docFromRows, notesUrl, openNotes, synced, textOf } from '../support/notesClient.ts';
import { useServerFixture } from '../support/serverFixture.ts';
import { scheduleSession } from '../support/testServer.ts';
import { waitFor } from '../support/wait.ts';

/** A raw notes socket: frames as they are, and how it closed. */
function rawNotes(url: string, cookie: string): Promise<{ ws: WebSocket; closed: Promise<{ code: number; reason: string }> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { cookie } });
    const closed = new Promise<{ code: number; reason: string }>((r) => ws.once('close', (code, reason) => r({ code, reason: reason.toString() })));
    ws.once('open', () => resolve({ ws, closed }));
    ws.once('error', reject);
  });
}

/** Every paragraph of the general section, as its XML. */
const general = (doc: Y.Doc): string => doc.getXmlFragment('general').toString();

/** A y-websocket update message carrying `update`. */
const updateMessage = (update: Uint8Array): Uint8Array => {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, NotesMessage.SYNC);
  syncProtocol.writeUpdate(e, update);
  return encoding.toUint8Array(e);
};

/**
 * Updates that decode but cannot be used — one that depends on changes the server never had (it
 * would stay pending), one that puts another root, text or values where a section is — are refused
 * with 4422 before they are applied, relayed or stored; the editors' own updates keep working.
 */
describe('notes updates are tried before the notes take them', () => {
  const fx = useServerFixture({ NOTES_SAVE_AFTER_SECONDS: '0.2', NOTES_SAVE_WITHIN_SECONDS: '1' });

  it('refuses a pending or misshapen update with 4422, never stores or relays it, and goes on taking good ones', async () => {
    const session = await scheduleSession(fx.server.url, fx.cookies.a);
    const url = `${notesUrl(fx.server.url)}/${notesDocName(session.id)}`;
    const alex = openNotes(fx.server.url, session.id, fx.cookies.a);
    const sam = openNotes(fx.server.url, session.id, fx.cookies.b);
    await Promise.all([synced(alex), synced(sam)]);
    createParagraph(alex.doc).insert(0, 'Opened with a round.');
    await waitFor(() => textOf(sam.doc) === 'Opened with a round.', 5000, 'the first line at Sam');

    // Built elsewhere: a paragraph, then text typed into it. Sent alone, the text depends on a paragraph the server never had.
    const elsewhere = new Y.Doc();
    const text = createParagraph(elsewhere);
    const before = Y.encodeStateVector(elsewhere);
    text.insert(0, 'stranded words');
    const dependent = Y.encodeStateAsUpdate(elsewhere, before);
    // Another root; text straight in a section; keyed values in a section; a section name that is not one.
    const shaped = (build: (d: Y.Doc) => void) => {
      const d = new Y.Doc();
      build(d);
      return Y.encodeStateAsUpdate(d);
    };
    const refused = {
      pending: dependent,
      otherRoot: shaped((d) => d.getMap('settings').set('admin', true)),
      textInSection: shaped((d) => d.getText('general').insert(0, 'raw text')),
      mapInSection: shaped((d) => d.getMap('member:abc').set('k', 1)),
      badSectionName: shaped((d) => d.getXmlFragment('member:../../x').insert(0, [new Y.XmlElement('paragraph')]))
    };
    for (const [name, update] of Object.entries(refused)) {
      const raw = await rawNotes(url, fx.cookies.a);
      raw.ws.send(updateMessage(update));
      const closed = await raw.closed;
      expect(closed.code, name).toBe(NotesClose.UNUSABLE_UPDATE);
      expect(closed.reason.length, name).toBeGreaterThan(0);
    }

    // The editors are untouched and keep editing; nothing of the refused updates reached them.
    expect(alex.closes).toEqual([]);
    createParagraph(sam.doc).insert(0, 'Closed with breathing.');
    await waitFor(() => general(alex.doc).includes('Closed with breathing.'), 5000, 'a later edit at Alex');
    for (const c of [alex, sam]) {
      expect(c.doc.store.pendingStructs).toBeNull();
      expect(general(c.doc)).not.toContain('stranded');
      expect([...c.doc.share.keys()].filter((k) => k !== 'general')).toEqual([]);
    }

    // Saved: what is stored has the good lines, nothing pending, no other root.
    const sql = postgres(fx.databaseUrl, { max: 1, onnotice: () => undefined });
    try {
      await waitFor(async () => general(docFromRows(await sql<{ update: Uint8Array }[]>`select update from notes_updates where session_id = ${session.id} order by id`)).includes('Closed with breathing.'), 10_000, 'the notes saved');
      const stored = docFromRows(await sql<{ update: Uint8Array }[]>`select update from notes_updates where session_id = ${session.id} order by id`);
      expect(stored.store.pendingStructs).toBeNull();
      expect(stored.store.pendingDs).toBeNull();
      expect(general(stored)).not.toContain('stranded');
      expect(general(stored)).toContain('Opened with a round.');
      expect(stored.getMap('settings').size).toBe(0);
    } finally {
      await sql.end();
    }

    // A fresh client loads notes with nothing pending.
    const fresh = openNotes(fx.server.url, session.id, fx.cookies.a);
    await synced(fresh);
    expect(fresh.doc.store.pendingStructs).toBeNull();
    expect(general(fresh.doc)).toContain('Opened with a round.');
    // Positive control: the paragraph sent first, then the text, is taken.
    const raw = await rawNotes(url, fx.cookies.a);
    raw.ws.send(updateMessage(Y.encodeStateAsUpdate(elsewhere)));
    await waitFor(() => general(fresh.doc).includes('stranded words'), 5000, 'the whole update at a client');
    raw.ws.close();
    for (const c of [alex, sam, fresh]) c.destroy();
  });
});
