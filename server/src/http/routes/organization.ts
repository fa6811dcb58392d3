import { API_ROUTES } from '@hearth/shared';
import type { Handler } from '../bindRoute.ts';
import type { ApiDeps } from './deps.ts';

type R = typeof API_ROUTES;

/** The organization's crisis protocol. */
export function organizationRoutes({ audit, organizations }: ApiDeps): {
  crisisProtocol: Handler<R['crisisProtocol']>;
  saveCrisisProtocol: Handler<R['saveCrisisProtocol']>;
} {
  return {
    crisisProtocol: async ({ who }) => ({ status: 200, body: { protocol: await organizations.crisisProtocol(who.account.organizationId) } }),
    // Any clinician of the organization may keep its crisis protocol current; sessions scheduled
    // afterwards carry the new one.
    saveCrisisProtocol: async ({ who, body, ip }) => {
      await organizations.setCrisisProtocol(who.account.organizationId, body);
      await audit.record({ actorRole: 'clinician', actorId: who.account.id, action: 'organization.crisis-protocol', ip });
      return { status: 200, body: { protocol: body } };
    }
  };
}
