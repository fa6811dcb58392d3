import { API_ROUTES, type GroupInvites } from '@hearth/shared';
import type { ClinicianIdentity } from '../../auth/Auth.ts';
import type { Handler } from '../bindRoute.ts';
import { HttpError } from '../errors.ts';
import { requireGroupRole, type ApiDeps } from './deps.ts';

type R = typeof API_ROUTES;

/** A group's personal invites, for its facilitators: issued, re-issued and revoked; the waiting room on or off. */
export function memberInviteRoutes({ audit, auth, groups, memberInvites, revokeMemberTokens }: ApiDeps): {
  groupInvites: Handler<R['groupInvites']>;
  issueInvite: Handler<R['issueInvite']>;
  revokeInvite: Handler<R['revokeInvite']>;
  saveAdmission: Handler<R['saveAdmission']>;
} {
  const facilitate = (who: ClinicianIdentity, groupId: string) =>
    requireGroupRole(groups, who, groupId, ['facilitator'], 'Only a facilitator of this group manages its invites.');

  const state = async (groupId: string): Promise<GroupInvites> => ({
    invites: await memberInvites.states(groupId),
    admitAutomatically: await groups.admitsAutomatically(groupId)
  });

  /** The active member of the group with this id, or 404 (a discharged member gets no new code). */
  const activeMember = async (groupId: string, memberId: string) => {
    const member = (await groups.roster(groupId)).find((m) => m.id === memberId);
    if (!member) throw new HttpError('NOT_FOUND', 'No member on this group\'s active roster has that id.');
    return member;
  };

  return {
    groupInvites: async ({ who, params }) => {
      await facilitate(who, params.groupId);
      return { status: 200, body: await state(params.groupId) };
    },

    issueInvite: async ({ who, params, ip }) => {
      await facilitate(who, params.groupId);
      const member = await activeMember(params.groupId, params.memberId);
      const { code, hash } = auth.newInviteCode();
      const { issuedAt, endedTokens } = await memberInvites.issue(params.groupId, member.id, hash, who.account.id);
      revokeMemberTokens(endedTokens);
      await audit.record({ actorRole: 'facilitator', actorId: who.account.id, action: 'invite.issue', target: member.id, ip });
      return { status: 201, body: { memberId: member.id, alias: member.alias, code, issuedAt } };
    },

    revokeInvite: async ({ who, params, ip }) => {
      await facilitate(who, params.groupId);
      const member = await activeMember(params.groupId, params.memberId);
      const ended = await memberInvites.revoke(member.id);
      if (ended === null) throw new HttpError('NOT_FOUND', `${member.alias} has no invite to revoke.`);
      revokeMemberTokens(ended);
      await audit.record({ actorRole: 'facilitator', actorId: who.account.id, action: 'invite.revoke', target: member.id, ip });
      return { status: 204, body: undefined };
    },

    saveAdmission: async ({ who, params, body, ip }) => {
      await facilitate(who, params.groupId);
      await groups.setAdmitAutomatically(params.groupId, body.admitAutomatically);
      await audit.record({ actorRole: 'facilitator', actorId: who.account.id, action: 'group.admission', target: params.groupId, ip });
      return { status: 200, body: await state(params.groupId) };
    }
  };
}
