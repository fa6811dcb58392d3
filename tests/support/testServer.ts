import type { CreateSessionRequest, GroupSummary, SessionSummary } from '@hearth/shared';
import { startServer, type RunningServer } from '../../server/src/app.ts';
import { loadConfig } from '../../server/src/config.ts';
import { createLogger } from '../../server/src/log.ts';
import { DEMO_PASSWORD } from '../../server/src/demo/seed.ts';
import { api, login } from './boardClient.ts';

export { DEMO_PASSWORD };
export const FACILITATOR_A = 'alex@demo.hearth';
export const FACILITATOR_B = 'sam@demo.hearth';
export const SUPERVISOR = 'morgan@demo.hearth';

/** Starts a real server in this process on port 0 with the demo organization seeded. */
export async function startTestServer(env: Record<string, string> = {}): Promise<RunningServer> {
  // Every test of a file comes from one address: the limits on invite codes that do not work and on
  // connections per address are raised here, and tested on servers of their own with the defaults.
  const config = loadConfig({
    PORT: '0', HOST: '127.0.0.1', DEMO: 'true', LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent', DATA_DIR: 'memory://',
    INVITE_ATTEMPTS: '10000', CONNECTIONS_PER_MINUTE: '100000', ...env
  });
  return startServer(config, createLogger(config.logLevel));
}

/** The demo group as a facilitator sees it. */
export async function demoGroup(baseUrl: string, cookie: string): Promise<GroupSummary> {
  const { body } = await api<{ groups: GroupSummary[] }>(baseUrl, '/groups', { cookie });
  const g = body.groups[0];
  if (!g) throw new Error('no demo group');
  return g;
}

let counter = 0;

/** Schedules a fresh session in the demo group with a three-item agenda (ids a1, a2, a3). */
export async function scheduleSession(baseUrl: string, cookie: string, title = `Test session ${++counter}`): Promise<SessionSummary> {
  const group = await demoGroup(baseUrl, cookie);
  const body: CreateSessionRequest = {
    title,
    scheduledFor: null,
    agenda: [
      { itemId: 'a1', title: 'Check-in', kind: 'check-in', plannedMinutes: 10 },
      { itemId: 'a2', title: 'Skill practice', kind: 'skill-practice', plannedMinutes: 20 },
      { itemId: 'a3', title: 'Check-out', kind: 'check-out', plannedMinutes: 10 }
    ]
  };
  const res = await api<{ session: SessionSummary }>(baseUrl, `/groups/${group.id}/sessions`, { cookie, body });
  if (res.status !== 201) throw new Error(`schedule failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.session;
}

/** Signs in the three demo clinicians. */
export async function demoLogins(baseUrl: string): Promise<{ a: string; b: string; supervisor: string }> {
  const [a, b, supervisor] = await Promise.all([
    login(baseUrl, FACILITATOR_A, DEMO_PASSWORD),
    login(baseUrl, FACILITATOR_B, DEMO_PASSWORD),
    login(baseUrl, SUPERVISOR, DEMO_PASSWORD)
  ]);
  return { a, b, supervisor };
}

/** A session a member may join: its id and its group. */
export interface MemberSession {
  readonly id: string;
  readonly groupId: string;
}

// Per server and group: a facilitator's cookie, and each member's personal code (issued once: a new
// code would end the tokens of the one before).
const facilitatorOf = new Map<string, Promise<string>>();
const codes = new Map<string, string>();
const automatic = new Set<string>();

async function facilitatorCookie(baseUrl: string): Promise<string> {
  let cookie = facilitatorOf.get(baseUrl);
  if (!cookie) {
    cookie = login(baseUrl, FACILITATOR_A, DEMO_PASSWORD);
    facilitatorOf.set(baseUrl, cookie);
    cookie.catch(() => facilitatorOf.delete(baseUrl));
  }
  return cookie;
}

/**
 * A member's personal invite code for the group (issued by the demo's first facilitator, once per
 * server and member). With `admitAutomatically` the group lets a member's first device straight in.
 */
export async function personalCode(baseUrl: string, groupId: string, alias: string, opts: { admitAutomatically?: boolean } = {}): Promise<string> {
  const key = `${baseUrl} ${groupId} ${alias.toLowerCase()}`;
  const known = codes.get(key);
  if (known && (!opts.admitAutomatically || automatic.has(`${baseUrl} ${groupId}`))) return known;
  let cookie = await facilitatorCookie(baseUrl);
  let groups = await api<{ groups: GroupSummary[] }>(baseUrl, '/groups', { cookie });
  if (groups.status === 401) {
    // A server restarted on a fresh database at the same address: sign in again.
    facilitatorOf.delete(baseUrl);
    cookie = await facilitatorCookie(baseUrl);
    groups = await api<{ groups: GroupSummary[] }>(baseUrl, '/groups', { cookie });
  }
  const member = groups.body.groups.find((g) => g.id === groupId)?.members.find((m) => m.alias.toLowerCase() === alias.toLowerCase());
  if (!member) throw new Error(`no member ${alias} in group ${groupId}`);
  if (opts.admitAutomatically !== undefined) {
    const set = await api(baseUrl, `/groups/${groupId}/admission`, { cookie, method: 'PUT', body: { admitAutomatically: opts.admitAutomatically } });
    if (set.status !== 200) throw new Error(`admission setting failed: ${set.status}`);
    if (opts.admitAutomatically) automatic.add(`${baseUrl} ${groupId}`);
    else automatic.delete(`${baseUrl} ${groupId}`);
  }
  if (known) return known;
  const issued = await api<{ code: string }>(baseUrl, `/groups/${groupId}/members/${member.id}/invite`, { cookie, method: 'POST' });
  if (issued.status !== 201) throw new Error(`invite failed: ${issued.status} ${JSON.stringify(issued.body)}`);
  codes.set(key, issued.body.code);
  return issued.body.code;
}

/**
 * Joins a session as a member with their personal invite, the group admitting automatically (tests of
 * the waiting room turn that off); returns the member token. A member whose device is admitted
 * already would wait as a second device: that throws, unless `waiting` is allowed.
 */
export async function joinAsMember(baseUrl: string, session: MemberSession, alias: string, opts: { waiting?: boolean } = {}): Promise<string> {
  const code = await personalCode(baseUrl, session.groupId, alias, { admitAutomatically: true });
  let res = await api<{ token: string; admission: string }>(baseUrl, `/invites/${code}/join`, { body: { sessionId: session.id, acceptAgreement: true } });
  if (res.status === 404) {
    // The server behind the address was restarted on a fresh database: a new code.
    codes.delete(`${baseUrl} ${session.groupId} ${alias.toLowerCase()}`);
    const fresh = await personalCode(baseUrl, session.groupId, alias, { admitAutomatically: true });
    res = await api<{ token: string; admission: string }>(baseUrl, `/invites/${fresh}/join`, { body: { sessionId: session.id, acceptAgreement: true } });
  }
  if (res.status !== 201) throw new Error(`member join failed: ${res.status} ${JSON.stringify(res.body)}`);
  if (res.body.admission !== 'admitted' && !opts.waiting) throw new Error(`member ${alias} is ${res.body.admission}, not admitted`);
  return res.body.token;
}

/**
 * The path of a member's personal invite for one session (`?session=`), the group admitting
 * automatically: the member's browser taps "Join the session" and is on the board.
 */
export async function memberLink(baseUrl: string, session: MemberSession, alias: string): Promise<string> {
  return `/join/${await personalCode(baseUrl, session.groupId, alias, { admitAutomatically: true })}?session=${session.id}`;
}
