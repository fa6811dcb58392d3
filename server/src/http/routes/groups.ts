import { API_ROUTES, LIMITS, type CommandResult } from '@hearth/shared';
import { randomUUID } from 'node:crypto';
import type { ClinicianIdentity } from '../../auth/Auth.ts';
import { sqlState, UNIQUE_VIOLATION } from '../../store/Db.ts';
import type { Handler } from '../bindRoute.ts';
import { HttpError } from '../errors.ts';
import { groupSummary } from './answers.ts';
import { requireGroupRole, type ApiDeps } from './deps.ts';

type R = typeof API_ROUTES;

/** Groups: listing, creating, editing, their rosters over time, and their nudge settings. */
export function groupRoutes({ accounts, audit, board, groups, logger }: ApiDeps): {
  listGroups: Handler<R['listGroups']>;
  createGroup: Handler<R['createGroup']>;
  saveGroup: Handler<R['saveGroup']>;
  saveStaff: Handler<R['saveStaff']>;
  addMember: Handler<R['addMember']>;
  dischargeMember: Handler<R['dischargeMember']>;
  readmitMember: Handler<R['readmitMember']>;
  groupSettings: Handler<R['groupSettings']>;
  saveGroupSettings: Handler<R['saveGroupSettings']>;
} {
  const facilitate = (who: ClinicianIdentity, groupId: string) =>
    requireGroupRole(groups, who, groupId, ['facilitator'], 'Only a facilitator of this group can change it.');

  /**
   * The group as it now stands, after its roster reached every session that has not started (their
   * boards, live to whoever has them open), with what the facilitator should know.
   */
  const answer = async (who: ClinicianIdentity, groupId: string, rosterChanged: boolean) => {
    if (rosterChanged) {
      const roster = await groups.rosterEntries(groupId);
      for (const sessionId of await groups.upcomingSessionIds(groupId)) {
        const result: CommandResult = await board.execute(sessionId, randomUUID(), { type: 'roster.set', roster }, { role: 'facilitator', id: who.account.id });
        // Unchanged, or started meanwhile: that session keeps the roster it has.
        if (!result.ok && result.error.code !== 'NOTHING_CHANGED' && result.error.code !== 'SESSION_NOT_SCHEDULED') {
          logger.error('roster change not applied to a session', { code: result.error.code });
        }
      }
    }
    const row = await groups.row(groupId, '', 'facilitator');
    const warnings = row.roster.length > row.settings.maxSize
      ? [`The roster has ${row.roster.length} members, above this group's size of ${row.settings.maxSize}${row.settings.maxSize === 12 ? ' (the usual ceiling for billable group psychotherapy)' : ''}.`]
      : [];
    return { group: groupSummary(row), warnings };
  };

  return {
    saveGroup: async ({ who, params, body, ip }) => {
      await facilitate(who, params.groupId);
      await groups.saveSettings(params.groupId, body);
      await audit.record({ actorRole: 'facilitator', actorId: who.account.id, action: 'group.edit', target: params.groupId, ip });
      return { status: 200, body: await answer(who, params.groupId, false) };
    },

    saveStaff: async ({ who, params, body, ip }) => {
      await facilitate(who, params.groupId);
      const staff: { accountId: string; role: 'facilitator' | 'supervisor' }[] = [];
      for (const { email, role } of body.staff) {
        const other = await accounts.byEmail(email);
        if (!other || other.organizationId !== who.account.organizationId || other.deactivatedAt) {
          throw new HttpError('NOT_FOUND', `No active clinician with the email ${email} in your organization.`);
        }
        staff.push({ accountId: other.id, role });
      }
      await groups.replaceStaff(params.groupId, staff);
      await audit.record({ actorRole: 'facilitator', actorId: who.account.id, action: 'group.staff', target: params.groupId, ip });
      const answered = await answer(who, params.groupId, false);
      const stillStaff = staff.some((s) => s.accountId === who.account.id && s.role === 'facilitator');
      return { status: 200, body: { ...answered, warnings: stillStaff ? answered.warnings : ['You are no longer a facilitator of this group: only its facilitators can change it from now on.', ...answered.warnings] } };
    },

    addMember: async ({ who, params, body, ip }) => {
      await facilitate(who, params.groupId);
      const settings = await groups.settings(params.groupId);
      if (settings?.closed && !body.reason && (await groups.hasRun(params.groupId))) {
        throw new HttpError('GROUP_CLOSED', 'This closed group has already met: give a reason to add a member anyway.');
      }
      if ((await groups.roster(params.groupId)).length >= LIMITS.maxRoster) throw new HttpError('ROSTER_FULL', `A roster holds at most ${LIMITS.maxRoster} members.`);
      await groups.addMember(params.groupId, body.alias, who.account.id, body.reason ?? '').catch((e: unknown) => {
        if (sqlState(e) === UNIQUE_VIOLATION) throw new HttpError('ALIAS_TAKEN', `The group has a member called ${body.alias} already (perhaps discharged): choose another alias.`);
        throw e;
      });
      await audit.record({ actorRole: 'facilitator', actorId: who.account.id, action: 'roster.add', target: params.groupId, ip });
      return { status: 201, body: await answer(who, params.groupId, true) };
    },

    dischargeMember: async ({ who, params, body, ip }) => {
      await facilitate(who, params.groupId);
      if (!(await groups.setDischarge(params.groupId, params.memberId, body, who.account.id))) throw new HttpError('NOT_FOUND', 'No member on this group\'s roster has that id.');
      await audit.record({ actorRole: 'facilitator', actorId: who.account.id, action: 'roster.discharge', target: params.memberId, ip });
      return { status: 200, body: await answer(who, params.groupId, true) };
    },

    readmitMember: async ({ who, params, body, ip }) => {
      await facilitate(who, params.groupId);
      if ((await groups.roster(params.groupId)).length >= LIMITS.maxRoster) throw new HttpError('ROSTER_FULL', `A roster holds at most ${LIMITS.maxRoster} members.`);
      if (!(await groups.setDischarge(params.groupId, params.memberId, null, who.account.id, body.reason))) throw new HttpError('NOT_FOUND', 'No discharged member of this group has that id.');
      await audit.record({ actorRole: 'facilitator', actorId: who.account.id, action: 'roster.readmit', target: params.memberId, ip });
      return { status: 200, body: await answer(who, params.groupId, true) };
    },

    listGroups: async ({ who }) => ({ status: 200, body: { groups: (await groups.listFor(who.account.id)).map(groupSummary) } }),

    createGroup: async ({ who, body, ip }) => {
      const staff: { accountId: string; role: 'facilitator' | 'supervisor' }[] = [{ accountId: who.account.id, role: 'facilitator' }];
      for (const [email, role] of [[body.coFacilitatorEmail, 'facilitator'], [body.supervisorEmail, 'supervisor']] as const) {
        if (!email) continue;
        const other = await accounts.byEmail(email);
        if (!other || other.organizationId !== who.account.organizationId) {
          throw new HttpError('NOT_FOUND', `No clinician with the email ${email} in your organization.`);
        }
        if (other.id !== who.account.id) staff.push({ accountId: other.id, role });
      }
      const id = await groups.create({
        organizationId: who.account.organizationId,
        name: body.name,
        createdBy: who.account.id,
        staff,
        aliases: body.aliases
      });
      await audit.record({ actorRole: 'facilitator', actorId: who.account.id, action: 'group.create', target: id, ip });
      return { status: 201, body: { group: groupSummary(await groups.row(id, body.name, 'facilitator')) } };
    },

    groupSettings: async ({ who, params }) => {
      await requireGroupRole(groups, who, params.groupId, ['facilitator', 'supervisor'], 'You are not on this group\'s staff.');
      return { status: 200, body: { settings: await groups.participationSettings(params.groupId) } };
    },

    saveGroupSettings: async ({ who, params, body, ip }) => {
      await requireGroupRole(groups, who, params.groupId, ['facilitator'], 'Only a facilitator of this group can change its settings.');
      await groups.setParticipationSettings(params.groupId, body);
      await audit.record({ actorRole: 'facilitator', actorId: who.account.id, action: 'group.settings', target: params.groupId, ip });
      return { status: 200, body: { settings: body } };
    }
  };
}
