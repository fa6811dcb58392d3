import { API_ROUTES } from '@hearth/shared';
import type { Handler } from '../bindRoute.ts';
import { HttpError } from '../errors.ts';
import { groupSummary } from './answers.ts';
import { requireGroupRole, type ApiDeps } from './deps.ts';

type R = typeof API_ROUTES;

/** Groups: listing, creating, and their nudge settings. */
export function groupRoutes({ accounts, audit, groups }: ApiDeps): {
  listGroups: Handler<R['listGroups']>;
  createGroup: Handler<R['createGroup']>;
  groupSettings: Handler<R['groupSettings']>;
  saveGroupSettings: Handler<R['saveGroupSettings']>;
} {
  return {
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
