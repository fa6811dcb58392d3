import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { NotesStore } from '../../server/src/notes/NotesStore.ts';
import type { Db } from '../../server/src/store/Db.ts';
import { migrate } from '../../server/src/store/migrate.ts';
import { STORAGE_ADAPTERS } from '../support/storageAdapters.ts';

/** One instance's copy of a document, saved the way NotesDoc saves it. */
class Copy {
  readonly doc = new Y.Doc();
  known = new Set<string>();
  takenIn = 0;
  constructor(private readonly store: NotesStore, private readonly sessionId: string) {}
  async load(): Promise<this> {
    const stored = await this.store.load(this.sessionId);
    Y.applyUpdate(this.doc, stored.update);
    this.known = new Set(stored.ids);
    return this;
  }
  async save(): Promise<void> {
    const id = await this.store.save(this.sessionId, this.known, (u) => (this.takenIn++, Y.applyUpdate(this.doc, u)), () => Y.encodeStateAsUpdate(this.doc));
    this.known = new Set([id]);
  }
  get text(): string {
    return this.doc.getText('t').toString();
  }
}

/** The notes store's contract, on every adapter. */
describe.each(STORAGE_ADAPTERS)('notes store contract on $name', (adapter) => {
  let db: Db;
  let second: Db;
  let cleanup: () => Promise<void> = async () => undefined;
  let groupId: string;

  const newSession = async () => {
    const id = randomUUID();
    await db.query(`insert into sessions (id, group_id, invite_code, title, status) values ($1, $2, $3, 'Notes', 'scheduled')`, [
      id, groupId, randomBytes(9).toString('base64url')
    ]);
    return id;
  };
  const rowCount = async (sessionId: string) =>
    Number((await db.query<{ n: number }>('select count(*)::int as n from notes_updates where session_id = $1', [sessionId]))[0]?.n);

  beforeAll(async () => {
    ({ db, second, cleanup } = await adapter.open());
    await migrate(db);
    const orgId = randomUUID();
    groupId = randomUUID();
    await db.query(`insert into organizations (id, name) values ($1, 'Notes org')`, [orgId]);
    await db.query(`insert into groups (id, organization_id, name) values ($1, $2, 'Notes group')`, [groupId, orgId]);
  });
  afterAll(async () => {
    await cleanup();
  });

  it('loads nothing as an empty update with no rows, and reads back what it saved as bytes', async () => {
    const store = new NotesStore(db);
    const sessionId = await newSession();
    const empty = await store.load(sessionId);
    expect(empty.ids).toEqual([]);
    expect(empty.update).toBeInstanceOf(Uint8Array);
    const a = await new Copy(store, sessionId).load();
    a.doc.getText('t').insert(0, 'hello');
    await a.save();
    const loaded = await store.load(sessionId);
    // Uint8Array itself, whichever client returned the bytea (the postgres client gives a Buffer).
    expect(loaded.update.constructor).toBe(Uint8Array);
    expect(loaded.ids).toEqual([...a.known]);
    expect((await new Copy(store, sessionId).load()).text).toBe('hello');
  });

  it('compacts: a save takes in the rows it has not seen, writes one row and deletes exactly what it read', async () => {
    const sessionId = await newSession();
    const one = await new Copy(new NotesStore(db), sessionId).load();
    const two = await new Copy(new NotesStore(second), sessionId).load();
    one.doc.getText('t').insert(0, 'one ');
    two.doc.getText('t').insert(0, 'two ');
    await one.save();
    await one.save();
    expect(await rowCount(sessionId)).toBe(1);
    await two.save();
    expect(two.takenIn).toBe(1);
    expect(two.text).toContain('one ');
    expect(await rowCount(sessionId)).toBe(1);
    const merged = await new Copy(new NotesStore(db), sessionId).load();
    expect(merged.text).toBe(two.text);
    // `one` still names a row that is gone: its next save is fine and loses nothing.
    one.doc.getText('t').insert(0, 'three ');
    await one.save();
    const final = await new Copy(new NotesStore(db), sessionId).load();
    expect(final.text).toContain('one ');
    expect(final.text).toContain('two ');
    expect(final.text).toContain('three ');
    expect(await rowCount(sessionId)).toBe(1);
  });

  it('loses nothing when two instances save the same document concurrently, again and again', async () => {
    const sessionId = await newSession();
    const one = await new Copy(new NotesStore(db), sessionId).load();
    const two = await new Copy(new NotesStore(second), sessionId).load();
    for (let i = 0; i < 15; i++) {
      one.doc.getText('t').insert(0, `a${i} `);
      two.doc.getText('t').insert(0, `b${i} `);
      await Promise.all([one.save(), two.save()]);
    }
    const final = await new Copy(new NotesStore(db), sessionId).load();
    for (let i = 0; i < 15; i++) {
      expect(final.text).toContain(`a${i} `);
      expect(final.text).toContain(`b${i} `);
    }
    expect(await rowCount(sessionId)).toBeLessThanOrEqual(2);
  });

  it('fails loudly when the database does, rather than loading an empty document', async () => {
    const broken: Db = { ...db, query: async () => Promise.reject(new Error('connection refused')) };
    await expect(new NotesStore(broken).load(await newSession())).rejects.toThrow('connection refused');
  });
});
