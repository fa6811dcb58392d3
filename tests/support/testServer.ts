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
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DEMO: 'true', LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent', DATA_DIR: 'memory://', ...env });
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

/** Joins a session as a member through its invite code; returns the member token. */
export async function joinAsMember(baseUrl: string, inviteCode: string, alias: string): Promise<string> {
  const res = await api<{ token: string }>(baseUrl, `/invites/${inviteCode}/join`, { body: { alias } });
  if (res.status !== 201) throw new Error(`member join failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token;
}
