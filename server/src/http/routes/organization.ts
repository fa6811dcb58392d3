import { randomUUID } from 'node:crypto';
import { LIBRARY_LIMIT, type API_ROUTES } from '@hearth/shared';
import { sqlState, UNIQUE_VIOLATION } from '../../store/Db.ts';
import type { Handler } from '../bindRoute.ts';
import { HttpError } from '../errors.ts';
import type { ApiDeps } from './deps.ts';

type R = typeof API_ROUTES;

/** The organization: its time zone, crisis protocol and library of agenda templates. */
export function organizationRoutes({ audit, organizations, board, logger }: ApiDeps): {
  organization: Handler<R['organization']>;
  saveTimeZone: Handler<R['saveTimeZone']>;
  agendaTemplates: Handler<R['agendaTemplates']>;
  saveAgendaTemplate: Handler<R['saveAgendaTemplate']>;
  deleteAgendaTemplate: Handler<R['deleteAgendaTemplate']>;
  crisisProtocol: Handler<R['crisisProtocol']>;
  saveCrisisProtocol: Handler<R['saveCrisisProtocol']>;
  libraryResources: Handler<R['libraryResources']>;
  addLibraryResource: Handler<R['addLibraryResource']>;
  deleteLibraryResource: Handler<R['deleteLibraryResource']>;
} {
  const info = async (organizationId: string) => {
    const found = await organizations.organization(organizationId);
    if (!found) throw new Error('the signed-in clinician\'s organization is missing');
    return found;
  };
  return {
    organization: async ({ who }) => ({ status: 200, body: { organization: await info(who.account.organizationId) } }),
    saveTimeZone: async ({ who, body, ip }) => {
      if (!who.account.admin) throw new HttpError('FORBIDDEN', 'Only an administrator of your organization sets its time zone.');
      await organizations.setTimeZone(who.account.organizationId, body.timeZone);
      await audit.record({ actorRole: 'clinician', actorId: who.account.id, action: 'organization.time-zone', ip });
      return { status: 200, body: { organization: await info(who.account.organizationId) } };
    },
    agendaTemplates: async ({ who }) => ({ status: 200, body: { templates: await organizations.templates(who.account.organizationId) } }),
    saveAgendaTemplate: async ({ who, body, ip }) => {
      const template = await organizations.addTemplate(who.account.organizationId, body, who.account.id).catch((e: unknown) => {
        if (sqlState(e) === UNIQUE_VIOLATION) throw new HttpError('TEMPLATE_EXISTS', `There is a template named “${body.name}” already.`);
        throw e;
      });
      await audit.record({ actorRole: 'clinician', actorId: who.account.id, action: 'organization.agenda-template', target: template.id, ip });
      return { status: 201, body: { template } };
    },
    deleteAgendaTemplate: async ({ who, params, ip }) => {
      if (!(await organizations.removeTemplate(who.account.organizationId, params.templateId))) {
        throw new HttpError('NOT_FOUND', 'Your organization has no template with that id.');
      }
      await audit.record({ actorRole: 'clinician', actorId: who.account.id, action: 'organization.agenda-template.remove', target: params.templateId, ip });
      return { status: 204, body: undefined };
    },
    libraryResources: async ({ who }) => ({ status: 200, body: { resources: await organizations.libraryResources(who.account.organizationId) } }),
    addLibraryResource: async ({ who, body, ip }) => {
      const resource = await organizations.addLibraryResource(who.account.organizationId, body, who.account.id);
      if (!resource) throw new HttpError('LIMIT_REACHED', `The library holds at most ${LIBRARY_LIMIT} resources; remove one first.`);
      await audit.record({ actorRole: 'clinician', actorId: who.account.id, action: 'organization.resource', target: resource.id, ip });
      return { status: 201, body: { resource } };
    },
    deleteLibraryResource: async ({ who, params, ip }) => {
      if (!(await organizations.removeLibraryResource(who.account.organizationId, params.resourceId))) {
        throw new HttpError('NOT_FOUND', 'Your organization\'s library has no resource with that id.');
      }
      await audit.record({ actorRole: 'clinician', actorId: who.account.id, action: 'organization.resource.remove', target: params.resourceId, ip });
      return { status: 204, body: undefined };
    },
    crisisProtocol: async ({ who }) => ({ status: 200, body: { protocol: await organizations.crisisProtocol(who.account.organizationId) } }),
    // Any clinician of the organization may keep its crisis protocol current. Every session not yet
    // over takes the new one at once, live boards included: a crisis is met with today's numbers.
    saveCrisisProtocol: async ({ who, body, ip }) => {
      await organizations.setCrisisProtocol(who.account.organizationId, body);
      for (const sessionId of await organizations.openSessionIds(who.account.organizationId)) {
        const result = await board.execute(sessionId, randomUUID(), { type: 'crisis.configure', crisis: body }, { role: 'facilitator', id: who.account.id });
        // Unchanged, or ended meanwhile: nothing to do there.
        if (!result.ok && !['NOTHING_CHANGED', 'SESSION_ENDED', 'SESSION_CANCELLED'].includes(result.error.code)) {
          logger.error('crisis protocol not applied to a session', { code: result.error.code });
        }
      }
      await audit.record({ actorRole: 'clinician', actorId: who.account.id, action: 'organization.crisis-protocol', ip });
      return { status: 200, body: { protocol: body } };
    }
  };
}
