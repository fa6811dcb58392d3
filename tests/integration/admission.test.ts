import type { BoardState, ErrorBody, GroupSummary, MemberJoinResponse, SessionSummary, WireError } from '@hearth/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/src/app.ts';
import { api, connectBoard, emitAck, login, recordEvents, type BoardClient } from '../support/boardClient.ts';
import { createTestDatabase, REDIS_URL, type TestDatabase } from '../support/services.ts';
import { DEMO_PASSWORD, FACILITATOR_A, startTestServer } from '../support/testServer.ts';
import { boardAt } from '../support/probes.ts';
import { useServerFixture } from '../support/serverFixture.ts';
import { waitFor } from '../support/wait.ts';

type Join = { status: number; body: MemberJoinResponse & ErrorBody };

/**
 * Members' personal invites and the waiting room: a code names its member; a device waits until a
 * facilitator lets it in; one device per member; a code that is revoked, replaced, another group's or
 * a discharged member's gets nothing; guessing is stopped.
 */
describe('personal invites and the waiting room', () => {
  const fx = useServerFixture();
  let n = 0;

  /** A group of its own (the demo's clinicians as staff), waiting room on, with one session. */
  async function groupWithSession(aliases = ['Oak', 'Willow', 'Fern']): Promise<{ group: GroupSummary; session: SessionSummary }> {
    const created = await api<{ group: GroupSummary }>(fx.server.url, '/groups', {
      cookie: fx.cookies.a,
      body: { name: `Waiting room group ${++n}`, aliases, coFacilitatorEmail: 'sam@demo.hearth', supervisorEmail: 'morgan@demo.hearth' }
    });
    expect(created.status).toBe(201);
    const scheduled = await api<{ session: SessionSummary }>(fx.server.url, `/groups/${created.body.group.id}/sessions`, {
      cookie: fx.cookies.a,
      body: { title: 'Tuesday group', scheduledFor: null, agenda: [{ itemId: 'i1', title: 'Check-in', kind: 'check-in', plannedMinutes: 10 }] }
    });
    expect(scheduled.status).toBe(201);
    return { group: created.body.group, session: scheduled.body.session };
  }

  const memberId = (group: GroupSummary, alias: string) => group.members.find((m) => m.alias === alias)!.id;
  const issue = async (group: GroupSummary, alias: string): Promise<string> => {
    const res = await api<{ code: string }>(fx.server.url, `/groups/${group.id}/members/${memberId(group, alias)}/invite`, { cookie: fx.cookies.a, method: 'POST' });
    expect(res.status).toBe(201);
    return res.body.code;
  };
  const join = (code: string, body: object = {}): Promise<Join> => api(fx.server.url, `/invites/${code}/join`, { body: { acceptAgreement: true, ...body } });
  const admission = async (code: string, token: string) => (await api<{ admission: string }>(fx.server.url, `/invites/${code}/admission`, { body: { token } })).body.admission;
  const command = (socket: BoardClient, sessionId: string, id: string, cmd: object) => emitAck(socket, 'command', { sessionId, id, command: cmd });
  const waiting = async (sessionId: string) => ((await boardAt(fx.server.url, { cookie: fx.cookies.a }, sessionId)).state as BoardState).waiting;
  /** Every frame a socket receives. */
  const frames = (socket: BoardClient) => {
    const seen: { name: string; payload: unknown }[] = [];
    socket.onAny((name: string, payload: unknown) => seen.push({ name, payload }));
    return seen;
  };
  const revoked = (socket: BoardClient) => new Promise<WireError>((resolve) => socket.once('revoked', resolve));

  it('holds a device in the waiting room until a facilitator admits it; declined devices stay out; members learn nothing of it', async () => {
    const { group, session } = await groupWithSession();
    const a = await fx.open({ cookie: fx.cookies.a });
    expect(await emitAck(a, 'join', { sessionId: session.id })).toMatchObject({ ok: true });
    const seenByA = recordEvents(a);

    // Willow is in already (admitted), and records everything her socket receives.
    const willowCode = await issue(group, 'Willow');
    const willowJoin = await join(willowCode);
    expect(willowJoin).toMatchObject({ status: 201, body: { alias: 'Willow', admission: 'waiting', sessionId: session.id } });
    const [willowWaiting] = await waiting(session.id);
    expect(await command(a, session.id, 'let-willow', { type: 'admission.admit', requestId: willowWaiting!.requestId })).toMatchObject({ ok: true });
    const willow = await fx.open({ token: willowJoin.body.token });
    const willowFrames = frames(willow);
    expect(await emitAck(willow, 'join', { sessionId: session.id })).toMatchObject({ ok: true });

    // Oak opens their link: the code names them, and the device waits.
    const oakCode = await issue(group, 'Oak');
    expect(await api(fx.server.url, `/invites/${oakCode}`)).toMatchObject({ status: 200, body: { alias: 'Oak', session: { id: session.id, status: 'scheduled' }, resources: [] } });
    const oak = await join(oakCode);
    expect(oak).toMatchObject({ status: 201, body: { alias: 'Oak', admission: 'waiting' } });
    expect(await admission(oakCode, oak.body.token)).toBe('waiting');
    const oakSocket = await fx.open({ token: oak.body.token });
    expect(await emitAck(oakSocket, 'join', { sessionId: session.id })).toMatchObject({ ok: false, error: { code: 'NOT_ADMITTED' } });
    await waitFor(() => seenByA.some((m) => m.event.type === 'admission.requested' && m.event.memberId === memberId(group, 'Oak')), 5000, 'the facilitators to see Oak waiting');
    const [oakWaiting] = await waiting(session.id);
    expect(oakWaiting).toMatchObject({ memberId: memberId(group, 'Oak'), secondDevice: false });

    // Only a facilitator lets people in: not the supervisor, not a member.
    const sup = await fx.open({ cookie: fx.cookies.supervisor });
    await emitAck(sup, 'join', { sessionId: session.id });
    expect(await command(sup, session.id, 'sup-admit', { type: 'admission.admit', requestId: oakWaiting!.requestId })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await command(willow, session.id, 'self-admit', { type: 'admission.admit', requestId: oakWaiting!.requestId })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await command(willow, session.id, 'forged', { type: 'admission.request', requestId: 'forged', automatic: true })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await command(a, session.id, 'nobody', { type: 'admission.admit', requestId: 'no-such-request' })).toMatchObject({ ok: false, error: { code: 'REQUEST_NOT_WAITING' } });

    expect(await command(a, session.id, 'let-oak', { type: 'admission.admit', requestId: oakWaiting!.requestId })).toMatchObject({ ok: true });
    expect(await admission(oakCode, oak.body.token)).toBe('admitted');
    expect(await emitAck(oakSocket, 'join', { sessionId: session.id })).toMatchObject({ ok: true, role: 'member' });
    expect(await command(a, session.id, 'let-oak-again', { type: 'admission.admit', requestId: oakWaiting!.requestId })).toMatchObject({ ok: false, error: { code: 'REQUEST_NOT_WAITING' } });

    // Fern is turned away: the device learns it, and its socket is not let in.
    const fernCode = await issue(group, 'Fern');
    const fern = await join(fernCode);
    const fernWaiting = (await waiting(session.id)).find((w) => w.memberId === memberId(group, 'Fern'))!;
    expect(await command(a, session.id, 'no-fern', { type: 'admission.decline', requestId: fernWaiting.requestId })).toMatchObject({ ok: true });
    expect(await admission(fernCode, fern.body.token)).toBe('declined');
    const fernSocket = await fx.open({ token: fern.body.token });
    expect(await emitAck(fernSocket, 'join', { sessionId: session.id })).toMatchObject({ ok: false, error: { code: 'NOT_ADMITTED' } });
    expect(await waiting(session.id)).toEqual([]);

    // What Willow's socket received: nothing of the waiting room, nobody's admission.
    const received = JSON.stringify(willowFrames);
    expect(received).not.toMatch(/admission|waiting|requestId/);
    expect(received).not.toContain(oakWaiting!.requestId);
    // Positive control: her socket did receive the board's traffic (her own join's presence at least).
    expect(willowFrames.length).toBeGreaterThan(0);
  });

  it('holds a second device with the same code until a facilitator decides; admitting it disconnects the first', async () => {
    const { group, session } = await groupWithSession();
    await api(fx.server.url, `/groups/${group.id}/admission`, { cookie: fx.cookies.a, method: 'PUT', body: { admitAutomatically: true } });
    const a = await fx.open({ cookie: fx.cookies.a });
    await emitAck(a, 'join', { sessionId: session.id });
    const code = await issue(group, 'Oak');

    // The first device comes straight in (the group admits automatically).
    const phone = await join(code);
    expect(phone.body.admission).toBe('admitted');
    const phoneSocket = await fx.open({ token: phone.body.token });
    expect(await emitAck(phoneSocket, 'join', { sessionId: session.id })).toMatchObject({ ok: true });

    // A second device with the same code waits, marked as such, and the first stays connected.
    const laptop = await join(code);
    expect(laptop.body.admission).toBe('waiting');
    const [second] = await waiting(session.id);
    expect(second).toMatchObject({ memberId: memberId(group, 'Oak'), secondDevice: true, requestId: expect.any(String) });
    // Declining it leaves the first device as it was.
    expect(await command(a, session.id, 'no-laptop', { type: 'admission.decline', requestId: second!.requestId })).toMatchObject({ ok: true });
    expect(await admission(code, laptop.body.token)).toBe('declined');
    expect(phoneSocket.connected).toBe(true);
    expect(await admission(code, phone.body.token)).toBe('admitted');

    // Asked again and admitted: the first device is told and disconnected; the second is in.
    const tablet = await join(code);
    const [third] = await waiting(session.id);
    expect(third).toMatchObject({ secondDevice: true });
    const told = revoked(phoneSocket);
    expect(await command(a, session.id, 'yes-tablet', { type: 'admission.admit', requestId: third!.requestId })).toMatchObject({ ok: true });
    expect(await told).toMatchObject({ code: 'NOT_ADMITTED', message: expect.stringMatching(/another device/) });
    await waitFor(() => !phoneSocket.connected, 5000, 'the first device to be disconnected');
    expect(await admission(code, phone.body.token)).toBe('declined');
    const tabletSocket = await fx.open({ token: tablet.body.token });
    expect(await emitAck(tabletSocket, 'join', { sessionId: session.id })).toMatchObject({ ok: true });
    // The first device cannot come back on its old token.
    const again = await fx.open({ token: phone.body.token });
    expect(await emitAck(again, 'join', { sessionId: session.id })).toMatchObject({ ok: false, error: { code: 'NOT_ADMITTED' } });
  });

  it('gives a revoked or replaced code nothing, and disconnects the devices it let in', async () => {
    const { group, session } = await groupWithSession();
    await api(fx.server.url, `/groups/${group.id}/admission`, { cookie: fx.cookies.a, method: 'PUT', body: { admitAutomatically: true } });
    const first = await issue(group, 'Oak');
    const joined = await join(first);
    const socket = await fx.open({ token: joined.body.token });
    expect(await emitAck(socket, 'join', { sessionId: session.id })).toMatchObject({ ok: true });

    // Re-issued: the old code stops working, and its device is disconnected.
    const told = revoked(socket);
    const second = await issue(group, 'Oak');
    expect(await told).toMatchObject({ code: 'UNAUTHENTICATED' });
    for (const path of [`/invites/${first}`, `/invites/${first}/join`]) {
      expect(await api(fx.server.url, path, path.endsWith('join') ? { body: {} } : {})).toMatchObject({ status: 404, body: { error: { code: 'INVITE_NOT_VALID' } } });
    }
    expect((await join(second)).status).toBe(201);

    // Revoked: the code stops working; a second revoke finds nothing to revoke.
    const path = `/groups/${group.id}/members/${memberId(group, 'Oak')}/invite`;
    expect(await api(fx.server.url, path, { cookie: fx.cookies.supervisor, method: 'DELETE' })).toMatchObject({ status: 403 });
    expect((await api(fx.server.url, path, { cookie: fx.cookies.a, method: 'DELETE' })).status).toBe(204);
    expect(await api(fx.server.url, `/invites/${second}`)).toMatchObject({ status: 404, body: { error: { code: 'INVITE_NOT_VALID' } } });
    expect(await api(fx.server.url, path, { cookie: fx.cookies.a, method: 'DELETE' })).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    const listed = await api<{ invites: { alias: string; issuedAt: string | null }[] }>(fx.server.url, `/groups/${group.id}/invites`, { cookie: fx.cookies.a });
    expect(listed.body.invites.find((i) => i.alias === 'Oak')).toMatchObject({ issuedAt: null });
  });

  it('keeps a code to its own group: another group\'s session and board stay closed to it', async () => {
    const mine = await groupWithSession(['Oak', 'Willow']);
    const theirs = await groupWithSession(['Birch', 'Elm']);
    await api(fx.server.url, `/groups/${mine.group.id}/admission`, { cookie: fx.cookies.a, method: 'PUT', body: { admitAutomatically: true } });
    const code = await issue(mine.group, 'Oak');
    // Naming the other group's session: not open to this code.
    expect(await join(code, { sessionId: theirs.session.id })).toMatchObject({ status: 409, body: { error: { code: 'NO_OPEN_SESSION' } } });
    // Its own session's token does not open the other board either.
    const token = (await join(code)).body.token;
    const socket = await fx.open({ token });
    expect(await emitAck(socket, 'join', { sessionId: theirs.session.id })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await emitAck(socket, 'join', { sessionId: mine.session.id })).toMatchObject({ ok: true });
    // Nothing was asked of the other group's board.
    expect(await waiting(theirs.session.id)).toEqual([]);
  });

  it('answers bad invite input with 4xx and a code, and changes nothing', async () => {
    const { group, session } = await groupWithSession();
    const code = await issue(group, 'Oak');
    const cases: [string, { method?: string; body?: unknown; cookie?: string }, number, string][] = [
      [`/invites/${code}/join`, { body: { sessionId: 'not-a-uuid' } }, 400, 'BAD_REQUEST'],
      [`/invites/${code}/join`, { body: { alias: 'Oak' } }, 400, 'BAD_REQUEST'],
      [`/invites/${code}/join`, { body: '[' }, 400, 'BAD_REQUEST'],
      [`/invites/${code}/admission`, { body: {} }, 400, 'BAD_REQUEST'],
      [`/invites/${code}/admission`, { body: { token: 'x'.repeat(300) } }, 400, 'BAD_REQUEST'],
      [`/invites/${code}/admission`, { body: { token: 'not-a-token' } }, 401, 'UNAUTHENTICATED'],
      ['/invites/short/join', { body: {} }, 400, 'BAD_REQUEST'],
      [`/groups/${group.id}/admission`, { method: 'PUT', body: { admitAutomatically: 'yes' }, cookie: fx.cookies.a }, 400, 'BAD_REQUEST'],
      [`/groups/${group.id}/members/not-a-uuid/invite`, { method: 'POST', cookie: fx.cookies.a }, 400, 'BAD_REQUEST'],
      [`/groups/${group.id}/members/${session.id}/invite`, { method: 'POST', cookie: fx.cookies.a }, 404, 'NOT_FOUND'],
      [`/groups/${group.id}/invites`, {}, 401, 'UNAUTHENTICATED']
    ];
    for (const [path, opts, status, errorCode] of cases) {
      const res = await api<ErrorBody>(fx.server.url, path, opts);
      expect(res.status, `${path} ${JSON.stringify(opts.body)}`).toBe(status);
      expect(res.body.error.code).toBe(errorCode);
    }
    // Nothing waits, the code still works, and the server serves on.
    expect(await waiting(session.id)).toEqual([]);
    expect((await join(code)).body.admission).toBe('waiting');
    expect((await api(fx.server.url, '/health')).status).toBe(200);
  });
});

