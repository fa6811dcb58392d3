import { randomUUID } from 'node:crypto';
import { ErrorCode, MAX_COMMAND_BYTES, type CommandResult, type JoinResult, type SessionSummary, type WireError } from '@hearth/shared';
import { describe, expect, it } from 'vitest';
import { api, emitAck, recordEvents } from '../support/boardClient.ts';
import { boardAt, emitRaw, emitRawAck, nextEvent, writeRawFrame } from '../support/probes.ts';
import { useServerFixture } from '../support/serverFixture.ts';
import { DEMO_PASSWORD, demoGroup, joinAsMember, personalCode, scheduleSession } from '../support/testServer.ts';
import { waitFor } from '../support/wait.ts';

type ErrorBody = { error: { code: string; message: string } };

/**
 * Bad input on the live board and the API: each bad message gets a clear error (or its connection
 * is closed), the server keeps serving everyone else, and the board is exactly as it was.
 */
describe('bad input', () => {
  const fx = useServerFixture();
  const open = fx.open;

  /** A live session with facilitator A's socket joined, and the board as a fresh join sees it. */
  const liveBoard = async () => {
    const session = await scheduleSession(fx.server.url, fx.cookies.a);
    const a = await open({ cookie: fx.cookies.a });
    expect((await emitAck(a, 'join', { sessionId: session.id })).ok).toBe(true);
    expect(await emitAck(a, 'command', { sessionId: session.id, id: 'start', command: { type: 'session.start' } })).toMatchObject({ ok: true });
    const before = await boardAt(fx.server.url, { cookie: fx.cookies.a }, session.id);
    return { session, a, before };
  };

  /**
   * The server still answers, and the bad input changed nothing: a fresh join sees the same seq and
   * state as before, and then a valid command is applied at the next seq.
   */
  const assertUnchangedAndServing = async (session: SessionSummary, before: { seq: number; state: unknown }) => {
    const after = await boardAt(fx.server.url, { cookie: fx.cookies.a }, session.id);
    expect(after.seq).toBe(before.seq);
    expect(after.state).toEqual(before.state);
    const b = await open({ cookie: fx.cookies.b });
    expect((await emitAck(b, 'join', { sessionId: session.id })).ok).toBe(true);
    const ok = await emitAck(b, 'command', { sessionId: session.id, id: `probe-${randomUUID()}`, command: { type: 'item.start', itemId: 'a1' } });
    expect(ok).toMatchObject({ ok: true, seq: before.seq + 1 });
  };

  const expectError = (res: unknown, code: string) => {
    expect(res, JSON.stringify(res)).toMatchObject({ ok: false, error: { code } });
    const message = (res as { error: WireError }).error.message;
    expect(typeof message).toBe('string');
    expect(message.length).toBeGreaterThan(0);
  };

  describe('on the /board socket', () => {
    it('answers payloads that are not objects, or no payload at all, with BAD_REQUEST', async () => {
      const { session, a, before } = await liveBoard();
      for (const event of ['join', 'command', 'leave']) {
        for (const args of [['hello'], [42], [null], [true], [[session.id]], []]) {
          expectError(await emitRawAck(a, event, args), ErrorCode.BAD_REQUEST);
        }
      }
      await assertUnchangedAndServing(session, before);
    });

    it('answers missing fields with BAD_REQUEST', async () => {
      const { session, a, before } = await liveBoard();
      expectError(await emitRawAck(a, 'join', [{}]), ErrorCode.BAD_REQUEST);
      expectError(await emitRawAck(a, 'leave', [{}]), ErrorCode.BAD_REQUEST);
      expectError(await emitRawAck(a, 'command', [{ sessionId: session.id }]), ErrorCode.BAD_REQUEST);
      expectError(await emitRawAck(a, 'command', [{ id: 'x1', command: { type: 'item.start', itemId: 'a1' } }]), ErrorCode.BAD_REQUEST);
      expectError(await emitRawAck(a, 'command', [{ sessionId: session.id, command: { type: 'item.start', itemId: 'a1' } }]), ErrorCode.BAD_REQUEST);
      // A command with no body, or a body with no type, is malformed — not a command of a newer protocol.
      expectError(await emitRawAck(a, 'command', [{ sessionId: session.id, id: 'x2' }]), ErrorCode.BAD_REQUEST);
      expectError(await emitRawAck(a, 'command', [{ sessionId: session.id, id: 'x3', command: {} }]), ErrorCode.BAD_REQUEST);
      expectError(await emitRawAck(a, 'command', [{ sessionId: session.id, id: 'x4', command: 'item.next' }]), ErrorCode.BAD_REQUEST);
      // A known command missing its own fields.
      expectError(await emitRawAck(a, 'command', [{ sessionId: session.id, id: 'x5', command: { type: 'item.start' } }]), ErrorCode.BAD_REQUEST);
      expectError(
        await emitRawAck(a, 'command', [{ sessionId: session.id, id: 'x6', command: { type: 'agenda.add', item: { itemId: 'z', title: 'Z' } } }]),
        ErrorCode.BAD_REQUEST
      );
      await assertUnchangedAndServing(session, before);
    });

    it('refuses unknown keys in the message and in the command', async () => {
      const { session, a, before } = await liveBoard();
      expectError(await emitRawAck(a, 'join', [{ sessionId: session.id, role: 'facilitator' }]), ErrorCode.BAD_REQUEST);
      expectError(await emitRawAck(a, 'leave', [{ sessionId: session.id, all: true }]), ErrorCode.BAD_REQUEST);
      expectError(
        await emitRawAck(a, 'command', [{ sessionId: session.id, id: 'k1', command: { type: 'item.next' }, actor: { role: 'facilitator' } }]),
        ErrorCode.BAD_REQUEST
      );
      expectError(
        await emitRawAck(a, 'command', [{ sessionId: session.id, id: 'k2', command: { type: 'item.start', itemId: 'a1', force: true } }]),
        ErrorCode.BAD_REQUEST
      );
      expectError(
        await emitRawAck(a, 'command', [{ sessionId: session.id, id: 'k3', command: JSON.parse('{"type":"item.next","__proto__":{"admin":true}}') }]),
        ErrorCode.BAD_REQUEST
      );
      // None of the refused ids was recorded: reusing one now applies the command.
      expect(await emitAck(a, 'command', { sessionId: session.id, id: 'k2', command: { type: 'item.start', itemId: 'a1' } })).toMatchObject({
        ok: true,
        duplicate: false,
        seq: before.seq + 1
      });
    });

    it('refuses wrong field types: a session id that is no uuid, an id with spaces, a numeric item id', async () => {
      const { session, a, before } = await liveBoard();
      const bad: unknown[][] = [
        ['join', { sessionId: 'not-a-uuid' }],
        ['join', { sessionId: 42 }],
        ['join', { sessionId: `${session.id} ` }],
        ['join', { sessionId: session.id, lastSeq: -1 }],
        ['join', { sessionId: session.id, lastSeq: 1.5 }],
        ['join', { sessionId: session.id, lastSeq: '3' }],
        ['leave', { sessionId: ['x'] }],
        ['command', { sessionId: 'nope', id: 'w1', command: { type: 'item.next' } }],
        ['command', { sessionId: session.id, id: 'has spaces', command: { type: 'item.next' } }],
        ['command', { sessionId: session.id, id: '', command: { type: 'item.next' } }],
        ['command', { sessionId: session.id, id: 'x'.repeat(65), command: { type: 'item.next' } }],
        ['command', { sessionId: session.id, id: 7, command: { type: 'item.next' } }],
        ['command', { sessionId: session.id, id: 'w2', command: { type: 'item.start', itemId: 1 } }],
        ['command', { sessionId: session.id, id: 'w3', command: { type: 'item.start', itemId: 'a 1' } }],
        ['command', { sessionId: session.id, id: 'w4', command: { type: 'item.extend', itemId: 'a1', minutes: '5' } }],
        ['command', { sessionId: session.id, id: 'w5', command: { type: 'item.extend', itemId: 'a1', minutes: 1e9 } }],
        ['command', { sessionId: session.id, id: 'w6', command: { type: 'agenda.set_guidance', itemId: 'a1', guidance: null } }],
        ['command', { sessionId: session.id, id: 'w7', command: { type: 'agenda.reorder', itemIds: 'a1,a2,a3' } }]
      ];
      for (const [event, payload] of bad) {
        const res = await emitRawAck(a, event as string, [payload]);
        expectError(res, ErrorCode.BAD_REQUEST);
      }
      await assertUnchangedAndServing(session, before);
    });

    it('answers an unknown command type with UNKNOWN_COMMAND', async () => {
      const { session, a, before } = await liveBoard();
      for (const type of ['session.delete', 'ITEM.START', '__proto__', 'constructor', 'toString', 'x'.repeat(5000)]) {
        const res = await emitRawAck(a, 'command', [{ sessionId: session.id, id: 'u1', command: { type } }]);
        expectError(res, ErrorCode.UNKNOWN_COMMAND);
        // The echo of a client's string in the message is bounded.
        expect((res as { error: WireError }).error.message.length).toBeLessThan(200);
      }
      await assertUnchangedAndServing(session, before);
    });

    it('answers binary attachments with a short BAD_REQUEST that says what was wrong, not what the runtime holds', async () => {
      const { session, a, before } = await liveBoard();
      // Every name a Buffer or a typed array has: none may reach a message, quoted as a key or (the
      // camel-case ones, which are no English words) anywhere.
      const runtimeNames = [...new Set([Buffer.prototype, Uint8Array.prototype, Object.getPrototypeOf(Uint8Array.prototype)].flatMap((p) => Object.getOwnPropertyNames(p)))];
      const leaked = (message: string) => runtimeNames.filter((n) => message.includes(`"${n}"`) || (/[A-Z0-9]/.test(n) && message.includes(n)));
      const bytes = (n: number) => Buffer.alloc(n, 7);
      const cases: [string, unknown][] = [
        ['join', bytes(5)],
        ['join', bytes(0)],
        ['leave', bytes(64)],
        ['command', bytes(5)],
        ['command', bytes(0)],
        ['command', new Uint8Array(300)],
        ['command', { sessionId: session.id, id: 'bin1', command: bytes(5) }],
        ['command', { sessionId: session.id, id: 'bin2', command: { type: 'item.start', itemId: bytes(3) } }],
        ['command', { sessionId: session.id, id: 'bin3', command: { type: 'agenda.add', item: bytes(0) } }],
        ['command', { sessionId: bytes(36), id: 'bin5', command: { type: 'item.next' } }],
        ['join', { sessionId: session.id, lastSeq: bytes(1) }],
        ['command', { sessionId: session.id, id: 'bin6', command: { type: 'agenda.reorder', itemIds: ['a1', bytes(1)] } }]
      ];
      for (const [event, payload] of cases) {
        const res = await emitRawAck(a, event, [payload]);
        const label = `${event} ${JSON.stringify(payload).slice(0, 80)}`;
        expectError(res, ErrorCode.BAD_REQUEST);
        const { message } = (res as { error: WireError }).error;
        expect(message.length, `${label}: ${message}`).toBeLessThanOrEqual(200);
        expect(message, label).not.toMatch(/Buffer|Uint8Array|received object/);
        expect(leaked(message), `${label}: ${message}`).toEqual([]);
        expect(message, label).toMatch(/binary/);
      }
      await assertUnchangedAndServing(session, before);
    });

    it('keeps a validation message short however many or long the unknown keys', async () => {
      const { session, a, before } = await liveBoard();
      const many = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`key${i}`, i]));
      const long = { ['k'.repeat(5000)]: 1, sessionId: session.id };
      for (const payload of [many, long, { sessionId: session.id, ...many }]) {
        const res = await emitRawAck(a, 'join', [payload]);
        expectError(res, ErrorCode.BAD_REQUEST);
        const { message } = (res as { error: WireError }).error;
        expect(message.length, message).toBeLessThanOrEqual(200);
        expect(message).toMatch(/nrecognized key/);
      }
      await assertUnchangedAndServing(session, before);
    });

    it('refuses a command larger than MAX_COMMAND_BYTES with PAYLOAD_TOO_LARGE', async () => {
      const { session, a, before } = await liveBoard();
      const guidance = 'g'.repeat(MAX_COMMAND_BYTES + 1);
      const res = await emitAck(a, 'command', { sessionId: session.id, id: 'big', command: { type: 'agenda.set_guidance', itemId: 'a1', guidance } });
      expectError(res, ErrorCode.PAYLOAD_TOO_LARGE);
      // Just under the size limit but over the field's own limit: a validation error, not a size error.
      const long = await emitAck(a, 'command', { sessionId: session.id, id: 'long', command: { type: 'agenda.set_guidance', itemId: 'a1', guidance: 'g'.repeat(4000) } });
      expectError(long, ErrorCode.BAD_REQUEST);
      await assertUnchangedAndServing(session, before);
    });

    it('closes a connection that sends a frame beyond maxHttpBufferSize, and keeps serving the others', async () => {
      const { session, a, before } = await liveBoard();
      const bystander = await open({ cookie: fx.cookies.b });
      expect((await emitAck(bystander, 'join', { sessionId: session.id })).ok).toBe(true);
      const seen = recordEvents(bystander);

      const closed = nextEvent(a, 'disconnect');
      emitRaw(a, 'command', { sessionId: session.id, id: 'huge', command: { type: 'agenda.set_guidance', itemId: 'a1', guidance: 'h'.repeat(300 * 1024) } }, () => undefined);
      expect(await closed).toMatch(/transport (close|error)/);

      expect(bystander.connected).toBe(true);
      const ok = await emitAck(bystander, 'command', { sessionId: session.id, id: 'after-huge', command: { type: 'item.start', itemId: 'a1' } });
      expect(ok).toMatchObject({ ok: true, seq: before.seq + 1 });
      // The bystander saw its own command and nothing of the refused frame.
      await expect.poll(() => seen.map((e) => e.seq), { timeout: 3000 }).toEqual([before.seq + 1]);
      // A new connection from the same clinician is accepted as before.
      const again = await open({ cookie: fx.cookies.a });
      const view = await emitAck(again, 'join', { sessionId: session.id });
      expect(view).toMatchObject({ ok: true, seq: before.seq + 1 });
    });

    it('closes a connection that sends a frame that is not Socket.IO, and keeps serving the others', async () => {
      const { session, a, before } = await liveBoard();
      const bystander = await open({ cookie: fx.cookies.b });
      const closed = nextEvent(a, 'disconnect');
      writeRawFrame(a, '2/board,{"this is":"not an event array"');
      expect(await closed).toMatch(/transport (close|error)|server namespace disconnect/);
      expect(bystander.connected).toBe(true);
      await assertUnchangedAndServing(session, before);
    });

    it('survives a deeply nested payload within the frame limit', async () => {
      const { session, a, before } = await liveBoard();
      const depth = 50_000;
      const nested = `${'['.repeat(depth)}${']'.repeat(depth)}`;
      // An ack id the client never registered: the answer is matched on the raw packet instead.
      const packets: string[] = [];
      const onPacket = (p: { type: string; data?: unknown }) => {
        if (p.type === 'message' && typeof p.data === 'string') packets.push(p.data);
      };
      a.io.engine.on('packet', onPacket);
      writeRawFrame(a, `2/board,9001["command",{"sessionId":"${session.id}","id":"deep","command":${nested}}]`);
      const raw = await waitFor(() => packets.find((d) => d.startsWith('3/board,9001')), 5000, 'the answer to the nested command');
      a.io.engine.off('packet', onPacket);
      const res = JSON.parse(raw.slice('3/board,9001'.length)) as [CommandResult];
      expect(res[0]).toMatchObject({ ok: false, error: { code: ErrorCode.PAYLOAD_TOO_LARGE } });
      expect(a.connected).toBe(true);
      await assertUnchangedAndServing(session, before);
    });

    it("sends 'protocol_error' for a message without an acknowledgement callback", async () => {
      const { session, a, before } = await liveBoard();
      for (const event of ['join', 'command', 'leave']) {
        const error = nextEvent(a, 'protocol_error');
        emitRaw(a, event, { sessionId: session.id, id: 'no-ack', command: { type: 'item.start', itemId: 'a1' } });
        expect(await error).toMatchObject({ code: ErrorCode.BAD_REQUEST, message: expect.stringContaining(event) });
      }
      await assertUnchangedAndServing(session, before);
    });

    it("answers an unknown event name with UNKNOWN_COMMAND: a 'protocol_error', or the ack when there is one", async () => {
      const { session, a, before } = await liveBoard();
      const error = nextEvent(a, 'protocol_error');
      emitRaw(a, 'delete_everything', { sessionId: session.id });
      expect(await error).toMatchObject({ code: ErrorCode.UNKNOWN_COMMAND });
      // With an ack, the client is answered through it rather than left waiting for its timeout.
      expectError(await emitRawAck(a, 'launch', [{ sessionId: session.id }], 3000), ErrorCode.UNKNOWN_COMMAND);
      expectError(await emitRawAck(a, 'x'.repeat(10_000), [], 3000), ErrorCode.UNKNOWN_COMMAND);
      await assertUnchangedAndServing(session, before);
    });

    it('refuses a command for a session the socket did not join with NOT_JOINED', async () => {
      const { session, before } = await liveBoard();
      const fresh = await open({ cookie: fx.cookies.a });
      const cmd = { type: 'item.start', itemId: 'a1' } as const;
      expectError(await emitAck(fresh, 'command', { sessionId: session.id, id: 'nj1', command: cmd }), ErrorCode.NOT_JOINED);
      expectError(await emitAck(fresh, 'command', { sessionId: randomUUID(), id: 'nj2', command: cmd }), ErrorCode.NOT_JOINED);
      // Joined elsewhere is not joined here; and a session left is no longer joined.
      const other = await scheduleSession(fx.server.url, fx.cookies.a);
      const otherBefore = await boardAt(fx.server.url, { cookie: fx.cookies.a }, other.id);
      expect((await emitAck(fresh, 'join', { sessionId: other.id })).ok).toBe(true);
      expectError(await emitAck(fresh, 'command', { sessionId: session.id, id: 'nj3', command: cmd }), ErrorCode.NOT_JOINED);
      expect(await emitRawAck(fresh, 'leave', [{ sessionId: other.id }])).toEqual({ ok: true });
      expectError(await emitAck(fresh, 'command', { sessionId: other.id, id: 'nj4', command: { type: 'session.start' } }), ErrorCode.NOT_JOINED);
      expect(await boardAt(fx.server.url, { cookie: fx.cookies.a }, other.id)).toEqual(otherBefore);
      await assertUnchangedAndServing(session, before);
    });

    it('treats a session id in capitals as the same session, so no client is left out of its room', async () => {
      const { session, a, before } = await liveBoard();
      const upper = session.id.toUpperCase();
      const b = await open({ cookie: fx.cookies.b });
      const joined = (await emitAck(b, 'join', { sessionId: upper })) as JoinResult;
      expect(joined).toMatchObject({ ok: true, seq: before.seq });
      const seenByB = recordEvents(b);
      // A command sent under the capitalised id reaches the socket joined under the canonical one, and back.
      const seenByA = recordEvents(a);
      const first = await emitAck(b, 'command', { sessionId: upper, id: 'up1', command: { type: 'item.start', itemId: 'a1' } });
      expect(first).toMatchObject({ ok: true, seq: before.seq + 1 });
      const second = await emitAck(a, 'command', { sessionId: session.id, id: 'up2', command: { type: 'agenda.set_guidance', itemId: 'a2', guidance: 'g' } });
      expect(second).toMatchObject({ ok: true, seq: before.seq + 2 });
      await expect.poll(() => seenByA.map((e) => e.seq), { timeout: 3000 }).toEqual([before.seq + 1, before.seq + 2]);
      await expect.poll(() => seenByB.map((e) => e.seq), { timeout: 3000 }).toEqual([before.seq + 1, before.seq + 2]);
      expect(seenByB.every((e) => e.sessionId === session.id)).toBe(true);
      // The same over HTTP: the route's id is canonicalised before the command is run and broadcast.
      const http = await api(fx.server.url, `/sessions/${upper}/commands`, { cookie: fx.cookies.a, body: { id: 'up3', command: { type: 'item.pause', itemId: 'a1' } } });
      expect(http).toMatchObject({ status: 200, body: { ok: true, seq: before.seq + 3 } });
      await expect.poll(() => seenByB.map((e) => e.seq), { timeout: 3000 }).toEqual([before.seq + 1, before.seq + 2, before.seq + 3]);
    });
  });

  describe('on the HTTP API', () => {
    const post = (path: string, body: string | object, opts: { cookie?: string; contentType?: string } = {}) =>
      fetch(`${fx.server.url}/api${path}`, {
        method: 'POST',
        headers: { 'content-type': opts.contentType ?? 'application/json', ...(opts.cookie && { cookie: opts.cookie }) },
        body: typeof body === 'string' ? body : JSON.stringify(body)
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as ErrorBody }));

    const healthy = async () => expect((await api(fx.server.url, '/health')).body).toMatchObject({ ok: true, database: 'ok' });

    it('answers a body that is not JSON with 400 BAD_REQUEST', async () => {
      for (const body of ['{"email": "alex@demo.hearth",', 'not json', '{"a":1}}', '"just a string"', '[1,2]', 'null']) {
        const res = await post('/auth/login', body);
        expect(res.status, body).toBe(400);
        expect(res.body.error.code).toBe(ErrorCode.BAD_REQUEST);
      }
      // A JSON body sent as another content type is not read, and so is missing.
      expect(await post('/groups', JSON.stringify({ name: 'G', aliases: ['A'] }), { cookie: fx.cookies.a, contentType: 'text/plain' })).toMatchObject({
        status: 400,
        body: { error: { code: ErrorCode.BAD_REQUEST } }
      });
      await healthy();
    });

    it('answers a body over 32 kb with 413 PAYLOAD_TOO_LARGE', async () => {
      const group = await demoGroup(fx.server.url, fx.cookies.a);
      const res = await post(`/groups/${group.id}/sessions`, { title: 'x'.repeat(40 * 1024), scheduledFor: null, agenda: [] }, { cookie: fx.cookies.a });
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe(ErrorCode.PAYLOAD_TOO_LARGE);
      const after = await demoGroup(fx.server.url, fx.cookies.a);
      expect(after.sessions.length).toBe(group.sessions.length);
      await healthy();
    });

    it('answers wrong field types with 400 BAD_REQUEST, and creates nothing', async () => {
      const group = await demoGroup(fx.server.url, fx.cookies.a);
      const cases: [string, object][] = [
        ['/auth/login', { email: 5, password: 'x' }],
        ['/auth/login', { email: 'alex@demo.hearth', password: ['hearth-demo'] }],
        ['/auth/login', { email: 'not an email', password: 'x' }],
        ['/groups', { name: 42, aliases: ['A'] }],
        ['/groups', { name: 'G', aliases: 'Maple' }],
        ['/groups', { name: 'G', aliases: ['Same', 'same'] }],
        ['/groups', { name: 'G', aliases: ['<script>'] }],
        [`/groups/${group.id}/sessions`, { title: 'T', scheduledFor: 'tomorrow', agenda: [] }],
        [`/groups/${group.id}/sessions`, { title: 'T', scheduledFor: null, agenda: [{ itemId: 'i 1', title: 'I', kind: 'check-in', plannedMinutes: 5 }] }],
        [`/groups/${group.id}/sessions`, { title: 'T', scheduledFor: null, agenda: [{ itemId: 'i1', title: 'I', kind: 'check-in', plannedMinutes: '5' }] }],
        [`/groups/not-a-uuid/sessions`, { title: 'T', scheduledFor: null, agenda: [] }]
      ];
      for (const [path, body] of cases) {
        const res = await post(path, body, { cookie: fx.cookies.a });
        expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(400);
        expect(res.body.error.code).toBe(ErrorCode.BAD_REQUEST);
      }
      const after = await api<{ groups: { id: string; sessions: unknown[] }[] }>(fx.server.url, '/groups', { cookie: fx.cookies.a });
      expect(after.body.groups.length).toBe(1);
      expect(after.body.groups[0]!.sessions.length).toBe(group.sessions.length);
      await healthy();
    });

    it('refuses unknown keys with 400 BAD_REQUEST', async () => {
      const group = await demoGroup(fx.server.url, fx.cookies.a);
      const session = await scheduleSession(fx.server.url, fx.cookies.a);
      const cases: [string, object][] = [
        ['/auth/login', { email: 'alex@demo.hearth', password: 'hearth-demo', remember: true }],
        ['/groups', { name: 'G', aliases: ['A'], organizationId: randomUUID() }],
        [`/groups/${group.id}/sessions`, { title: 'T', scheduledFor: null, agenda: [], status: 'live' }],
        [`/sessions/${session.id}/commands`, { id: 'c1', command: { type: 'session.start' }, role: 'facilitator' }],
        [`/sessions/${session.id}/commands`, { id: 'c2', command: { type: 'session.start', at: 0 } }],
        [`/invites/${await personalCode(fx.server.url, session.groupId, 'Maple')}/join`, { alias: 'Maple' }],
        [`/invites/${await personalCode(fx.server.url, session.groupId, 'Maple')}/join`, { sessionId: 'not-a-uuid' }]
      ];
      for (const [path, body] of cases) {
        const res = await post(path, body, { cookie: fx.cookies.a });
        expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(400);
        expect(res.body.error.code).toBe(ErrorCode.BAD_REQUEST);
      }
      expect((await boardAt(fx.server.url, { cookie: fx.cookies.a }, session.id)).state.status).toBe('scheduled');
      await healthy();
    });

    it('answers a bad command over HTTP with 400 and leaves the board as it was', async () => {
      const session = await scheduleSession(fx.server.url, fx.cookies.a);
      const before = await boardAt(fx.server.url, { cookie: fx.cookies.a }, session.id);
      const cases: [string, object, string][] = [
        [`/sessions/${session.id}/commands`, { id: 'h1', command: { type: 'session.explode' } }, ErrorCode.UNKNOWN_COMMAND],
        [`/sessions/${session.id}/commands`, { id: 'h 2', command: { type: 'session.start' } }, ErrorCode.BAD_REQUEST],
        [`/sessions/${session.id}/commands`, { id: 'h3', command: { type: 'item.start', itemId: 3 } }, ErrorCode.BAD_REQUEST],
        [`/sessions/${session.id}/commands`, { id: 'h4' }, ErrorCode.BAD_REQUEST],
        [`/sessions/${session.id.slice(0, -1)}x/commands`, { id: 'h5', command: { type: 'session.start' } }, ErrorCode.BAD_REQUEST]
      ];
      for (const [path, body, code] of cases) {
        const res = await post(path, body, { cookie: fx.cookies.a });
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.error.code).toBe(code);
      }
      const after = await boardAt(fx.server.url, { cookie: fx.cookies.a }, session.id);
      expect(after).toEqual(before);
      expect(await post(`/sessions/${session.id}/commands`, { id: 'h6', command: { type: 'session.start' } }, { cookie: fx.cookies.a })).toMatchObject({
        status: 200
      });
    });

    it('refuses a code that is no one\'s with 404 INVITE_NOT_VALID, and a malformed one with 400', async () => {
      const session = await scheduleSession(fx.server.url, fx.cookies.a);
      const res = await api<ErrorBody>(fx.server.url, '/invites/AAAAAAAAAAAAAAAAAAAA/join', { body: {} });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe(ErrorCode.INVITE_NOT_VALID);
      // A code with characters no code has is a bad request.
      const odd = await api<ErrorBody>(fx.server.url, '/invites/Maple%3Cscript%3E/join', { body: {} });
      expect(odd).toMatchObject({ status: 400, body: { error: { code: ErrorCode.BAD_REQUEST } } });
      // A member's own code still joins.
      expect(await joinAsMember(fx.server.url, session, 'maple')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    });

    it('answers bad input to the people and password routes with 400 and changes no account', async () => {
      const count = async () => (await api<{ people: unknown[] }>(fx.server.url, '/organization/people', { cookie: fx.cookies.a })).body.people.length;
      const before = await count();
      const put = (path: string, body: unknown) => api<ErrorBody>(fx.server.url, path, { cookie: fx.cookies.a, method: 'PUT', body });
      const cases: [string, object][] = [
        ['/organization/people', { displayName: 'Jo', email: 'not an email' }],
        ['/organization/people', { displayName: '', email: 'jo@demo.hearth' }],
        ['/organization/people', { displayName: 'Jo', email: 'jo@demo.hearth', admin: 'yes' }],
        ['/organization/people', { displayName: 'Jo', email: 'jo@demo.hearth', role: 'facilitator' }],
        ['/organization/people/not-a-uuid/deactivate', {}],
        ['/organization/people/not-a-uuid/password-link', {}],
        [`/password-links/${'A'.repeat(43)}`, { password: 'long enough password', admin: true }],
        [`/password-links/${'A'.repeat(43)}`, { password: 12345678901 }],
        [`/password-links/${encodeURIComponent("x' or 1=1 --")}`, { password: 'long enough password' }]
      ];
      for (const [path, body] of cases) {
        const res = await post(path, body, { cookie: fx.cookies.a });
        expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(400);
        expect(res.body.error.code).toBe(ErrorCode.BAD_REQUEST);
      }
      for (const body of [{ currentPassword: DEMO_PASSWORD }, { currentPassword: DEMO_PASSWORD, newPassword: 'short' }, { currentPassword: DEMO_PASSWORD, newPassword: 'long enough password', again: 1 }]) {
        expect(await put('/me/password', body), JSON.stringify(body)).toMatchObject({ status: 400, body: { error: { code: ErrorCode.BAD_REQUEST } } });
      }
      // An unknown link is 404 with its own code; the demo password still signs in.
      expect(await api<ErrorBody>(fx.server.url, `/password-links/${'A'.repeat(43)}`)).toMatchObject({ status: 404, body: { error: { code: ErrorCode.LINK_NOT_VALID } } });
      expect(await count()).toBe(before);
      expect((await api(fx.server.url, '/auth/login', { body: { email: 'alex@demo.hearth', password: DEMO_PASSWORD } })).status).toBe(200);
      await healthy();
    });

    it('answers an invite code that does not exist with 404, and a malformed one with 400', async () => {
      const missing = await api<ErrorBody>(fx.server.url, '/invites/NoSuchInviteCode12345/join', { body: {} });
      expect(missing).toMatchObject({ status: 404, body: { error: { code: ErrorCode.INVITE_NOT_VALID } } });
      expect(await api<ErrorBody>(fx.server.url, '/invites/NoSuchInviteCode12345')).toMatchObject({ status: 404, body: { error: { code: ErrorCode.INVITE_NOT_VALID } } });
      expect(await api<ErrorBody>(fx.server.url, `/invites/${encodeURIComponent("x' or 1=1 --")}`)).toMatchObject({
        status: 400,
        body: { error: { code: ErrorCode.BAD_REQUEST } }
      });
      expect(await api<ErrorBody>(fx.server.url, '/no/such/route')).toMatchObject({ status: 404, body: { error: { code: ErrorCode.NOT_FOUND } } });
      await healthy();
    });
  });
});
