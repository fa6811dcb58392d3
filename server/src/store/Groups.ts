import { randomUUID } from 'node:crypto';
import { DEFAULT_PARTICIPATION_SETTINGS, MeasureSchedule, ParticipationSettings, type RosterEntry } from '@hearth/shared';
import type { Db, Queryable } from './Db.ts';
import { jsonOf } from './jsonColumn.ts';

export type StaffRole = 'facilitator' | 'supervisor';

export interface SessionRow {
  readonly id: string;
  readonly groupId: string;
  readonly groupName: string;
  readonly inviteCode: string;
  readonly title: string;
  readonly status: 'scheduled' | 'live' | 'ended' | 'cancelled';
  readonly scheduledFor: string | null;
}

export interface RosterMember {
  readonly id: string;
  readonly alias: string;
}

/** A roster member with their place over time: discharged (on a date, for a reason) or not. */
export interface RosterMemberRow extends RosterMember {
  readonly dischargedOn: string | null;
  readonly dischargeReason: string | null;
  /** The group agreement as they accepted it on their device: its version and when; null before their first join. */
  readonly agreement: { readonly version: string; readonly acceptedAt: string } | null;
}

/** What facilitators set on a group. */
export interface GroupSettingsRow {
  readonly name: string;
  readonly closed: boolean;
  readonly maxSize: number;
  readonly supervisorCosign: boolean;
}

/** A group as one of its clinicians sees it. */
export interface GroupRow {
  readonly id: string;
  readonly name: string;
  /** The clinician's role in it. */
  readonly role: StaffRole;
  readonly facilitators: readonly string[];
  readonly staff: readonly { readonly id: string; readonly displayName: string; readonly email: string; readonly role: StaffRole }[];
  /** The active roster, in order. */
  readonly roster: readonly RosterMember[];
  /** Everyone ever on the roster, discharged members included. */
  readonly members: readonly RosterMemberRow[];
  readonly settings: GroupSettingsRow;
  /** Whether a member's first device comes straight in, without the waiting room. */
  readonly admitAutomatically: boolean;
  readonly sessions: readonly SessionRow[];
}

type SessionDbRow = {
  id: string; group_id: string; group_name: string; invite_code: string; title: string;
  status: 'scheduled' | 'live' | 'ended' | 'cancelled'; scheduled_for: Date | null;
};
const toSession = (r: SessionDbRow): SessionRow => ({
  id: r.id,
  groupId: r.group_id,
  groupName: r.group_name,
  inviteCode: r.invite_code,
  title: r.title,
  status: r.status,
  scheduledFor: r.scheduled_for ? new Date(r.scheduled_for).toISOString() : null
});

const SESSION_SELECT = `select s.id, s.group_id, g.name as group_name, s.invite_code, s.title, s.status, s.scheduled_for
  from sessions s join groups g on g.id = s.group_id`;

/** Groups, their staff and rosters, and their sessions: rows, which the HTTP layer shapes into answers. */
export class Groups {
  constructor(private readonly db: Db) {}

  async create(
    input: {
      organizationId: string;
      name: string;
      createdBy: string | null;
      staff: readonly { accountId: string; role: StaffRole }[];
      aliases: readonly string[];
    },
    tx?: Queryable
  ): Promise<string> {
    const id = randomUUID();
    const run = async (q: Queryable) => {
      await q.query('insert into groups (id, organization_id, name, created_by) values ($1, $2, $3, $4)', [
        id, input.organizationId, input.name, input.createdBy
      ]);
      for (const s of input.staff) {
        await q.query(
          'insert into group_staff (group_id, account_id, role) values ($1, $2, $3) on conflict do nothing',
          [id, s.accountId, s.role]
        );
      }
      for (const [position, alias] of input.aliases.entries()) {
        await q.query('insert into roster_members (id, group_id, alias, position) values ($1, $2, $3, $4)', [
          randomUUID(), id, alias, position
        ]);
      }
    };
    if (tx) await run(tx);
    else await this.db.transaction(run);
    return id;
  }

  /** The clinician's role in a group, or null when they have none. */
  async roleInGroup(accountId: string, groupId: string): Promise<StaffRole | null> {
    const [row] = await this.db.query<{ role: StaffRole }>(
      'select role from group_staff where group_id = $1 and account_id = $2',
      [groupId, accountId]
    );
    return row?.role ?? null;
  }

