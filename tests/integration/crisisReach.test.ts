import { DEFAULT_CRISIS_PROTOCOL, type BoardState, type CrisisAlert, type GroupSummary, type SessionSummary, type WireError } from '@hearth/shared';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/src/app.ts';
import { api, connectBoard, emitAck, login, type BoardClient } from '../support/boardClient.ts';
import { createTestDatabase, REDIS_URL, type TestDatabase } from '../support/services.ts';
import { DEMO_PASSWORD, FACILITATOR_A, FACILITATOR_B, SUPERVISOR, startTestServer } from '../support/testServer.ts';
import { useServerFixture } from '../support/serverFixture.ts';
import { waitFor } from '../support/wait.ts';
import { pushReceiver, recorder, type Recorder } from '../support/webPush.ts';

const NOTE = 'Spoke of ending it tonight';

/**
 * Crisis reach beyond the board: every clinician of the group, on any page (a socket that joined no
 * session, or another session's), on any instance, gets the alert within 2 s; their devices get a
 * push with nothing clinical in it; the paging webhook gets a notice; acknowledging and resolving
 * follow the flag everywhere.
 */
describe('a crisis reaches every clinician of the group', () => {
  let db: TestDatabase;
  let p1: RunningServer;
  let p2: RunningServer;
  let webhook: Recorder;
  let pushService: Recorder;
  const sockets: BoardClient[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    webhook = await recorder();
    pushService = await recorder();
    const shared = { DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: `crisis-${process.pid}:`, ALERT_WEBHOOK_URL: `${webhook.url}/page` };
    p1 = await startTestServer(shared);
    p2 = await startTestServer({ ...shared, DEMO: 'false' });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await p2?.close();
    await p1?.close();
    await webhook?.close();
    await pushService?.close();
    await db?.drop();
  });
  const open = async (url: string, cookie: string) => {
    const s = await connectBoard(url, { cookie });
    sockets.push(s);
    return s;
  };
  const alertsOn = (socket: BoardClient) => {
    const seen: CrisisAlert[] = [];
    socket.on('alert', (a) => seen.push(a));
    return seen;
  };
  const schedule = async (cookie: string, groupId: string, title: string) =>
    (await api<{ session: SessionSummary }>(p1.url, `/groups/${groupId}/sessions`, { cookie, body: { title, scheduledFor: null, agenda: [{ itemId: 'i1', title: 'Check-in', kind: 'check-in', plannedMinutes: 10 }] } })).body.session;

  it('alerts the supervisor on another page and the co-facilitator on another session, pushes and pages without clinical content, and follows the flag to its resolution', async () => {
    const [a, b, sup] = await Promise.all([login(p1.url, FACILITATOR_A, DEMO_PASSWORD), login(p2.url, FACILITATOR_B, DEMO_PASSWORD), login(p2.url, SUPERVISOR, DEMO_PASSWORD)]);
    const group = (await api<{ group: GroupSummary }>(p1.url, '/groups', {
      cookie: a,
      body: { name: 'Thursday evening group', aliases: ['Oak', 'Willow'], coFacilitatorEmail: FACILITATOR_B, supervisorEmail: SUPERVISOR }
    })).body.group;
    const session = await schedule(a, group.id, 'Week 3');
    const other = await schedule(a, group.id, 'Week 4');

    // The supervisor's device subscribed to push alerts.
    const device = pushReceiver();
    const subscribed = await api(p2.url, '/push/subscription', { cookie: sup, method: 'PUT', body: { endpoint: `${pushService.url}/push/device-1`, keys: device.keys } });
    expect(subscribed.status).toBe(204);
    const { publicKey } = (await api<{ publicKey: string }>(p2.url, '/push/key', { cookie: sup })).body;

    // The supervisor has only the home page open (a socket in no session), on instance 2; the
    // co-facilitator has another session's board open, on instance 2.
    const supPage = await open(p2.url, sup);
    const supAlerts = alertsOn(supPage);
    const bPage = await open(p2.url, b);
    expect(await emitAck(bPage, 'join', { sessionId: other.id })).toMatchObject({ ok: true });
    const bAlerts = alertsOn(bPage);

    const board = await open(p1.url, a);
    expect(await emitAck(board, 'join', { sessionId: session.id })).toMatchObject({ ok: true });
    expect(await emitAck(board, 'command', { sessionId: session.id, id: 'go', command: { type: 'session.start' } })).toMatchObject({ ok: true });
    const oak = group.members.find((m) => m.alias === 'Oak')!.id;
    const sent = Date.now();
    expect(
      await emitAck(board, 'command', { sessionId: session.id, id: 'crisis-1', command: { type: 'flag.raise', flagId: 'c1', category: 'safety-risk', severity: 'crisis', memberIds: [oak], note: NOTE } })
    ).toMatchObject({ ok: true });

    await waitFor(() => supAlerts.length > 0 && bAlerts.length > 0, 2000, 'both clinicians to be alerted');
    const reached = Date.now() - sent;
    expect(reached).toBeLessThan(2000);
    const expected = { flagId: 'c1', sessionId: session.id, groupName: 'Thursday evening group', sessionTitle: 'Week 3', state: 'open', path: `/sessions/${session.id}` };
    expect(supAlerts[0]).toMatchObject(expected);
    expect(bAlerts[0]).toMatchObject(expected);
    // The alert says where, not what: no note, no member.
    for (const alert of [...supAlerts, ...bAlerts]) expect(JSON.stringify(alert)).not.toMatch(/ending|Oak/);
    // A page that opens now sees it too.
    expect((await api<{ alerts: CrisisAlert[] }>(p1.url, '/alerts', { cookie: b })).body.alerts).toMatchObject([expected]);

    // The paging webhook: a notice with the link, the severity and the time, nothing else.
    await waitFor(() => webhook.received.length > 0, 5000, 'the webhook');
    const paged = JSON.parse(webhook.received[0]!.body.toString()) as Record<string, unknown>;
    expect(paged).toEqual({ type: 'crisis-flag', severity: 'crisis', sessionUrl: expect.stringMatching(new RegExp(`/sessions/${session.id}$`)), at: expect.any(String) });

    // The push message: encrypted for the device, signed with the server's VAPID key, decrypting to the same notice.
    await waitFor(() => pushService.received.length > 0, 5000, 'the push message');
    const pushed = pushService.received[0]!;
    expect(pushed.path).toBe('/push/device-1');
    expect(pushed.headers['content-encoding']).toBe('aes128gcm');
    expect(pushed.headers['urgency']).toBe('high');
    expect(String(pushed.headers['authorization'])).toContain(`k=${publicKey}`);
    expect(pushed.body.toString('latin1')).not.toContain('crisis');
    const payload = device.decrypt(pushed.body);
    expect(JSON.parse(payload)).toEqual(paged);
    expect(payload).not.toMatch(/ending|Oak|Thursday|Week/);
    // The raiser's own devices stay quiet: only the supervisor's one device was sent to.
    expect(pushService.received).toHaveLength(1);

    // The raiser cannot acknowledge it before the wait; the supervisor does, and every page hears it.
    expect(await emitAck(board, 'command', { sessionId: session.id, id: 'own', command: { type: 'flag.acknowledge', flagId: 'c1' } })).toMatchObject({ ok: false, error: { code: 'OWN_FLAG' } });
    const supBoard = await open(p2.url, sup);
    expect(await emitAck(supBoard, 'join', { sessionId: session.id })).toMatchObject({ ok: true });
    expect(await emitAck(supBoard, 'command', { sessionId: session.id, id: 'ack', command: { type: 'flag.acknowledge', flagId: 'c1' } })).toMatchObject({ ok: true });
    await waitFor(() => bAlerts.some((x) => x.state === 'acknowledged'), 2000, 'the acknowledgement to reach the co-facilitator');

    // Resolved: the alert clears everywhere, and a page opening now has none.
    expect(await emitAck(board, 'command', { sessionId: session.id, id: 'done', command: { type: 'flag.resolve', flagId: 'c1', outcome: 'Safety plan made; on-call informed' } })).toMatchObject({ ok: true });
    await waitFor(() => bAlerts.some((x) => x.state === 'resolved') && supAlerts.some((x) => x.state === 'resolved'), 2000, 'the resolution to reach every page');
    expect((await api<{ alerts: CrisisAlert[] }>(p2.url, '/alerts', { cookie: sup })).body.alerts).toEqual([]);
    // Only the raise pages and pushes.
    expect(webhook.received).toHaveLength(1);
    expect(pushService.received).toHaveLength(1);
  });

  it('alerts only the clinicians of the group: a colleague elsewhere in the organization hears nothing', async () => {
    const a = await login(p1.url, FACILITATOR_A, DEMO_PASSWORD);
    const b = await login(p1.url, FACILITATOR_B, DEMO_PASSWORD);
    // A group of A's alone: B is not on its staff.
    const group = (await api<{ group: GroupSummary }>(p1.url, '/groups', { cookie: a, body: { name: 'Solo group', aliases: ['Ash'] } })).body.group;
    const session = await schedule(a, group.id, 'Solo week');
    const bPage = await open(p2.url, b);
    const bAlerts = alertsOn(bPage);
    const aHome = await open(p2.url, a);
    const aAlerts = alertsOn(aHome);
    const board = await open(p1.url, a);
    expect(await emitAck(board, 'join', { sessionId: session.id })).toMatchObject({ ok: true });
    await emitAck(board, 'command', { sessionId: session.id, id: 's', command: { type: 'session.start' } });
    await emitAck(board, 'command', { sessionId: session.id, id: 'f', command: { type: 'flag.raise', flagId: 's1', category: 'distress', severity: 'crisis', memberIds: [], note: '' } });
    // The raiser's other page hears it (their tabs stay in step); B never does.
    await waitFor(() => aAlerts.length > 0, 2000, 'the raiser\'s other page');
    // Resolved: once the raiser's page on instance 2 hears that, B's socket there would have heard the raise before it.
    await emitAck(board, 'command', { sessionId: session.id, id: 'r', command: { type: 'flag.resolve', flagId: 's1', outcome: 'Settled' } });
    await waitFor(() => aAlerts.some((x) => x.state === 'resolved'), 2000, 'the resolution on the raiser\'s other page');
    expect(bAlerts).toEqual([]);
  });
});

