import { API_ROUTES, ErrorCode, type RouteName } from '@hearth/shared';
import express, { type Request, type Response, type Router } from 'express';
import { bindRoute, type Handler } from './bindRoute.ts';
import { errorHandler, sendError } from './errors.ts';
import { alertRoutes } from './routes/alerts.ts';
import { auditRoutes } from './routes/audit.ts';
import { authRoutes } from './routes/auth.ts';
import type { ApiDeps } from './routes/deps.ts';
import { groupRoutes } from './routes/groups.ts';
import { healthRoutes } from './routes/health.ts';
import { inviteRoutes } from './routes/invites.ts';
import { memberInviteRoutes } from './routes/memberInvites.ts';
import { organizationRoutes } from './routes/organization.ts';
import { passkeyRoutes } from './routes/passkeys.ts';
import { peopleRoutes } from './routes/people.ts';
import { progressRoutes } from './routes/progress.ts';
import { goalRoutes } from './routes/goals.ts';
import { intakeRoutes } from './routes/intakes.ts';
import { instrumentRoutes } from './routes/instruments.ts';
import { recordRoutes } from './routes/records.ts';
import { sessionRoutes } from './routes/sessions.ts';

export type { ApiDeps };

/** One handler for every route of the contract: a route without one does not compile. */
type Handlers = { [K in RouteName]: Handler<(typeof API_ROUTES)[K]> };

/**
 * The JSON API under /api: the routes of `API_ROUTES`, one router file per resource. Every body and
 * parameter is parsed once, by the binder, with the route's schemas; handlers trust the types.
 */
export function apiRouter(deps: ApiDeps): Router {
  const { origins, logger } = deps;
  const api = express.Router();
  // Cross-site requests are refused: browsers send Origin on every state-changing fetch.
  api.use((req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD' && !origins.allows(req.get('origin'))) {
      return void sendError(res, ErrorCode.BAD_ORIGIN, 'Requests from this origin are not accepted.');
    }
    res.set('Cache-Control', 'no-store');
    next();
  });
  // Parsed after the origin check: a foreign request is refused before its body is read. A GET's
  // or HEAD's body has no meaning and is not read, so it cannot fail the request.
  const json = express.json({ limit: '32kb', strict: true });
  api.use((req, res, next) => (req.method === 'GET' || req.method === 'HEAD' ? next() : json(req, res, next)));

  const handlers: Handlers = {
    ...healthRoutes(deps),
    ...authRoutes(deps),
    ...groupRoutes(deps),
    ...organizationRoutes(deps),
    ...peopleRoutes(deps),
    ...passkeyRoutes(deps),
    ...sessionRoutes(deps),
    ...inviteRoutes(deps),
    ...memberInviteRoutes(deps),
    ...recordRoutes(deps),
    ...alertRoutes(deps),
    ...progressRoutes(deps),
    ...goalRoutes(deps),
    ...intakeRoutes(deps),
    ...instrumentRoutes(deps),
    ...auditRoutes(deps)
  };
  for (const name of Object.keys(API_ROUTES) as RouteName[]) bind(api, deps, name, handlers);

  api.use((_req: Request, res: Response) => void sendError(res, ErrorCode.NOT_FOUND, 'No such API route.'));
  api.use(errorHandler(logger));
  return api;
}

function bind<K extends RouteName>(api: Router, deps: ApiDeps, name: K, handlers: Handlers): void {
  bindRoute(api, deps.auth, API_ROUTES[name], handlers[name]);
}
