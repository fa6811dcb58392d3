import { API_ROUTES, GoalRating, groupProgress, memberProgress, type SessionLog } from '@hearth/shared';
import type { Handler } from '../bindRoute.ts';
import { HttpError } from '../errors.ts';
import { requireGroupRole, type ApiDeps } from './deps.ts';

type R = typeof API_ROUTES;

/** Progress across a group's sessions, for its clinicians; each read is audited. */
/** Every session of the group that ran, its log read whole, but the one named (the session being looked at). */
export async function sessionLogs(deps: Pick<ApiDeps, 'groups' | 'log'>, groupId: string, except?: string): Promise<SessionLog[]> {
  const ids = (await deps.groups.sessionIdsThatRan(groupId)).filter((id) => id !== except);
  return Promise.all(ids.map(async (sessionId) => ({ sessionId, events: (await deps.log.since(sessionId, 0)).map((e) => e.event) })));
}

export function progressRoutes({ groups, log, audit, goals }: ApiDeps): {
  memberProgress: Handler<R['memberProgress']>;
  groupProgress: Handler<R['groupProgress']>;
  measureSchedule: Handler<R['measureSchedule']>;
  saveMeasureSchedule: Handler<R['saveMeasureSchedule']>;
} {
  /** The group, for one of its clinicians; anyone else is refused before anything is read. */
  const groupFor = async (who: Parameters<Handler<R['groupProgress']>>[0]['who'], groupId: string) => {
    const role = await requireGroupRole(groups, who, groupId, ['facilitator', 'supervisor'], 'Only the group\'s facilitators and supervisor see its progress.');
    const group = await groups.byId(groupId);
    if (!group) throw new HttpError('FORBIDDEN', 'Only the group\'s facilitators and supervisor see its progress.');
    return { role, group };
  };
  /** Progress is a fold of the group's sessions' logs, like the records. */
  const logs = (groupId: string) => sessionLogs({ groups, log }, groupId);

  return {
    memberProgress: async ({ who, params, ip }) => {
      const { role, group } = await groupFor(who, params.groupId);
      const member = (await groups.members(params.groupId)).find((m) => m.id === params.memberId);
      if (!member) throw new HttpError('NOT_FOUND', 'No member of this group has that id.');
      await audit.record({ actorRole: role, actorId: who.account.id, action: 'progress.member', target: member.id, ip });
      const [sessionLogs, memberGoals, ratings] = await Promise.all([logs(group.id), goals.of(group.id, member.id), goals.ratingsOf(group.id, member.id)]);
      const fromLogs = memberProgress(sessionLogs, group, member);
      // Each goal's ratings in the order the sessions ran (a record rates the goals open when it was drawn).
      const rated = (goalId: string) =>
        fromLogs.sessions.flatMap((s) => {
          const rating = GoalRating.safeParse(ratings.find((r) => r.sessionId === s.sessionId)?.ratings[goalId]);
          return rating.success ? [{ sessionId: s.sessionId, startedAt: s.startedAt, rating: rating.data }] : [];
        });
      return { status: 200, body: { ...fromLogs, goals: memberGoals.map((goal) => ({ goal, ratings: rated(goal.id) })), role } };
    },
    groupProgress: async ({ who, params, ip }) => {
      const { role, group } = await groupFor(who, params.groupId);
      await audit.record({ actorRole: role, actorId: who.account.id, action: 'progress.group', target: group.id, ip });
      return { status: 200, body: groupProgress(await logs(group.id), group) };
    },
    measureSchedule: async ({ who, params }) => {
      await requireGroupRole(groups, who, params.groupId, ['facilitator', 'supervisor'], 'You are not on this group\'s staff.');
      return { status: 200, body: { schedule: await groups.measureSchedule(params.groupId) } };
    },
    saveMeasureSchedule: async ({ who, params, body, ip }) => {
      await requireGroupRole(groups, who, params.groupId, ['facilitator'], 'Only a facilitator of this group can change its measures.');
      await groups.saveMeasureSchedule(params.groupId, body.schedule);
      await audit.record({ actorRole: 'facilitator', actorId: who.account.id, action: 'group.measure-schedule', target: params.groupId, ip });
      return { status: 200, body: { schedule: body.schedule } };
    }
  };
}