describe('guessing invite codes', () => {
  const fx = useServerFixture({ INVITE_ATTEMPTS: '5' });

  it('answers 429 RATE_LIMITED after too many codes that do not work from one address, a right code too', async () => {
    const group = (await api<{ groups: GroupSummary[] }>(fx.server.url, '/groups', { cookie: fx.cookies.a })).body.groups[0]!;
    const maple = group.members.find((m) => m.alias === 'Maple')!;
    const code = (await api<{ code: string }>(fx.server.url, `/groups/${group.id}/members/${maple.id}/invite`, { cookie: fx.cookies.a, method: 'POST' })).body.code;
    // A right code costs nothing.
    for (let i = 0; i < 3; i++) expect((await api(fx.server.url, `/invites/${code}`)).status).toBe(200);
    for (let i = 0; i < 5; i++) {
      const guess = `guess${String(i).padStart(15, '0')}`;
      expect(await api(fx.server.url, `/invites/${guess}`)).toMatchObject({ status: 404, body: { error: { code: 'INVITE_NOT_VALID' } } });
    }
    for (const [path, body] of [[`/invites/guess999999999999999`, undefined], [`/invites/${code}`, undefined], [`/invites/${code}/join`, {}]] as const) {
      const res = await api<ErrorBody>(fx.server.url, path, body === undefined ? {} : { body });
      expect(res.status, path).toBe(429);
      expect(res.body.error).toMatchObject({ code: 'RATE_LIMITED', message: expect.stringMatching(/Try again in \d+ minutes?/) });
    }
    // The rest of the server serves on: clinicians are not held up.
    expect((await api(fx.server.url, '/health')).status).toBe(200);
    expect((await api(fx.server.url, '/groups', { cookie: fx.cookies.a })).status).toBe(200);
  });
});

