import { NOTES_FROZEN_REASON, NotesClose, type SessionSummary } from '@hearth/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { RunningServer } from '../../server/src/app.ts';
import { createLogger } from '../../server/src/log.ts';
import { NotesHub } from '../../server/src/notes/NotesHub.ts';
import { NotesNotSavedError, busRelay, notesChannel } from '../../server/src/notes/NotesRelay.ts';
import { RECONNECT_MAX_DELAY_MS, RedisBus, redisClient } from '../../server/src/redis/RedisBus.ts';
import { dropProbe, redisProbe, shardSubscribers } from '../support/redisProbe.ts';
import { NotesStore } from '../../server/src/notes/NotesStore.ts';
import { api, login } from '../support/boardClient.ts';
import { chars, createParagraph, docFromRows, openNotes, paragraph, synced, textOf, type, type NotesClient } from '../support/notesClient.ts';
import { freePort, redisFaultSuite, startOwnRedis, type OwnRedis } from '../support/ownRedis.ts';
import { REDIS_URL, createTestDatabase, type TestDatabase } from '../support/services.ts';
import { DEMO_PASSWORD, FACILITATOR_B, demoLogins, scheduleSession, startTestServer } from '../support/testServer.ts';
import { waitFor } from '../support/wait.ts';

/** Two server instances on one Postgres and one Redis, a facilitator on each. */
describe('notes across two instances', () => {
  let db: TestDatabase;
  let one: RunningServer;
  let two: RunningServer;
  let cookies: { a: string; b: string; supervisor: string };
  let session: SessionSummary;
  const clients: NotesClient[] = [];
  const open = (server: RunningServer, cookie: string) => {
    const c = openNotes(server.url, session.id, cookie);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    one = await startTestServer({ DATABASE_URL: db.url, REDIS_URL });
    two = await startTestServer({ DATABASE_URL: db.url, REDIS_URL });
    cookies = await demoLogins(one.url);
    session = await scheduleSession(one.url, cookies.a);
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await one?.close();
    await two?.close();
    await db?.drop();
  });

  it('relays edits and awareness through Redis: concurrent typing on two instances converges', async () => {
    const a = open(one, cookies.a);
    const b = open(two, cookies.b);
    await Promise.all([synced(a), synced(b)]);
    a.provider.awareness.setLocalStateField('user', { name: 'Alex' });
    await waitFor(() => b.provider.awareness.getStates().get(a.doc.clientID)?.['user'], 5000, 'A\'s awareness at B');
    createParagraph(a.doc);
    const textB = await waitFor(() => paragraph(b.doc), 5000, 'the paragraph at B');
    const [typedA, typedB] = await Promise.all([type(paragraph(a.doc)!, 'abcdefghij', 200), type(textB, 'KLMNOPQRST', 200)]);
    await waitFor(() => textOf(a.doc).length === 400 && textOf(a.doc) === textOf(b.doc), 10_000, 'both texts equal');
    expect(chars(textOf(b.doc))).toBe(chars(typedA + typedB));
  });

  it('freezes the notes for the record: text typed on B and not yet saved is in what A reads, and nothing is taken after', async () => {
    const fresh = await scheduleSession(one.url, cookies.a);
    const b = openNotes(two.url, fresh.id, cookies.b);
    clients.push(b);
    await synced(b);
    const stored = async () => textOf(docFromRows([{ update: (await new NotesStore(one.db).load(fresh.id)).update }]));
    // B types; instance two holds it, unsaved (its debounce is seconds away). Instance one does not hold the document.
    const typed = 'Maple named a plan for the weekend';
    paragraph(b.doc) ?? createParagraph(b.doc);
    paragraph(b.doc)!.insert(0, typed);
    await waitFor(() => two.notes.isOpen(fresh.id), 5000, 'the document open on instance two');
    expect(one.notes.isOpen(fresh.id)).toBe(false);
    await waitFor(async () => {
      // The edit has reached instance two (a new reader there sees it) but not Postgres.
      const probe = openNotes(two.url, fresh.id, cookies.a);
      clients.push(probe);
      await synced(probe);
      const seen = textOf(probe.doc) === typed;
      probe.destroy();
      return seen;
    }, 5000, 'the edit on instance two');
    expect(await stored()).toBe('');

    // The draft is taken on instance one: instance two freezes and saves before it resolves.
    await one.notes.freeze(fresh.id, null);
    expect(await stored()).toBe(typed);

    // Frozen: B's next edit is refused and never stored, on any instance.
    paragraph(b.doc)!.insert(typed.length, ' (added after)');
    await waitFor(() => b.denied.length > 0, 5000, 'the refusal of the edit made after the freeze');
    expect(b.denied.at(-1)).toBe(NOTES_FROZEN_REASON);
    const later = openNotes(one.url, fresh.id, cookies.a);
    clients.push(later);
    await synced(later);
    expect(textOf(later.doc)).toBe(typed);
    expect(await stored()).toBe(typed);
  });

  it('fails the freeze with NotesNotSavedError when an instance holding the notes does not answer', async () => {
    const fresh = await scheduleSession(one.url, cookies.a);
    // Something that holds the document's channel but never answers: an instance hung mid-save.
    const silent = await redisProbe(REDIS_URL);
    await silent.sSubscribe(`hearth:${notesChannel(fresh.id)}`, () => undefined);
    try {
      await expect(one.notes.freeze(fresh.id, null)).rejects.toBeInstanceOf(NotesNotSavedError);
    } finally {
      dropProbe(silent);
    }
  });

  it('a logout on one instance closes that login\'s notes connection on the other at once', async () => {
    const cookie = await login(one.url, FACILITATOR_B, DEMO_PASSWORD);
    const c = open(two, cookie);
    await synced(c);
    expect((await api(one.url, '/auth/logout', { cookie, body: {} })).status).toBeLessThan(300);
    await waitFor(() => c.closes.includes(NotesClose.UNAUTHENTICATED), 5000, 'close 4401 from the other instance');
  });
});

