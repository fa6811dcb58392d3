import { API_ROUTES, type Person } from '@hearth/shared';
import type { ClinicianIdentity } from '../../auth/Auth.ts';
import type { Account } from '../../store/Accounts.ts';
import { sqlState, UNIQUE_VIOLATION } from '../../store/Db.ts';
import type { Handler } from '../bindRoute.ts';
import { HttpError } from '../errors.ts';
import type { ApiDeps } from './deps.ts';

type R = typeof API_ROUTES;

export const personOf = (a: Account): Person => ({
  id: a.id,
  email: a.email,
  displayName: a.displayName,
  credentials: a.credentials,
  admin: a.admin,
  status: a.deactivatedAt ? 'deactivated' : a.passwordHash === '' ? 'invited' : 'active'
});

function requireAdmin(who: ClinicianIdentity): void {
  if (!who.account.admin) throw new HttpError('FORBIDDEN', 'Only an administrator of your organization manages accounts.');
}

/** The organization's clinicians: inviting colleagues, their set-password links, deactivation. */
export function peopleRoutes({ accounts, auth, audit, config, origins, mailer, revokeSockets }: ApiDeps): {
  listPeople: Handler<R['listPeople']>;
  invitePerson: Handler<R['invitePerson']>;
  issuePasswordLink: Handler<R['issuePasswordLink']>;
  deactivatePerson: Handler<R['deactivatePerson']>;
} {
  /** A colleague of the admin's own organization; another organization's account is as unknown as a missing one. */
  const colleague = async (who: ClinicianIdentity, accountId: string): Promise<Account> => {
    const account = await accounts.byId(accountId);
    if (!account || account.organizationId !== who.account.organizationId) throw new HttpError('NOT_FOUND', 'No such colleague in your organization.');
    return account;
  };

  /** Makes the link, mails it when mail is on, and audits who made it for whom (never the link). */
  const issueLink = async (who: ClinicianIdentity, account: Account, purpose: 'invite' | 'reset', ip: string) => {
    const { token, expiresAt } = await auth.issuePasswordLink(account.id, purpose, who.account.id);
    const origin = config.publicOrigins?.[0] ?? origins.list()[0] ?? '';
    const url = `${origin}/set-password/${token}`;
    const emailed = await mailer.send({
      to: account.email,
      subject: purpose === 'invite' ? `${who.account.displayName} invited you to Hearth` : 'Set a new Hearth password',
      text: [
        `Hello ${account.displayName},`,
        '',
        purpose === 'invite'
          ? `${who.account.displayName} added you to your organization on Hearth. Choose your password here:`
          : `${who.account.displayName} sent you a link to set a new Hearth password:`,
        url,
        '',
        `The link works once, until ${expiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC.`
      ].join('\n')
    });
    await audit.record({ actorRole: 'clinician', actorId: who.account.id, action: `people.${purpose}-link`, target: account.id, ip });
    return { url, expiresAt: expiresAt.toISOString(), emailed };
  };

  return {
    listPeople: async ({ who }) => {
      requireAdmin(who);
      return { status: 200, body: { people: (await accounts.ofOrganization(who.account.organizationId)).map(personOf) } };
    },
    invitePerson: async ({ who, body, ip }) => {
      requireAdmin(who);
      if (await accounts.byEmail(body.email)) throw new HttpError('EMAIL_TAKEN', 'An account with this email exists already.');
      const id = await accounts
        .create({
          organizationId: who.account.organizationId,
          email: body.email,
          displayName: body.displayName,
          credentials: body.credentials ?? '',
          admin: body.admin ?? false,
          // No password until they set one through the link: nothing signs in with an empty hash.
          passwordHash: ''
        })
        .catch((e: unknown) => {
          // Two admins adding the same email at once: the second meets the unique index.
          if (sqlState(e) === UNIQUE_VIOLATION) throw new HttpError('EMAIL_TAKEN', 'An account with this email exists already.');
          throw e;
        });
      const account = await colleague(who, id);
      return { status: 201, body: { person: personOf(account), link: await issueLink(who, account, 'invite', ip) } };
    },
    issuePasswordLink: async ({ who, params, ip }) => {
      requireAdmin(who);
      const account = await colleague(who, params.accountId);
      if (account.deactivatedAt) throw new HttpError('ACCOUNT_DEACTIVATED', 'This account is deactivated.');
      const purpose = account.passwordHash === '' ? 'invite' : 'reset';
      return { status: 201, body: { person: personOf(account), link: await issueLink(who, account, purpose, ip) } };
    },
    deactivatePerson: async ({ who, params, ip }) => {
      requireAdmin(who);
      const account = await colleague(who, params.accountId);
      if (account.id === who.account.id) throw new HttpError('OWN_ACCOUNT', 'You cannot deactivate your own account; another admin can.');
      // Every login of the account ends in the database, then its live connections close here and
      // on every other instance.
      for (const authSessionId of await accounts.deactivate(account.id)) revokeSockets(authSessionId);
      await audit.record({ actorRole: 'clinician', actorId: who.account.id, action: 'people.deactivate', target: account.id, ip });
      return { status: 200, body: { person: personOf(await colleague(who, account.id)) } };
    }
  };
}
