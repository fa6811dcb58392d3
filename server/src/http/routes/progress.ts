import { API_ROUTES, groupProgress, memberProgress, type SessionLog } from '@hearth/shared';
import type { Handler } from '../bindRoute.ts';
import { HttpError } from '../errors.ts';
import { requireGroupRole, type ApiDeps } from './deps.ts';

type R = typeof API_ROUTES;

/** Progress across a group's sessions, for its clinicians; each read is audited. */
export function progressRoutes({ groups, log, audit }: ApiDeps): {
  memberProgress: Handler<R['memberProgress']>;
  groupProgress: Handler<R['groupProgress']>;
} {
  /** The group, for one of its clinicians; anyone else is refused before anything is read. */
  const groupFor = async (who: Parameters<Handler<R['groupProgress']>>[0]['who'], groupId: string) => {
    const role = await requireGroupRole(groups, who, groupId, ['facilitator', 'supervisor'], 'Only the group\'s facilitators and supervisor see its progress.');
    const group = await groups.byId(groupId);
    if (!group) throw new HttpError('FORBIDDEN', 'Only the group\'s facilitators and supervisor see its progress.');
    return { role, group };
  };
  /** Every session of the group that ran, its log read whole: progress is a fold of them, like the records. */
  const logs = async (groupId: string): Promise<SessionLog[]> =>
    Promise.all((await groups.sessionIdsThatRan(groupId)).map(async (sessionId) => ({ sessionId, events: (await log.since(sessionId, 0)).map((e) => e.event) })));

  return {
    memberProgress: async ({ who, params, ip }) => {
      const { role, group } = await groupFor(who, params.groupId);
      const member = (await groups.members(params.groupId)).find((m) => m.id === params.memberId);
      if (!member) throw new HttpError('NOT_FOUND', 'No member of this group has that id.');
      await audit.record({ actorRole: role, actorId: who.account.id, action: 'progress.member', target: member.id, ip });
      return { status: 200, body: memberProgress(await logs(group.id), group, member) };
    },
    groupProgress: async ({ who, params, ip }) => {
      const { role, group } = await groupFor(who, params.groupId);
      await audit.record({ actorRole: role, actorId: who.account.id, action: 'progress.group', target: group.id, ip });
      return { status: 200, body: groupProgress(await logs(group.id), group) };
    }
  };
}
