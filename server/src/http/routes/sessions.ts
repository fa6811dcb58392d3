import { API_ROUTES, type CommandResult } from '@hearth/shared';
import { parseCommand } from '../../edge/parse.ts';
import { scheduleSession } from '../../sessions/scheduleSession.ts';
import { sessionSummary } from './answers.ts';
import type { Handler } from '../bindRoute.ts';
import { HttpError } from '../errors.ts';
import { requireGroupRole, sessionClinician, type ApiDeps } from './deps.ts';

type R = typeof API_ROUTES;

/** Sessions: scheduling, opening, and the board's commands over HTTP. */
export function sessionRoutes({ board, groups, organizations }: ApiDeps): {
  createSession: Handler<R['createSession']>;
  session: Handler<R['session']>;
  command: Handler<R['command']>;
} {
  return {
    createSession: async ({ who, params, body }) => {
      await requireGroupRole(groups, who, params.groupId, ['facilitator'], 'Only a facilitator of this group can schedule its sessions.');
      const { sessionId, result } = await scheduleSession(
        { board, groups, organizations },
        { groupId: params.groupId, createdBy: who.account.id, title: body.title, scheduledFor: body.scheduledFor, agenda: body.agenda }
      );
      if (!result.ok) throw HttpError.of(result.error);
      const session = await groups.session(sessionId);
      if (!session) throw new Error('session vanished after creation');
      return { status: 201, body: { session: sessionSummary(session, 'facilitator') } };
    },

    session: async ({ who, params }) => {
      const { session, role } = await sessionClinician(groups, who, params.sessionId);
      return {
        status: 200,
        body: {
          session: sessionSummary(session, role),
          group: { id: session.groupId, name: session.groupName },
          role,
          // Clinicians put names to the account ids in flags and cues; members never get this.
          staff: await groups.staff(session.groupId)
        }
      };
    },

    command: async ({ who, params, body }) => {
      const { role } = await sessionClinician(groups, who, params.sessionId);
      const parsed = parseCommand(body.command);
      if (!parsed.ok) throw HttpError.of(parsed.error);
      const result: CommandResult = await board.execute(params.sessionId, body.id, parsed.command, { role, id: who.account.id });
      if (!result.ok) throw HttpError.of(result.error);
      return { status: 200, body: result };
    }
  };
}