describe('the crisis protocol and the login on an open page', () => {
  const fx = useServerFixture({ SESSION_IDLE_MINUTES: '2', CREDENTIAL_RECHECK_SECONDS: '1' });

  it('brings the organization\'s current protocol to sessions not yet over, a live one included', async () => {
    const { url } = fx.server;
    const group = (await api<{ groups: GroupSummary[] }>(url, '/groups', { cookie: fx.cookies.a })).body.groups[0]!;
    const session = (await api<{ session: SessionSummary }>(url, `/groups/${group.id}/sessions`, { cookie: fx.cookies.a, body: { title: 'Live one', scheduledFor: null, agenda: [] } })).body.session;
    const board = await fx.open({ cookie: fx.cookies.a });
    expect(await emitAck(board, 'join', { sessionId: session.id })).toMatchObject({ ok: true });
    await emitAck(board, 'command', { sessionId: session.id, id: 'go', command: { type: 'session.start' } });
    const heard: string[] = [];
    board.on('event', (m) => heard.push(m.event.type));

    const protocol = { ...DEFAULT_CRISIS_PROTOCOL, resources: [...DEFAULT_CRISIS_PROTOCOL.resources, { id: 'on-call', name: 'On-call clinician', contact: '555-0142', notes: '' }], soloAcknowledgeAfterSeconds: 30 };
    expect((await api(url, '/organization/crisis-protocol', { cookie: fx.cookies.a, method: 'PUT', body: protocol })).status).toBe(200);
    await waitFor(() => heard.includes('crisis.configured'), 2000, 'the live board to take the protocol');
    const state = ((await emitAck(board, 'join', { sessionId: session.id })) as { state: BoardState }).state;
    expect(state.crisis).toEqual(protocol);
    // With a local contact the organization has nothing to fix; with only the national lines it is told.
    expect((await api<{ organization: { warnings: string[] } }>(url, '/organization', { cookie: fx.cookies.a })).body.organization.warnings).toEqual([]);
    await api(url, '/organization/crisis-protocol', { cookie: fx.cookies.a, method: 'PUT', body: DEFAULT_CRISIS_PROTOCOL });
    expect((await api<{ organization: { warnings: string[] } }>(url, '/organization', { cookie: fx.cookies.a })).body.organization.warnings).toEqual([
      expect.stringContaining('no local contact')
    ]);
  });

  it('refuses a push endpoint that is not https (loopback aside), with 400', async () => {
    const bad = await api<{ error: { code: string } }>(fx.server.url, '/push/subscription', {
      cookie: fx.cookies.b,
      method: 'PUT',
      body: { endpoint: 'http://push.example.org/x', keys: { p256dh: 'A'.repeat(87), auth: 'B'.repeat(22) } }
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('BAD_REQUEST');
  });

  it('lets an idle login end although its socket stays open and re-checks it every second; a request of the person keeps it, a background one does not', async () => {
    const { url } = fx.server;
    const cookie = await login(url, SUPERVISOR, DEMO_PASSWORD);
    const sql = postgres(fx.databaseUrl, { max: 1 });
    try {
      const lastSeen = async () => (await sql<{ last_seen_at: Date }[]>`select last_seen_at from auth_sessions where account_id = (select id from accounts where email = ${SUPERVISOR}) and revoked_at is null order by created_at desc limit 1`)[0]!.last_seen_at.getTime();
      // The person's last request 110 s ago: 10 s before the 2-minute idle limit.
      const age = async (seconds: number) => sql`update auth_sessions set last_seen_at = now() - make_interval(secs => ${seconds}) where account_id = (select id from accounts where email = ${SUPERVISOR}) and revoked_at is null`;

      // A request the person made counts: it moves last_seen on.
      await age(110);
      const before = await lastSeen();
      expect((await api(url, '/me', { cookie })).status).toBe(200);
      expect(await lastSeen()).toBeGreaterThan(before + 100_000);

      // A background request (catching up after a reconnect) does not.
      await age(110);
      const quiet = await lastSeen();
      const res = await fetch(`${url}/api/alerts`, { headers: { cookie, 'x-hearth-background': '1' } });
      expect(res.status).toBe(200);
      expect(await lastSeen()).toBe(quiet);

      // The socket re-checks every second and never touches it: the login ends on time, and the socket is told.
      const socket = await fx.open({ cookie });
      const ended = new Promise<WireError>((resolve) => socket.once('revoked', resolve));
      const started = Date.now();
      expect(await ended).toMatchObject({ code: 'UNAUTHENTICATED' });
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(await lastSeen()).toBe(quiet);
      expect((await api(url, '/me', { cookie })).status).toBe(401);
    } finally {
      await sql.end();
    }
  }, 30_000);
});

describe('the organization\'s resource library', () => {
  const fx = useServerFixture();

  it('keeps resources to give members, refuses bad input with 4xx, and removes them', async () => {
    const { url } = fx.server;
    const added = await api<{ resource: { id: string } }>(url, '/organization/resources', {
      cookie: fx.cookies.b,
      body: { title: 'Warmline', body: 'Call 555-0100, evenings 6–10 pm.', url: 'https://warmline.example.org' }
    });
    expect(added.status).toBe(201);
    const listed = await api<{ resources: { id: string; title: string }[] }>(url, '/organization/resources', { cookie: fx.cookies.supervisor });
    expect(listed.body.resources).toEqual([{ id: added.body.resource.id, title: 'Warmline', body: 'Call 555-0100, evenings 6–10 pm.', url: 'https://warmline.example.org' }]);
    for (const body of [{ title: '', body: '', url: null }, { title: 'Plain', body: '', url: 'http://insecure.example.org' }, { title: 'Extra', body: '', url: null, who: 'x' }]) {
      const res = await api<{ error: { code: string } }>(url, '/organization/resources', { cookie: fx.cookies.b, body });
      expect(res).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
    }
    expect((await api(url, `/organization/resources/${added.body.resource.id}`, { cookie: fx.cookies.a, method: 'DELETE' })).status).toBe(204);
    expect(await api(url, `/organization/resources/${added.body.resource.id}`, { cookie: fx.cookies.a, method: 'DELETE' })).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    expect(await api(url, '/organization/resources/not-a-uuid', { cookie: fx.cookies.a, method: 'DELETE' })).toMatchObject({ status: 400 });
    expect((await api<{ resources: unknown[] }>(url, '/organization/resources', { cookie: fx.cookies.a })).body.resources).toEqual([]);
  });
});
