import type { GroupSummary, JoinResult, Me, PasswordLinkIssued, Person } from '@hearth/shared';
import postgres from 'postgres';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/src/app.ts';
import { api, connectBoard, emitAck, login, type BoardClient } from '../support/boardClient.ts';
import { openNotes, synced } from '../support/notesClient.ts';
import { freePort } from '../support/ownRedis.ts';
import { createTestDatabase, REDIS_URL, type TestDatabase } from '../support/services.ts';
import { DEMO_PASSWORD, FACILITATOR_A, FACILITATOR_B, scheduleSession, startTestServer } from '../support/testServer.ts';
import { waitFor } from '../support/wait.ts';

type Invited = { person: Person; link: PasswordLinkIssued };
const tokenOf = (link: PasswordLinkIssued) => new URL(link.url).pathname.split('/').pop()!;

/** A local SMTP sink: every message it accepts, raw. */
async function smtpSink(): Promise<{ port: number; mails: { to: string[]; raw: string }[]; close(): Promise<void> }> {
  const mails: { to: string[]; raw: string }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    }
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/**
 * Colleagues: an admin invites one with a one-time set-password link (mailed through SMTP when it is
 * configured), password changes, and deactivation closing every live connection on every instance.
 */
describe('people of an organization', () => {
  let db: TestDatabase;
  let sql: postgres.Sql;
  let sink: Awaited<ReturnType<typeof smtpSink>>;
  let p1: RunningServer;
  let p2: RunningServer;
  let admin: string;
  let sam: string;
  const sockets: BoardClient[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    sql = postgres(db.url, { max: 2, onnotice: () => undefined });
    sink = await smtpSink();
    const shared = { DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: `people-${process.pid}:`, CREDENTIAL_RECHECK_SECONDS: '3600' };
    p1 = await startTestServer({ ...shared, SMTP_URL: `smtp://127.0.0.1:${sink.port}`, MAIL_FROM: 'Hearth <hearth@test.invalid>' });
    p2 = await startTestServer({ ...shared, DEMO: 'false' });
    admin = await login(p1.url, FACILITATOR_A, DEMO_PASSWORD);
    sam = await login(p1.url, FACILITATOR_B, DEMO_PASSWORD);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await p2?.close();
    await p1?.close();
    await sink?.close();
    await sql?.end({ timeout: 5 });
    await db?.drop();
  });

  const invite = async (email: string, extra: Record<string, unknown> = {}) => {
    const res = await api<Invited>(p1.url, '/organization/people', { cookie: admin, body: { displayName: 'Jordan Park', email, credentials: 'LCSW', ...extra } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };
  const useLink = (url: string, link: PasswordLinkIssued, password: string) =>
    fetch(`${url}/api/password-links/${tokenOf(link)}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password }) });

  it('lets only admins see, invite and deactivate colleagues', async () => {
    const listed = await api<{ people: Person[] }>(p1.url, '/organization/people', { cookie: admin });
    expect(listed.status).toBe(200);
    expect(listed.body.people.map((p) => [p.email, p.admin, p.status])).toContainEqual([FACILITATOR_A, true, 'active']);
    const samId = listed.body.people.find((p) => p.email === FACILITATOR_B)!.id;
    for (const [path, body] of [
      ['/organization/people', undefined],
      ['/organization/people', { displayName: 'X', email: 'x@demo.hearth' }],
      [`/organization/people/${samId}/deactivate`, {}],
      [`/organization/people/${samId}/password-link`, {}]
    ] as const) {
      expect(await api(p1.url, path, { cookie: sam, ...(body && { body }) }), path).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    }
    expect((await api<{ people: Person[] }>(p1.url, '/organization/people', { cookie: admin })).body.people.find((p) => p.email === 'x@demo.hearth')).toBeUndefined();
    expect((await api<{ me: Me }>(p1.url, '/me', { cookie: sam })).body.me).toMatchObject({ admin: false });
  });

  it('invites a colleague with a one-time link, mailed through SMTP, that sets the password and signs in', async () => {
    const { person, link } = await invite('jordan@demo.hearth');
    expect(person).toMatchObject({ email: 'jordan@demo.hearth', displayName: 'Jordan Park', credentials: 'LCSW', admin: false, status: 'invited' });
    expect(link.url).toMatch(new RegExp(`^${p1.url.replace(/[.]/g, '\\.')}/set-password/[A-Za-z0-9_-]{40,}$`));
    expect(link.emailed).toBe(true);
    const mail = await waitFor(() => sink.mails.find((m) => m.to.includes('jordan@demo.hearth')), 10_000, 'the invite mail');
    expect(mail.raw.replace(/=\r?\n/g, '')).toContain(link.url);
    expect(mail.raw).toMatch(/^Subject: Alex Rivera invited you to Hearth/m);
    // Only the token's HMAC is stored.
    const rows = await sql<{ token_hash: string }[]>`select token_hash from password_links l join accounts a on a.id = l.account_id where a.email = 'jordan@demo.hearth'`;
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).not.toContain(tokenOf(link));

    // Before the password is set, nothing signs in, not even an empty password.
    for (const password of ['', 'anything-at-all']) {
      expect((await api(p1.url, '/auth/login', { body: { email: 'jordan@demo.hearth', password } })).status).toBeGreaterThanOrEqual(400);
    }
    expect(await api(p1.url, `/password-links/${tokenOf(link)}`)).toMatchObject({ status: 200, body: { link: { email: 'jordan@demo.hearth', displayName: 'Jordan Park', purpose: 'invite' } } });
    expect((await useLink(p1.url, link, 'short')).status).toBe(400);
    const set = await useLink(p1.url, link, 'a long enough passphrase');
    expect(set.status).toBe(200);
    expect(((await set.json()) as { me: Me }).me).toMatchObject({ email: 'jordan@demo.hearth', credentials: 'LCSW', admin: false });
    const cookie = set.headers.get('set-cookie')!.split(';')[0]!;
    expect((await api<{ me: Me }>(p1.url, '/me', { cookie })).body.me.email).toBe('jordan@demo.hearth');
    // Once: the link is spent, on every instance.
    for (const url of [p1.url, p2.url]) {
      expect(await api(url, `/password-links/${tokenOf(link)}`)).toMatchObject({ status: 404, body: { error: { code: 'LINK_NOT_VALID' } } });
      expect((await useLink(url, link, 'another passphrase here')).status).toBe(404);
    }
    expect(await login(p1.url, 'jordan@demo.hearth', 'a long enough passphrase')).toMatch(/^hearth_session=/);
    expect((await api<{ people: Person[] }>(p1.url, '/organization/people', { cookie: admin })).body.people.find((p) => p.email === 'jordan@demo.hearth')?.status).toBe('active');
  });

  it('refuses a taken email, an expired link and a link replaced by a newer one', async () => {
    expect(await api(p1.url, '/organization/people', { cookie: admin, body: { displayName: 'Again', email: 'JORDAN@demo.hearth' } })).toMatchObject({ status: 409, body: { error: { code: 'EMAIL_TAKEN' } } });
    const { person, link: first } = await invite('casey@demo.hearth', { admin: true });
    const second = (await api<Invited>(p1.url, `/organization/people/${person.id}/password-link`, { cookie: admin, body: {} })).body.link;
    expect(await api(p1.url, `/password-links/${tokenOf(first)}`)).toMatchObject({ status: 404, body: { error: { code: 'LINK_NOT_VALID' } } });
    expect((await api(p1.url, `/password-links/${tokenOf(second)}`)).status).toBe(200);
    await sql`update password_links set expires_at = now() - interval '1 second' where account_id = ${person.id}`;
    expect(await api(p1.url, `/password-links/${tokenOf(second)}`)).toMatchObject({ status: 404, body: { error: { code: 'LINK_NOT_VALID' } } });
    expect((await useLink(p1.url, second, 'a long enough passphrase')).status).toBe(404);
    const [row] = await sql<{ password_hash: string }[]>`select password_hash from accounts where id = ${person.id}`;
    expect(row!.password_hash).toBe('');
  });

  it('still answers the invite when mail cannot be sent: the link is shown, not mailed', async () => {
    const down = await startTestServer({ DATABASE_URL: db.url, DEMO: 'false', SMTP_URL: `smtp://127.0.0.1:${await freePort()}` });
    try {
      const cookie = await login(down.url, FACILITATOR_A, DEMO_PASSWORD);
      const res = await api<Invited>(down.url, '/organization/people', { cookie, body: { displayName: 'Riley Cho', email: 'riley@demo.hearth' } });
      expect(res.status).toBe(201);
      expect(res.body.link.emailed).toBe(false);
      expect((await api(down.url, '/health')).status).toBe(200);
    } finally {
      await down.close();
    }
  });

  it('changes a password: the current one is needed, other logins end, this one stays', async () => {
    const here = await login(p1.url, 'jordan@demo.hearth', 'a long enough passphrase');
    const elsewhere = await login(p2.url, 'jordan@demo.hearth', 'a long enough passphrase');
    const change = (cookie: string, currentPassword: string, newPassword: string) =>
      api(p1.url, '/me/password', { cookie, method: 'PUT', body: { currentPassword, newPassword } });
    expect(await change(here, 'not the password', 'a brand new passphrase')).toMatchObject({ status: 401, body: { error: { code: 'INVALID_CREDENTIALS' } } });
    expect(await change(here, 'a long enough passphrase', 'short')).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
    expect((await change(here, 'a long enough passphrase', 'a brand new passphrase')).status).toBe(204);
    expect((await api(p1.url, '/me', { cookie: here })).status).toBe(200);
    expect((await api(p2.url, '/me', { cookie: elsewhere })).status).toBe(401);
    await expect(login(p1.url, 'jordan@demo.hearth', 'a long enough passphrase')).rejects.toThrow(/401/);
    expect(await login(p1.url, 'jordan@demo.hearth', 'a brand new passphrase')).toMatch(/^hearth_session=/);
  });

  it('refuses passkey answers that do not verify: unknown passkeys, spent challenges, malformed bodies', async () => {
    const fake = { id: 'AAAA', rawId: 'AAAA', type: 'public-key', clientExtensionResults: {}, response: { clientDataJSON: 'e30', authenticatorData: 'AAAA', signature: 'AAAA' } };
    const options = await api<{ challengeId: string; options: { challenge: string; rpId: string } }>(p1.url, '/auth/passkey/options', { body: {} });
    expect(options).toMatchObject({ status: 200, body: { options: { rpId: new URL(p1.url).hostname } } });
    expect(options.body.options.challenge).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const signIn = (challengeId: string, response: unknown) => api(p1.url, '/auth/passkey', { body: { challengeId, response } });
    expect(await signIn(options.body.challengeId, fake)).toMatchObject({ status: 401, body: { error: { code: 'PASSKEY_REFUSED' } } });
    // The challenge was spent by that attempt, on every instance.
    expect(await api(p2.url, '/auth/passkey', { body: { challengeId: options.body.challengeId, response: fake } })).toMatchObject({ status: 401, body: { error: { code: 'PASSKEY_REFUSED' } } });
    expect(await signIn('00000000-0000-4000-8000-000000000000', fake)).toMatchObject({ status: 401, body: { error: { code: 'PASSKEY_REFUSED' } } });
    for (const bad of [{ ...fake, type: 'password' }, { ...fake, response: { clientDataJSON: 'e30' } }, { ...fake, id: 'not base64!' }, { ...fake, extra: 1 }]) {
      const fresh = (await api<{ challengeId: string }>(p1.url, '/auth/passkey/options', { body: {} })).body.challengeId;
      expect(await signIn(fresh, bad), JSON.stringify(bad)).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
    }
    // Registering needs a login, and a challenge made for that login.
    expect((await api(p1.url, '/me/passkeys/options', { body: {} })).status).toBe(401);
    const mine = (await api<{ challengeId: string }>(p1.url, '/me/passkeys/options', { cookie: sam, body: {} })).body.challengeId;
    const registration = { id: 'AAAA', rawId: 'AAAA', type: 'public-key', clientExtensionResults: {}, response: { clientDataJSON: 'e30', attestationObject: 'AAAA' } };
    expect(await api(p1.url, '/me/passkeys', { cookie: admin, body: { challengeId: mine, name: 'Not mine', response: registration } })).toMatchObject({ status: 401, body: { error: { code: 'PASSKEY_REFUSED' } } });
    expect(await api(p1.url, '/me/passkeys', { cookie: sam, body: { challengeId: mine, name: 'Forged', response: registration } })).toMatchObject({ status: 401, body: { error: { code: 'PASSKEY_REFUSED' } } });
    expect((await api<{ passkeys: unknown[] }>(p1.url, '/me/passkeys', { cookie: sam })).body.passkeys).toEqual([]);
    // Guessing is stopped: after 10 refused answers from one address (three above, one of them on
    // instance 2: the instances share the count through Redis), 429 RATE_LIMITED.
    for (let i = 0; i < 7; i++) expect((await signIn('00000000-0000-4000-8000-000000000000', fake)).status).toBe(401);
    expect(await signIn('00000000-0000-4000-8000-000000000000', fake)).toMatchObject({ status: 429, body: { error: { code: 'RATE_LIMITED', message: expect.stringMatching(/Try again in/) } } });
    expect((await api(p1.url, '/health')).status).toBe(200);
  });

  it('deactivates a colleague: their board and notes on another instance close within 2 s, and they cannot sign in again', async () => {
    const jordan = await login(p2.url, 'jordan@demo.hearth', 'a brand new passphrase');
    const jordanId = (await api<{ me: Me }>(p2.url, '/me', { cookie: jordan })).body.me.id;
    const created = await api<{ group: GroupSummary }>(p1.url, '/groups', { cookie: admin, body: { name: 'Tuesday skills', aliases: ['Fern', 'Oak'], coFacilitatorEmail: 'jordan@demo.hearth' } });
    expect(created.status).toBe(201);
    const session = (await api<{ session: { id: string } }>(p1.url, `/groups/${created.body.group.id}/sessions`, { cookie: admin, body: { title: 'Week 1', scheduledFor: null, agenda: [] } })).body.session;
    const board = await connectBoard(p2.url, { cookie: jordan });
    sockets.push(board);
    expect(await emitAck(board, 'join', { sessionId: session.id })).toMatchObject({ ok: true, role: 'facilitator' } satisfies Partial<JoinResult>);
    const notes = openNotes(p2.url, session.id, jordan);
    await synced(notes);
    const revoked: unknown[] = [];
    board.on('revoked', (r) => revoked.push(r));

    expect(await api(p1.url, `/organization/people/${(await api<{ me: Me }>(p1.url, '/me', { cookie: admin })).body.me.id}/deactivate`, { cookie: admin, body: {} })).toMatchObject({ status: 409, body: { error: { code: 'OWN_ACCOUNT' } } });
    const sent = Date.now();
    const res = await api<{ person: Person }>(p1.url, `/organization/people/${jordanId}/deactivate`, { cookie: admin, body: {} });
    expect(res).toMatchObject({ status: 200, body: { person: { status: 'deactivated' } } });
    await waitFor(() => !board.connected && notes.closes.length > 0, 2000, 'the board and notes to close');
    const took = Date.now() - sent;
    expect(took).toBeLessThan(2000);
    expect(revoked).toEqual([{ code: 'UNAUTHENTICATED', message: expect.any(String) }]);
    notes.destroy();

    expect((await api(p2.url, '/me', { cookie: jordan })).status).toBe(401);
    expect(await api(p1.url, '/auth/login', { body: { email: 'jordan@demo.hearth', password: 'a brand new passphrase' } })).toMatchObject({ status: 401, body: { error: { code: 'INVALID_CREDENTIALS' } } });
    expect(await api(p1.url, `/organization/people/${jordanId}/password-link`, { cookie: admin, body: {} })).toMatchObject({ status: 409, body: { error: { code: 'ACCOUNT_DEACTIVATED' } } });
    // The account stays, for the records that name it.
    expect((await api<{ people: Person[] }>(p1.url, '/organization/people', { cookie: admin })).body.people.find((p) => p.id === jordanId)?.status).toBe('deactivated');
    // An account of the organization only: another organization's ids are unknown.
    expect(await api(p1.url, '/organization/people/00000000-0000-4000-8000-000000000000/deactivate', { cookie: admin, body: {} })).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
  });
});
