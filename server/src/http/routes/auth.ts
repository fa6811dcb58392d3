import { API_ROUTES, type Me } from '@hearth/shared';
import { AuthError } from '../../auth/Auth.ts';
import { hashPassword } from '../../auth/passwords.ts';
import type { Account } from '../../store/Accounts.ts';
import type { Handler } from '../bindRoute.ts';
import { clearedSessionCookie, sessionCookie } from '../cookies.ts';
import { HttpError } from '../errors.ts';
import type { ApiDeps } from './deps.ts';

type R = typeof API_ROUTES;

export const meOf = (account: Account): Me => ({
  id: account.id,
  email: account.email,
  displayName: account.displayName,
  credentials: account.credentials,
  admin: account.admin
});

/** Signing clinicians in and out. */
export function authRoutes({ auth, accounts, audit, config, origins, revokeSockets }: ApiDeps): {
  login: Handler<R['login']>;
  logout: Handler<R['logout']>;
  me: Handler<R['me']>;
  changePassword: Handler<R['changePassword']>;
  passwordLink: Handler<R['passwordLink']>;
  usePasswordLink: Handler<R['usePasswordLink']>;
} {
  const validLink = async (token: string) => {
    const found = await auth.passwordLink(token);
    if (!found) throw new HttpError('LINK_NOT_VALID', 'This link is not valid any more: it was used, it expired or a newer one replaced it. Ask your admin for a new one.');
    return found;
  };
  return {
    login: async ({ body, ip, res }) => {
      try {
        const { token, account } = await auth.login(body.email, body.password, ip);
        res.set('Set-Cookie', sessionCookie(token, config.sessionAbsoluteMs, origins.secure));
        return { status: 200, body: { me: meOf(account) } };
      } catch (e) {
        if (e instanceof AuthError) throw new HttpError(e.code, e.message, e.retryAfterMs === undefined ? {} : { retryAfterMs: e.retryAfterMs });
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
    me: async ({ who }) => ({
      status: 200,
      body: { me: meOf(who.account), login: { idleMinutes: Math.round(config.sessionIdleMs / 60_000), expiresAt: who.expiresAt.toISOString() } }
    }),
    changePassword: async ({ who, body, ip }) => {
      if (!(await auth.confirmPassword(who.account.id, body.currentPassword, 'password.change'))) {
        throw new HttpError('INVALID_CREDENTIALS', 'Your current password is not right.');
      }
      await accounts.setPasswordOf(who.account.id, await hashPassword(body.newPassword));
      // Someone who knew the old password is signed out everywhere; this login stays.
      for (const id of await accounts.revokeAuthSessionsOf(who.account.id, who.authSessionId)) revokeSockets(id);
      await audit.record({ actorRole: 'clinician', actorId: who.account.id, action: 'password.change', ip });
      return { status: 204, body: undefined };
    },
    passwordLink: async ({ params }) => {
      const { link, account } = await validLink(params.token);
      return { status: 200, body: { link: { email: account.email, displayName: account.displayName, purpose: link.purpose } } };
    },
    usePasswordLink: async ({ params, body, ip, res }) => {
      const { link, account } = await validLink(params.token);
      if (!(await accounts.usePasswordLink(link.id, account.id, await hashPassword(body.password)))) {
        throw new HttpError('LINK_NOT_VALID', 'This link was used a moment ago.');
      }
      if (link.purpose === 'reset') for (const id of await accounts.revokeAuthSessionsOf(account.id)) revokeSockets(id);
      await audit.record({ actorRole: 'clinician', actorId: account.id, action: `password.${link.purpose === 'invite' ? 'set' : 'reset'}`, ip });
      res.set('Set-Cookie', sessionCookie(await auth.openLogin(account, ip), config.sessionAbsoluteMs, origins.secure));
      return { status: 200, body: { me: meOf(account) } };
    }
  };
}
