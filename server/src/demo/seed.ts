import { STANDARD_TEMPLATES, type NewItem } from '@hearth/shared';
import { hashPassword } from '../auth/passwords.ts';
import type { BoardService } from '../live/BoardService.ts';
import type { Accounts } from '../store/Accounts.ts';
import type { Db } from '../store/Db.ts';
import type { Groups } from '../store/Groups.ts';
import type { Organizations } from '../store/Organizations.ts';
import { randomBytes } from 'node:crypto';
import { scheduleSession } from '../sessions/scheduleSession.ts';

/** The demo password of every demo account: printed at start, published in the README. */
export const DEMO_PASSWORD = 'hearth-demo';

/** Arbitrary constant naming the demo seeding lock among Postgres advisory locks. */
const DEMO_SEED_LOCK = 7_337_002;

export const DEMO_ACCOUNTS = [
  { email: 'alex@demo.hearth', displayName: 'Alex Rivera', credentials: 'LCSW', role: 'facilitator' },
  { email: 'sam@demo.hearth', displayName: 'Sam Okafor', credentials: 'LMFT', role: 'facilitator' },
  { email: 'morgan@demo.hearth', displayName: 'Dr. Morgan Lee', credentials: 'PhD, licensed psychologist', role: 'supervisor' }
] as const;

/** Where the demo practice is, and the three formats its library starts with. */
export const DEMO_TIME_ZONE = 'America/Chicago';
export const DEMO_TEMPLATES: readonly string[] = ['DBT skills group', 'CBT group', 'Process group'];

export const DEMO_ALIASES = ['Maple', 'River', 'Sparrow', 'Cedar', 'Juniper', 'Harbor', 'Willow', 'Aspen'];

/** A typical 90-minute skills group. */
export const TYPICAL_AGENDA: readonly Omit<NewItem, 'itemId'>[] = [
  { title: 'Check-in', kind: 'check-in', plannedMinutes: 15 },
  { title: 'Psychoeducation: the stress response', kind: 'psychoeducation', plannedMinutes: 15 },
  { title: 'Skill practice: paced breathing', kind: 'skill-practice', plannedMinutes: 20 },
  { title: 'Open process', kind: 'open-process', plannedMinutes: 25 },
  { title: 'Check-out', kind: 'check-out', plannedMinutes: 10 }
];

/**
 * Seeds the demo organization into an empty database: two facilitators, a supervisor, a group of
 * eight members known by alias, and a scheduled session with a typical agenda.
 */
export async function seedDemo(deps: { db: Db; accounts: Accounts; groups: Groups; organizations: Organizations; board: BoardService }): Promise<boolean> {
  const { db, accounts, groups, organizations, board } = deps;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const seeded = await db.transaction(async (tx) => {
    // Instances starting together take turns here; only the first finds the database empty.
    await tx.query('select pg_advisory_xact_lock($1)', [DEMO_SEED_LOCK]);
    const [row] = await tx.query<{ n: number }>('select count(*)::int as n from accounts');
    if (Number(row?.n ?? 0) > 0) return null;
    const organizationId = await accounts.createOrganization('Demo Counseling Practice', tx);
    await organizations.setTimeZone(organizationId, DEMO_TIME_ZONE, tx);
    for (const template of STANDARD_TEMPLATES.filter((t) => DEMO_TEMPLATES.includes(t.name))) await organizations.addTemplate(organizationId, template, null, tx);
    const ids: { accountId: string; role: 'facilitator' | 'supervisor' }[] = [];
    for (const [n, a] of DEMO_ACCOUNTS.entries()) {
      // The first facilitator administers the demo organization.
      ids.push({ accountId: await accounts.create({ organizationId, email: a.email, displayName: a.displayName, credentials: a.credentials, passwordHash, admin: n === 0 }, tx), role: a.role });
    }
    const facilitator = ids[0]!.accountId;
    const groupId = await groups.create(
      { organizationId, name: 'Tuesday Coping Skills Group', createdBy: facilitator, staff: ids, aliases: DEMO_ALIASES },
      tx
    );
    return { groupId, facilitatorId: facilitator };
  });
  if (!seeded) return false;
  const { groupId, facilitatorId } = seeded;
  const scheduledFor = new Date(Date.now() + 60 * 60_000);
  scheduledFor.setMinutes(0, 0, 0);
  const title = 'Week 6: Riding the wave of strong emotions';
  const { result } = await scheduleSession(
    { board, groups, organizations },
    {
      groupId,
      createdBy: facilitatorId,
      title,
      scheduledFor: scheduledFor.toISOString(),
      agenda: TYPICAL_AGENDA.map((i) => ({ ...i, itemId: randomBytes(6).toString('base64url') }))
    }
  );
  if (!result.ok) throw new Error(`demo session: ${result.error.message}`);
  return true;
}