describe('one device per member across instances', () => {
  let db: TestDatabase;
  let p1: RunningServer;
  let p2: RunningServer;
  const sockets: BoardClient[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    // The credential sweep is out of the way: only the bus can end the connections here.
    const shared = { DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: `admission-${process.pid}:`, CREDENTIAL_RECHECK_SECONDS: '3600' };
    p1 = await startTestServer(shared);
    p2 = await startTestServer({ ...shared, DEMO: 'false' });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await p2?.close();
    await p1?.close();
    await db?.drop();
  });
  const open = async (url: string, auth: { cookie?: string; token?: string }) => {
    const s = await connectBoard(url, auth);
    sockets.push(s);
    return s;
  };

  it('disconnects a member\'s device on the other instance when a second device is admitted, or their code is re-issued, within 2 s', async () => {
    const cookie = await login(p1.url, FACILITATOR_A, DEMO_PASSWORD);
    const created = await api<{ group: GroupSummary }>(p1.url, '/groups', { cookie, body: { name: 'Across instances', aliases: ['Oak', 'Willow'] } });
    const group = created.body.group;
    const session = (await api<{ session: SessionSummary }>(p1.url, `/groups/${group.id}/sessions`, { cookie, body: { title: 'Week 1', scheduledFor: null, agenda: [] } })).body.session;
    const oak = group.members.find((m) => m.alias === 'Oak')!;
    const issue = async () => (await api<{ code: string }>(p1.url, `/groups/${group.id}/members/${oak.id}/invite`, { cookie, method: 'POST' })).body.code;
    const a = await open(p1.url, { cookie });
    expect(await emitAck(a, 'join', { sessionId: session.id })).toMatchObject({ ok: true });
    const code = await issue();

    // The first device, admitted, on instance 2.
    const first = await api<MemberJoinResponse>(p2.url, `/invites/${code}/join`, { body: { acceptAgreement: true } });
    const [w1] = ((await emitAck(a, 'join', { sessionId: session.id })) as { state: BoardState }).state.waiting;
    expect(await emitAck(a, 'command', { sessionId: session.id, id: 'in-1', command: { type: 'admission.admit', requestId: w1!.requestId } })).toMatchObject({ ok: true });
    const phone = await open(p2.url, { token: first.body.token });
    expect(await emitAck(phone, 'join', { sessionId: session.id })).toMatchObject({ ok: true });

    // A second device through instance 1, admitted there: the first, on instance 2, is told and let go.
    const second = await api<MemberJoinResponse>(p1.url, `/invites/${code}/join`, { body: { acceptAgreement: true } });
    expect(second.body.admission).toBe('waiting');
    const [w2] = ((await emitAck(a, 'join', { sessionId: session.id })) as { state: BoardState }).state.waiting;
    const told: WireError[] = [];
    phone.on('revoked', (e) => told.push(e));
    const sent = Date.now();
    expect(await emitAck(a, 'command', { sessionId: session.id, id: 'in-2', command: { type: 'admission.admit', requestId: w2!.requestId } })).toMatchObject({ ok: true });
    await waitFor(() => !phone.connected, 2000, 'the first device to be disconnected');
    expect(Date.now() - sent).toBeLessThan(2000);
    expect(told).toEqual([{ code: 'NOT_ADMITTED', message: expect.any(String) }]);

    // The second device, on instance 2 as well; the code is re-issued on instance 1: it goes too.
    const laptop = await open(p2.url, { token: second.body.token });
    expect(await emitAck(laptop, 'join', { sessionId: session.id })).toMatchObject({ ok: true });
    const reissued = Date.now();
    await issue();
    await waitFor(() => !laptop.connected, 2000, 'the device of the replaced code to be disconnected');
    expect(Date.now() - reissued).toBeLessThan(2000);
  });
});
