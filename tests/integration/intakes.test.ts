import type { Intake } from '@hearth/shared';
import { describe, expect, it } from 'vitest';
import { api } from '../support/boardClient.ts';
import { useServerFixture } from '../support/serverFixture.ts';
import { demoGroup } from '../support/testServer.ts';

/**
 * Intakes of prospective members: written by the group's facilitators, read by its supervisor, with
 * readiness, contraindications and a decision that needs its reason (and cannot admit someone with a
 * contraindication marked); who decided and when is recorded, each read and change audited.
 */
describe('intakes', () => {
  const fx = useServerFixture();

  it('records an intake and its decision with who made it, for the group\'s clinicians only', async () => {
    const group = await demoGroup(fx.server.url, fx.cookies.a);
    const path = `/groups/${group.id}/intakes`;
    const input = {
      alias: 'Rowan',
      referralSource: 'GP, Dr. Ahmed',
      goals: 'Fewer panic attacks at work',
      readiness: ['attend', 'motivated', 'goals-fit'],
      contraindications: [],
      decision: null,
      reason: ''
    };
    const added = await api<{ intakes: Intake[] }>(fx.server.url, path, { cookie: fx.cookies.a, body: input });
    expect(added.status).toBe(201);
    const [rowan] = added.body.intakes;
    expect(rowan).toMatchObject({ alias: 'Rowan', decision: null, decidedBy: null, readiness: ['attend', 'motivated', 'goals-fit'] });

    // A decision needs a reason, and an admission no contraindication.
    const bad = async (body: unknown) => (await api<{ error: { code: string } }>(fx.server.url, `${path}/${rowan!.id}`, { cookie: fx.cookies.a, method: 'PUT', body })).status;
    expect(await bad({ ...input, decision: 'admit', reason: '' })).toBe(400);
    expect(await bad({ ...input, decision: 'admit', reason: 'Fits', contraindications: ['acute-risk'] })).toBe(400);
    expect(await bad({ ...input, readiness: ['not-an-item'] })).toBe(400);
    expect(await bad({ ...input, extra: true })).toBe(400);

    const decided = await api<{ intakes: Intake[] }>(fx.server.url, `${path}/${rowan!.id}`, { cookie: fx.cookies.b, method: 'PUT', body: { ...input, decision: 'admit', reason: 'Ready, goals fit the skills group' } });
    expect(decided.status).toBe(200);
    expect(decided.body.intakes[0]).toMatchObject({ decision: 'admit', reason: 'Ready, goals fit the skills group', decidedBy: 'Sam Okafor' });
    expect(decided.body.intakes[0]!.decidedAt).not.toBeNull();

    // The supervisor reads, and may not write; nobody outside the group reads.
    expect((await api<{ intakes: Intake[] }>(fx.server.url, path, { cookie: fx.cookies.supervisor })).body.intakes).toHaveLength(1);
    expect((await api(fx.server.url, path, { cookie: fx.cookies.supervisor, body: input })).status).toBe(403);
    expect((await api(fx.server.url, `${path}/00000000-0000-4000-8000-000000000000`, { cookie: fx.cookies.a, method: 'PUT', body: input })).status).toBe(404);
    expect((await api(fx.server.url, path)).status).toBe(401);
    const other = await api<{ group: { id: string } }>(fx.server.url, '/groups', { cookie: fx.cookies.a, body: { name: 'A alone', aliases: ['Oak'] } });
    expect((await api(fx.server.url, `/groups/${other.body.group.id}/intakes`, { cookie: fx.cookies.b })).status).toBe(403);
  });
});
