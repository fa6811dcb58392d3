import { API_ROUTES, type Me } from '@hearth/shared';
import { AuthError, type ClinicianIdentity } from '../../auth/Auth.ts';
import type { Handler } from '../bindRoute.ts';
import { clearedSessionCookie, sessionCookie } from '../cookies.ts';
import { HttpError } from '../errors.ts';
import type { ApiDeps } from './deps.ts';

type R = typeof API_ROUTES;

export const meOf = (c: ClinicianIdentity): Me => ({ id: c.account.id, email: c.account.email, displayName: c.account.displayName });

/** Signing clinicians in and out. */
export function authRoutes({ auth, config, origins, revokeSockets }: ApiDeps): {
  login: Handler<R['login']>;
  logout: Handler<R['logout']>;
  me: Handler<R['me']>;
} {
  return {
    login: async ({ body, ip, res }) => {
      try {
        const { token, account } = await auth.login(body.email, body.password, ip);
        res.set('Set-Cookie', sessionCookie(token, config.sessionAbsoluteMs, origins.secure));
        return { status: 200, body: { me: { id: account.id, email: account.email, displayName: account.displayName } } };
      } catch (e) {
        if (e instanceof AuthError) throw new HttpError(e.code, e.message);
        throw e;
      }
    },
    logout: async ({ who, res }) => {
      if (who) {
        await auth.logout(who);
        revokeSockets(who.authSessionId);
      }
      res.set('Set-Cookie', clearedSessionCookie(origins.secure));
      return { status: 204, body: undefined };
    },
    me: async ({ who }) => ({ status: 200, body: { me: meOf(who) } })
  };
}