  /** The groups a clinician belongs to, with staff, roster and sessions (newest first). */
  async listFor(accountId: string): Promise<GroupRow[]> {
    const groups = await this.db.query<{ id: string; name: string; role: StaffRole }>(
      `select g.id, g.name, s.role from groups g join group_staff s on s.group_id = g.id
        where s.account_id = $1 order by g.created_at desc, g.name`,
      [accountId]
    );
    return Promise.all(groups.map((g) => this.row(g.id, g.name, g.role)));
  }

  /** One group as a clinician of it sees it: the facilitators' names, the roster, the sessions (newest first). */
  async row(groupId: string, name: string, role: StaffRole): Promise<GroupRow> {
    const [staff, members, settings, sessions, admitAutomatically] = await Promise.all([
      this.db.query<{ id: string; display_name: string; email: string; role: StaffRole }>(
        `select a.id, a.display_name, a.email, s.role from group_staff s join accounts a on a.id = s.account_id
          where s.group_id = $1 order by s.role, a.display_name`,
        [groupId]
      ),
      this.members(groupId),
      this.settings(groupId),
      this.db.query<SessionDbRow>(`${SESSION_SELECT} where s.group_id = $1 order by s.created_at desc`, [groupId]),
      this.admitsAutomatically(groupId)
    ]);
    return {
      id: groupId,
      name: settings?.name ?? name,
      role,
      facilitators: staff.filter((s) => s.role === 'facilitator').map((s) => s.display_name),
      staff: staff.map((s) => ({ id: s.id, displayName: s.display_name, email: s.email, role: s.role })),
      roster: members.filter((m) => m.dischargedOn === null).map((m) => ({ id: m.id, alias: m.alias })),
      members,
      settings: settings ?? { name, closed: false, maxSize: 12, supervisorCosign: true },
      admitAutomatically,
      sessions: sessions.map(toSession)
    };
  }

  /** The active roster (discharged members left out), in order. */
  async roster(groupId: string): Promise<RosterMember[]> {
    return this.db.query<RosterMember>('select id, alias from roster_members where group_id = $1 and discharged_on is null order by position', [groupId]);
  }

  /** Everyone ever on the roster, in order, with any discharge. */
  async members(groupId: string, tx: Queryable = this.db): Promise<RosterMemberRow[]> {
    const rows = await tx.query<{
      id: string;
      alias: string;
      discharged_on: string | Date | null;
      discharge_reason: string | null;
      agreement_version: string | null;
      agreement_accepted_at: string | Date | null;
    }>(
      'select id, alias, discharged_on::text as discharged_on, discharge_reason, agreement_version, agreement_accepted_at from roster_members where group_id = $1 order by position',
      [groupId]
    );
    return rows.map((r) => ({
      id: r.id,
      alias: r.alias,
      dischargedOn: r.discharged_on === null ? null : String(r.discharged_on).slice(0, 10),
      dischargeReason: r.discharge_reason,
      agreement: r.agreement_version !== null && r.agreement_accepted_at !== null ? { version: r.agreement_version, acceptedAt: new Date(r.agreement_accepted_at).toISOString() } : null
    }));
  }

  /** The session roster of a group: every active member by alias, in roster order. */
  async rosterEntries(groupId: string, tx: Queryable = this.db): Promise<RosterEntry[]> {
    const rows = await tx.query<RosterMember>('select id, alias from roster_members where group_id = $1 and discharged_on is null order by position', [groupId]);
    return rows.map((m) => ({ memberId: m.id, alias: m.alias }));
  }

  async settings(groupId: string): Promise<GroupSettingsRow | null> {
    const [row] = await this.db.query<{ name: string; closed: boolean; max_size: number; supervisor_cosign: boolean }>(
      'select name, closed, max_size, supervisor_cosign from groups where id = $1',
      [groupId]
    );
    return row ? { name: row.name, closed: row.closed, maxSize: Number(row.max_size), supervisorCosign: row.supervisor_cosign } : null;
  }

  async saveSettings(groupId: string, s: GroupSettingsRow): Promise<void> {
    await this.db.query('update groups set name = $2, closed = $3, max_size = $4, supervisor_cosign = $5 where id = $1', [groupId, s.name, s.closed, s.maxSize, s.supervisorCosign]);
  }

