import { API_ROUTES, GOAL_LIMITS } from '@hearth/shared';
import type { Handler } from '../bindRoute.ts';
import { HttpError } from '../errors.ts';
import { requireGroupRole, type ApiDeps } from './deps.ts';

type R = typeof API_ROUTES;

/** Members' treatment goals: the group's facilitators keep them, its supervisor reads them. */
export function goalRoutes({ groups, goals, audit }: ApiDeps): {
  memberGoals: Handler<R['memberGoals']>;
  addGoal: Handler<R['addGoal']>;
  editGoal: Handler<R['editGoal']>;
} {
  /** The member, for a clinician of their group in one of `roles`; anyone else is refused first. */
  const memberFor = async (who: Parameters<Handler<R['memberGoals']>>[0]['who'], groupId: string, memberId: string, roles: readonly ('facilitator' | 'supervisor')[]) => {
    await requireGroupRole(groups, who, groupId, roles, roles.includes('supervisor') ? 'You are not on this group\'s staff.' : 'Only a facilitator of this group can change goals.');
    if (!(await groups.members(groupId)).some((m) => m.id === memberId)) throw new HttpError('NOT_FOUND', 'No member of this group has that id.');
  };
  return {
    memberGoals: async ({ who, params }) => {
      await memberFor(who, params.groupId, params.memberId, ['facilitator', 'supervisor']);
      return { status: 200, body: { goals: await goals.of(params.groupId, params.memberId) } };
    },
    addGoal: async ({ who, params, body, ip }) => {
      await memberFor(who, params.groupId, params.memberId, ['facilitator']);
      const open = (await goals.of(params.groupId, params.memberId)).filter((g) => g.closedAt === null);
      if (open.length >= GOAL_LIMITS.openPerMember) throw new HttpError('LIMIT_REACHED', `A member has at most ${GOAL_LIMITS.openPerMember} open goals: close one first.`);
      await goals.add(params.groupId, params.memberId, body, who.account.id);
      await audit.record({ actorRole: 'facilitator', actorId: who.account.id, action: 'goal.add', target: params.memberId, ip });
      return { status: 201, body: { goals: await goals.of(params.groupId, params.memberId) } };
    },
    editGoal: async ({ who, params, body, ip }) => {
      await memberFor(who, params.groupId, params.memberId, ['facilitator']);
      if (!(await goals.edit(params.groupId, params.memberId, params.goalId, body))) throw new HttpError('NOT_FOUND', 'This member has no goal with that id.');
      await audit.record({ actorRole: 'facilitator', actorId: who.account.id, action: body.closed ? 'goal.close' : 'goal.edit', target: params.memberId, ip });
      return { status: 200, body: { goals: await goals.of(params.groupId, params.memberId) } };
    }
  };
}
