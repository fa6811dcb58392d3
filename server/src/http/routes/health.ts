import { API_ROUTES } from '@hearth/shared';
import type { Handler } from '../bindRoute.ts';
import { HttpError } from '../errors.ts';
import { errorMessage } from '../../log.ts';
import type { ApiDeps } from './deps.ts';

/** For load balancers: 200 while the database answers (Redis only degrades live fan-out), else 503. */
export function healthRoutes({ health, logger }: ApiDeps): { health: Handler<typeof API_ROUTES.health> } {
  return {
    health: async () => {
      try {
        return { status: 200, body: { ok: true, ...(await health()) } };
      } catch (e) {
        logger.error('health check failed', { error: errorMessage(e) });
        throw new HttpError('UNAVAILABLE', 'The database is unreachable.');
      }
    }
  };
}