/**
 * The relay between instances on its own: hubs on one database whose saves are a minute away, so
 * only Redis can bring their documents together. A document opened on a second instance gets the
 * first one's unsaved changes (HELLO), and after a Redis outage both catch up on what they missed.
 *
 * The bounds follow from the relay: catching a fresh copy up takes no timer, only connecting to a
 * running Redis and one HELLO/UPDATE exchange (milliseconds; 5 s leaves room for a loaded machine).
 * After Redis is back, each connection retries at most RECONNECT_MAX_DELAY_MS apart, then the same
 * exchange follows: the wait is that delay plus the same 5 s.
 */
describe.skipIf(!redisFaultSuite('the notes relay through a Redis outage'))('the notes relay through a Redis outage', () => {
  let server: RunningServer;
  let redis: OwnRedis;
  let cookie: string;
  const hubs: NotesHub[] = [];
  const logger = createLogger('silent');
  const slow = { debounceMs: 60_000, maxDelayMs: 60_000, retryMs: 60_000 };
  const EXCHANGE_MS = 5000;

  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startTestServer({ DATABASE_URL: db.url });
    cookie = (await demoLogins(server.url)).a;
    redis = await startOwnRedis(await freePort());
  });
  const buses: RedisBus[] = [];
  afterAll(async () => {
    await Promise.all(hubs.map((h) => h.close(NotesClose.GOING_AWAY)));
    await Promise.all(buses.map((b) => b.close()));
    await redis?.kill9();
    await server?.close();
    await db?.drop();
  });

  /** One instance's notes: a hub on the shared database, relaying through its own bus. */
  const hub = (bus = RedisBus.open(redis.url, { prefix: 'hearth:', logger })) => {
    buses.push(bus);
    const h = new NotesHub({ store: new NotesStore(server.db), relay: busRelay(bus, logger), logger, timing: slow });
    hubs.push(h);
    return h;
  };
  const text = (doc: Y.Doc) => doc.getText('t').toString();

  it('catches up a copy whose publishing connection comes up only after its subscription', async () => {
    const { id } = await scheduleSession(server.url, cookie);
    const first = await hub().acquire(id);
    first.doc.getText('t').insert(0, 'before the second; ');
    // The second instance subscribes while its command connection (which publishes) is still down,
    // so its first HELLO is dropped.
    const late = {
      commands: redisClient(redis.url, 'late-commands', logger, { failFast: true }),
      subscriber: redisClient(redis.url, 'subscriber', logger, { failFast: false })
    };
    await late.subscriber.connect();
    const second = await hub(new RedisBus(late, { prefix: 'hearth:', logger })).acquire(id);
    const probe = await redisProbe(redis.url);
    await waitFor(async () => (await shardSubscribers(probe, `hearth:${notesChannel(id)}`)) === 2, EXCHANGE_MS, 'both copies subscribed');
    probe.destroy();
    // Replies on one connection come in order: once this ping is answered, the subscription's own
    // answer has been handled and its HELLO attempted.
    await late.subscriber.ping();
    expect(late.commands.isOpen).toBe(false);
    await late.commands.connect();
    await waitFor(() => text(second.doc) === 'before the second; ', EXCHANGE_MS, 'the first copy\'s change on the second');
  });

  it('catches a newly opened copy up, and both copies up after Redis comes back', async () => {
    const { id } = await scheduleSession(server.url, cookie);
    const first = await hub().acquire(id);
    first.doc.getText('t').insert(0, 'unsaved on one; ');
    const second = await hub().acquire(id);
    await waitFor(() => text(second.doc) === 'unsaved on one; ', EXCHANGE_MS, 'the unsaved change on the second instance');
    expect(first.unsaved).toBe(true);

    await redis.kill9();
    first.doc.getText('t').insert(0, 'one while down; ');
    second.doc.getText('t').insert(text(second.doc).length, 'two while down;');
    expect(text(first.doc)).not.toBe(text(second.doc));
    redis = await startOwnRedis(redis.port);
    await waitFor(
      () => text(first.doc) === text(second.doc) && text(first.doc).length > 40,
      RECONNECT_MAX_DELAY_MS + EXCHANGE_MS,
      'both copies equal after Redis is back'
    );
    for (const part of ['unsaved on one; ', 'one while down; ', 'two while down;']) expect(text(first.doc)).toContain(part);
  });
});
