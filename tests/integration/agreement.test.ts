import type { InviteInfo, MemberProgress } from '@hearth/shared';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { api } from '../support/boardClient.ts';
import { useServerFixture } from '../support/serverFixture.ts';
import { demoGroup, personalCode, scheduleSession } from '../support/testServer.ts';

/**
 * The group agreement: shown on a member's invite page before their first join, accepted by that
 * join on their own device (never by anyone else), recorded with the version and the time, and seen
 * by the group's clinicians; later joins do not ask again.
 */
describe('the group agreement', () => {
  const fx = useServerFixture();

  it('is accepted once, by the member\'s own first join, and recorded with its version and time', async () => {
    const session = await scheduleSession(fx.server.url, fx.cookies.a);
    const code = await personalCode(fx.server.url, session.groupId, 'Juniper', { admitAutomatically: true });
    const before = await api<InviteInfo>(fx.server.url, `/invites/${code}`);
    expect(before.body.agreement).toMatchObject({ acceptedAt: null, title: 'Our group agreement' });
    expect(before.body.agreement.points.join(' ')).toMatch(/at risk of serious harm/);

    // Not accepted: refused with its own code, and nothing recorded.
    const refused = await api<{ error: { code: string } }>(fx.server.url, `/invites/${code}/join`, { body: { sessionId: session.id } });
    expect([refused.status, refused.body.error.code]).toEqual([409, 'AGREEMENT_REQUIRED']);
    expect((await api(fx.server.url, `/invites/${code}/join`, { body: { sessionId: session.id, acceptAgreement: false } })).status).toBe(400);
    expect((await api<InviteInfo>(fx.server.url, `/invites/${code}`)).body.agreement.acceptedAt).toBeNull();

    const t0 = Date.now();
    const joined = await api(fx.server.url, `/invites/${code}/join`, { body: { sessionId: session.id, acceptAgreement: true } });
    expect(joined.status).toBe(201);
    const after = (await api<InviteInfo>(fx.server.url, `/invites/${code}`)).body.agreement;
    expect(Date.parse(after.acceptedAt!)).toBeGreaterThanOrEqual(t0 - 1000);
    // A later join (another device, another week) is not asked again.
    expect((await api(fx.server.url, `/invites/${code}/join`, { body: { sessionId: session.id } })).status).toBe(201);
    expect((await api<InviteInfo>(fx.server.url, `/invites/${code}`)).body.agreement.acceptedAt).toBe(after.acceptedAt);

    // The clinicians see it on the member's progress; the audit log says who accepted which version.
    const group = await demoGroup(fx.server.url, fx.cookies.a);
    const juniper = group.members.find((m) => m.alias === 'Juniper')!;
    const progress = await api<MemberProgress>(fx.server.url, `/groups/${group.id}/members/${juniper.id}/progress`, { cookie: fx.cookies.supervisor });
    expect(progress.body.agreement).toEqual({ version: after.version, acceptedAt: after.acceptedAt });
    const sql = postgres(fx.databaseUrl, { max: 1, onnotice: () => undefined });
    const rows = await sql<{ actor_role: string; actor_id: string; target: string }[]>`select actor_role, actor_id, target from audit_log where action = 'member.agreement'`.finally(() => sql.end());
    expect(rows.map((r) => [r.actor_role, r.actor_id, r.target])).toEqual([['member', juniper.id, after.version]]);
  });
});
