import { API_ROUTES } from '@hearth/shared';
import type { Groups } from '../../store/Groups.ts';
import type { Handler } from '../bindRoute.ts';
import { HttpError } from '../errors.ts';
import type { ApiDeps } from './deps.ts';

type R = typeof API_ROUTES;

/** The session of an invite that still admits members: an ended session's link is spent, a cancelled one's says so. */
async function openInvite(groups: Groups, code: string) {
  const session = await groups.sessionByInvite(code);
  if (session?.status === 'cancelled') throw new HttpError('SESSION_CANCELLED', 'This session was cancelled. Your facilitator will let you know about the next one.');
  if (!session || session.status === 'ended') {
    throw new HttpError('NOT_FOUND', 'This invite link is not valid any more. Ask your facilitator for a new one.');
  }
  return session;
}

/** Members' way in: the invite page, and joining with an alias of the roster. */
export function inviteRoutes({ auth, groups }: ApiDeps): { invite: Handler<R['invite']>; joinInvite: Handler<R['joinInvite']> } {
  return {
    invite: async ({ params }) => {
      const session = await openInvite(groups, params.code);
      const roster = await groups.roster(session.groupId);
      return { status: 200, body: { sessionId: session.id, title: session.title, aliases: roster.map((m) => m.alias) } };
    },
    joinInvite: async ({ params, body }) => {
      const session = await openInvite(groups, params.code);
      const member = (await groups.roster(session.groupId)).find((m) => m.alias.toLowerCase() === body.alias.toLowerCase());
      if (!member) throw new HttpError('ALIAS_NOT_ON_ROSTER', 'That alias is not on this group\'s roster. Check with your facilitator.');
      const token = await auth.issueMemberToken(session.id, member.id);
      return { status: 201, body: { sessionId: session.id, alias: member.alias, token } };
    }
  };
}
