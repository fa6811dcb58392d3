import { addDays, API_ROUTES, dueMeasures, zonedToUtc, type CommandResult, type SessionSummary } from '@hearth/shared';
import { parseCommand } from '../../edge/parse.ts';
import { scheduleSession } from '../../sessions/scheduleSession.ts';
import { sessionSummary } from './answers.ts';
import type { Handler } from '../bindRoute.ts';
import { HttpError } from '../errors.ts';
import { requireGroupRole, sessionClinician, type ApiDeps } from './deps.ts';
import { sessionLogs } from './progress.ts';

type R = typeof API_ROUTES;

/** Sessions: scheduling, opening, and the board's commands over HTTP. */
export function sessionRoutes(deps: ApiDeps): {
  createSession: Handler<R['createSession']>;
  createSeries: Handler<R['createSeries']>;
  session: Handler<R['session']>;
  command: Handler<R['command']>;
} {
  const { board, groups, organizations } = deps;
  return {
    createSession: async ({ who, params, body }) => {
      await requireGroupRole(groups, who, params.groupId, ['facilitator'], 'Only a facilitator of this group can schedule its sessions.');
      const { sessionId, result } = await scheduleSession(
        { board, groups, organizations, instruments: deps.instruments },
        { groupId: params.groupId, createdBy: who.account.id, title: body.title, scheduledFor: body.scheduledFor, agenda: body.agenda }
      );
      if (!result.ok) throw HttpError.of(result.error);
      const session = await groups.session(sessionId);
      if (!session) throw new Error('session vanished after creation');
      return { status: 201, body: { session: sessionSummary(session) } };
    },

    createSeries: async ({ who, params, body }) => {
      await requireGroupRole(groups, who, params.groupId, ['facilitator'], 'Only a facilitator of this group can schedule its sessions.');
      // Refused before the first session is written, so a series is made whole or not at all.
      if (new Set(body.agenda.map((i) => i.itemId)).size !== body.agenda.length) throw new HttpError('ITEM_EXISTS', 'Agenda item ids must be unique.');
      const timeZone = (await organizations.organization(who.account.organizationId))?.timeZone ?? 'UTC';
      const sessions: SessionSummary[] = [];
      for (let week = 0; week < body.weeks; week++) {
        const { sessionId, result } = await scheduleSession(
          { board, groups, organizations, instruments: deps.instruments },
          {
            groupId: params.groupId,
            createdBy: who.account.id,
            title: `${body.title} · week ${week + 1} of ${body.weeks}`,
            scheduledFor: zonedToUtc(addDays(body.firstDate, 7 * week), body.time, timeZone).toISOString(),
            agenda: body.agenda
          }
        );
        if (!result.ok) throw HttpError.of(result.error);
        const session = await groups.session(sessionId);
        if (!session) throw new Error('session vanished after creation');
        sessions.push(sessionSummary(session));
      }
      return { status: 201, body: { sessions } };
    },

    session: async ({ who, params }) => {
      const { session, role } = await sessionClinician(groups, who, params.sessionId);
      // Who is due for a scheduled measure: from the sessions that ran before this one, for its roster.
      const schedule = await groups.measureSchedule(session.groupId);
      const due =
        schedule.length === 0 || session.status === 'ended' || session.status === 'cancelled'
          ? []
          : dueMeasures(schedule, await sessionLogs(deps, session.groupId, session.id), (await board.view(session.id, 'facilitator')).state.roster);
      return {
        status: 200,
        body: {
          session: sessionSummary(session),
          group: { id: session.groupId, name: session.groupName },
          role,
          // Clinicians put names to the account ids in flags and cues; members never get this.
          staff: await groups.staff(session.groupId),
          due
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
