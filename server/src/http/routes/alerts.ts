import type { API_ROUTES } from '@hearth/shared';
import type { Handler } from '../bindRoute.ts';
import type { ApiDeps } from './deps.ts';

type R = typeof API_ROUTES;

/** Crisis reach: the alerts open for the signed-in clinician, and the devices that get them by push. */
export function alertRoutes({ alerts, push }: ApiDeps): {
  alerts: Handler<R['alerts']>;
  pushKey: Handler<R['pushKey']>;
  savePushSubscription: Handler<R['savePushSubscription']>;
  deletePushSubscription: Handler<R['deletePushSubscription']>;
} {
  return {
    alerts: async ({ who }) => ({ status: 200, body: { alerts: await alerts.open(who.account.id) } }),
    pushKey: async () => ({ status: 200, body: { publicKey: push.vapid.publicKey } }),
    savePushSubscription: async ({ who, body }) => {
      await push.save(who.account.id, body);
      return { status: 204, body: undefined };
    },
    deletePushSubscription: async ({ who, body }) => {
      await push.remove(who.account.id, body.endpoint);
      return { status: 204, body: undefined };
    }
  };
}