  /** Replaces the group's staff in one transaction. */
  async replaceStaff(groupId: string, staff: readonly { accountId: string; role: StaffRole }[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query('delete from group_staff where group_id = $1', [groupId]);
      for (const s of staff) await tx.query('insert into group_staff (group_id, account_id, role) values ($1, $2, $3)', [groupId, s.accountId, s.role]);
    });
  }

  async admitsAutomatically(groupId: string): Promise<boolean> {
    const [row] = await this.db.query<{ admit_automatically: boolean }>('select admit_automatically from groups where id = $1', [groupId]);
    return row?.admit_automatically ?? false;
  }

  async setAdmitAutomatically(groupId: string, on: boolean): Promise<void> {
    await this.db.query('update groups set admit_automatically = $2 where id = $1', [groupId, on]);
  }

  /**
   * The session a member's personal invite opens now: the live one; else the next one planned (a
   * session scheduled more than 12 hours ago that never started no longer counts), cancelled ones
   * included so the member learns of it; else the group's last session that ran. With `sessionId`,
   * that session, if it is the group's.
   */
  async sessionForMember(groupId: string, sessionId?: string): Promise<SessionRow | null> {
    if (sessionId) {
      const [named] = await this.db.query<SessionDbRow>(`${SESSION_SELECT} where s.id = $1 and s.group_id = $2`, [sessionId, groupId]);
      return named ? toSession(named) : null;
    }
    const [next] = await this.db.query<SessionDbRow>(
      `${SESSION_SELECT} where s.group_id = $1 and (s.status = 'live'
          or (s.status in ('scheduled', 'cancelled') and (s.scheduled_for is null or s.scheduled_for > now() - interval '12 hours')))
        order by (s.status = 'live') desc, s.scheduled_for asc nulls last, s.created_at asc limit 1`,
      [groupId]
    );
    if (next) return toSession(next);
    const [last] = await this.db.query<SessionDbRow>(
      `${SESSION_SELECT} where s.group_id = $1 and s.status = 'ended' order by s.scheduled_for desc nulls last, s.created_at desc limit 1`,
      [groupId]
    );
    return last ? toSession(last) : null;
  }

  /** The group's schedule of standard measures; the edge validated it when it was saved. */
  async measureSchedule(groupId: string): Promise<MeasureSchedule> {
    const [row] = await this.db.query<{ measure_schedule: unknown }>('select measure_schedule from groups where id = $1', [groupId]);
    const parsed = MeasureSchedule.safeParse(jsonOf<unknown>(row?.measure_schedule, []));
    return parsed.success ? parsed.data : [];
  }

  async saveMeasureSchedule(groupId: string, schedule: MeasureSchedule): Promise<void> {
    await this.db.query('update groups set measure_schedule = $2::text::jsonb where id = $1', [groupId, JSON.stringify(schedule)]);
  }

  /** The sessions of the group that started (live or ended), oldest first: what progress is read from. */
  async sessionIdsThatRan(groupId: string): Promise<string[]> {
    const rows = await this.db.query<{ id: string }>("select id from sessions where group_id = $1 and status in ('live', 'ended') order by created_at", [groupId]);
    return rows.map((r) => r.id);
  }

  /** Whether any session of the group has started (a closed group then takes no one new without a reason). */
  async hasRun(groupId: string): Promise<boolean> {
    const [row] = await this.db.query<{ n: number }>("select count(*)::int as n from sessions where group_id = $1 and status in ('live', 'ended')", [groupId]);
    return Number(row?.n ?? 0) > 0;
  }

  /** Adds a member at the end of the roster; throws the unique violation when the alias is taken in the group. */
  async addMember(groupId: string, alias: string, by: string, reason: string): Promise<string> {
    const id = randomUUID();
    await this.db.transaction(async (tx) => {
      const [row] = await tx.query<{ n: number }>('select coalesce(max(position), -1)::int + 1 as n from roster_members where group_id = $1', [groupId]);
      await tx.query('insert into roster_members (id, group_id, alias, position) values ($1, $2, $3, $4)', [id, groupId, alias, Number(row?.n ?? 0)]);
      await tx.query("insert into roster_changes (group_id, member_id, change, effective_on, reason, by_account) values ($1, $2, 'added', current_date, $3, $4)", [groupId, id, reason, by]);
    });
    return id;
  }

  /** Discharges or re-admits a member; false when the member is not in the group or already so. */
  async setDischarge(groupId: string, memberId: string, discharge: { on: string; reason: string } | null, by: string, reason = ''): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const rows = discharge
        ? await tx.query<{ id: string }>('update roster_members set discharged_on = $3::date, discharge_reason = $4 where id = $2 and group_id = $1 and discharged_on is null returning id', [groupId, memberId, discharge.on, discharge.reason])
        : await tx.query<{ id: string }>('update roster_members set discharged_on = null, discharge_reason = null where id = $2 and group_id = $1 and discharged_on is not null returning id', [groupId, memberId]);
      if (rows.length === 0) return false;
      await tx.query(
        'insert into roster_changes (group_id, member_id, change, effective_on, reason, by_account) values ($1, $2, $3, coalesce($4::date, current_date), $5, $6)',
        [groupId, memberId, discharge ? 'discharged' : 'readmitted', discharge?.on ?? null, discharge?.reason ?? reason, by]
      );
      return true;
    });
  }

  /** Sessions of the group that have not started: they take roster changes. */
  async upcomingSessionIds(groupId: string): Promise<string[]> {
    return (await this.db.query<{ id: string }>("select id from sessions where group_id = $1 and status = 'scheduled'", [groupId])).map((r) => r.id);
  }

  /** When to nudge in this group's sessions; the defaults until a facilitator changes them. */
  async participationSettings(groupId: string, tx: Queryable = this.db): Promise<ParticipationSettings> {
    const [row] = await tx.query<{ participation_settings: unknown }>('select participation_settings from groups where id = $1', [groupId]);
    const stored = ParticipationSettings.safeParse(row?.participation_settings);
    return stored.success ? stored.data : DEFAULT_PARTICIPATION_SETTINGS;
  }

  async setParticipationSettings(groupId: string, settings: ParticipationSettings): Promise<void> {
    await this.db.query('update groups set participation_settings = $2::text::jsonb where id = $1', [groupId, JSON.stringify(settings)]);
  }

  /** The clinicians of a session's group: ids, names and roles, for clinicians to put names to ids. */
  async staff(groupId: string): Promise<{ id: string; displayName: string; role: StaffRole }[]> {
    return (await this.staffWithCredentials(groupId)).map(({ id, displayName, role }) => ({ id, displayName, role }));
  }

  /** The group's clinicians with their credentials, for records and their signature blocks. */
  async staffWithCredentials(groupId: string): Promise<{ id: string; displayName: string; credentials: string; role: StaffRole }[]> {
    const rows = await this.db.query<{ id: string; display_name: string; credentials: string; role: StaffRole }>(
      `select a.id, a.display_name, a.credentials, s.role from group_staff s join accounts a on a.id = s.account_id
        where s.group_id = $1 order by s.role, a.display_name`,
      [groupId]
    );
    return rows.map((r) => ({ id: r.id, displayName: r.display_name, credentials: r.credentials, role: r.role }));
  }

  /** Whether the group's records need its supervisor's co-signature. */
  async supervisorCosign(groupId: string): Promise<boolean> {
    const [row] = await this.db.query<{ supervisor_cosign: boolean }>('select supervisor_cosign from groups where id = $1', [groupId]);
    return row?.supervisor_cosign ?? true;
  }

  async byId(groupId: string): Promise<{ id: string; name: string; organizationId: string } | null> {
    const [row] = await this.db.query<{ id: string; name: string; organization_id: string }>(
      'select id, name, organization_id from groups where id = $1',
      [groupId]
    );
    return row ? { id: row.id, name: row.name, organizationId: row.organization_id } : null;
  }

  /** Inserts a session row; used inside the transaction that appends its first events. */
  async insertSession(
    tx: Queryable,
    input: { id: string; groupId: string; inviteCode: string; title: string; scheduledFor: string | null; createdBy: string }
  ): Promise<void> {
    await tx.query(
      `insert into sessions (id, group_id, invite_code, title, status, scheduled_for, created_by)
       values ($1, $2, $3, $4, 'scheduled', $5, $6)`,
      [input.id, input.groupId, input.inviteCode, input.title, input.scheduledFor, input.createdBy]
    );
  }

  async session(sessionId: string): Promise<SessionRow | null> {
    const [row] = await this.db.query<SessionDbRow>(`${SESSION_SELECT} where s.id = $1`, [sessionId]);
    return row ? toSession(row) : null;
  }

  async sessionByInvite(code: string): Promise<SessionRow | null> {
    const [row] = await this.db.query<SessionDbRow>(`${SESSION_SELECT} where s.invite_code = $1`, [code]);
    return row ? toSession(row) : null;
  }

  /**
   * Scheduled or live sessions of the organization a clinician belongs to — the demo's, for printing
   * its invite links at start. Never other organizations': their invite codes stay out of logs.
   */
  async openSessionsInOrganizationOf(email: string): Promise<SessionRow[]> {
    const rows = await this.db.query<SessionDbRow>(
      `${SESSION_SELECT} where s.status in ('scheduled', 'live')
         and g.organization_id = (select organization_id from accounts where email = $1)
       order by s.created_at`,
      [email.toLowerCase()]
    );
    return rows.map(toSession);
  }
}
