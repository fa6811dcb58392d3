import { generateAuthenticationOptions, generateRegistrationOptions, verifyAuthenticationResponse, verifyRegistrationResponse } from '@simplewebauthn/server';
import { API_ROUTES, type Passkey } from '@hearth/shared';
import type { Request } from 'express';
import type { PasskeyRow } from '../../store/Passkeys.ts';
import { errorMessage } from '../../log.ts';
import type { Handler } from '../bindRoute.ts';
import { sessionCookie } from '../cookies.ts';
import { HttpError } from '../errors.ts';
import { meOf } from './auth.ts';
import type { ApiDeps } from './deps.ts';

type R = typeof API_ROUTES;

const CHALLENGE_MS = 5 * 60_000;

const passkeyOf = (p: PasskeyRow): Passkey => ({ id: p.id, name: p.name, createdAt: p.createdAt.toISOString(), lastUsedAt: p.lastUsedAt?.toISOString() ?? null });

/** Passkeys for clinicians: added once signed in, then enough on their own to sign in. */
export function passkeyRoutes({ accounts, auth, audit, config, logger, origins, passkeys, passkeyAttempts }: ApiDeps): {
  passkeys: Handler<R['passkeys']>;
  passkeyRegistrationOptions: Handler<R['passkeyRegistrationOptions']>;
  addPasskey: Handler<R['addPasskey']>;
  passkeySignInOptions: Handler<R['passkeySignInOptions']>;
  passkeySignIn: Handler<R['passkeySignIn']>;
} {
  /** The page's origin when it is one of ours, and the relying party (its host name) that passkeys are bound to. */
  const party = (req: Request) => {
    const sent = req.get('origin');
    const origin = sent && origins.allows(sent) ? sent : (origins.list()[0] ?? '');
    return { origin, rpID: new URL(origin).hostname };
  };
  const refused = (why: string) => new HttpError('PASSKEY_REFUSED', why);

  return {
    passkeys: async ({ who }) => ({ status: 200, body: { passkeys: (await passkeys.ofAccount(who.account.id)).map(passkeyOf) } }),

    passkeyRegistrationOptions: async ({ who, req }) => {
      const { rpID } = party(req);
      const existing = await passkeys.ofAccount(who.account.id);
      const options = await generateRegistrationOptions({
        rpName: 'Hearth',
        rpID,
        userName: who.account.email,
        userDisplayName: who.account.displayName,
        userID: new TextEncoder().encode(who.account.id),
        attestationType: 'none',
        excludeCredentials: existing.map((p) => ({ id: p.id, transports: p.transports })),
        authenticatorSelection: { residentKey: 'required', userVerification: 'required' }
      });
      const challengeId = await passkeys.createChallenge(options.challenge, 'register', who.account.id, new Date(Date.now() + CHALLENGE_MS));
      return { status: 200, body: { challengeId, options: { ...options } } };
    },

    addPasskey: async ({ who, body, req, ip }) => {
      const challenge = await passkeys.takeChallenge(body.challengeId, 'register', who.account.id);
      if (!challenge) throw refused('This passkey request has expired or was used. Start again.');
      const { origin, rpID } = party(req);
      const verification = await verifyRegistrationResponse({
        response: body.response,
        expectedChallenge: challenge,
        expectedOrigin: origin,
        expectedRPID: rpID,
        requireUserVerification: true
      }).catch((e: unknown) => {
        logger.info('passkey registration refused', { error: errorMessage(e) });
        return { verified: false as const };
      });
      if (!verification.verified) throw refused('The passkey could not be verified.');
      const { credential } = verification.registrationInfo;
      const saved = await passkeys.add({
        id: credential.id,
        accountId: who.account.id,
        publicKey: Buffer.from(credential.publicKey).toString('base64url'),
        counter: credential.counter,
        transports: credential.transports ?? [],
        name: body.name
      });
      await audit.record({ actorRole: 'clinician', actorId: who.account.id, action: 'passkey.add', ip });
      return { status: 201, body: { passkey: passkeyOf(saved) } };
    },

    passkeySignInOptions: async ({ req }) => {
      const { rpID } = party(req);
      // Any passkey of this site: the browser offers the person's own (discoverable credentials).
      const options = await generateAuthenticationOptions({ rpID, userVerification: 'required' });
      const challengeId = await passkeys.createChallenge(options.challenge, 'login', null, new Date(Date.now() + CHALLENGE_MS));
      return { status: 200, body: { challengeId, options: { ...options } } };
    },

    passkeySignIn: async (ctx) => {
      // Refused answers are counted per address, like failed password sign-ins.
      await passkeyAttempts.check(ctx.ip);
      try {
        return await signInWith(ctx);
      } catch (e) {
        if (e instanceof HttpError && e.code === 'PASSKEY_REFUSED') await passkeyAttempts.fail(ctx.ip);
        throw e;
      }
    }
  };

  /** Verifies a passkey answer and opens the login. */
  async function signInWith({ body, req, res, ip }: Parameters<Handler<R['passkeySignIn']>>[0]): ReturnType<Handler<R['passkeySignIn']>> {
    const challenge = await passkeys.takeChallenge(body.challengeId, 'login', null);
    if (!challenge) throw refused('This sign-in request has expired or was used. Try again.');
    const stored = await passkeys.byId(body.response.id);
    const account = stored ? await accounts.byId(stored.accountId) : null;
    if (!stored || !account || account.deactivatedAt) {
      await audit.record({ actorRole: 'anonymous', actorId: null, action: 'passkey.refused', ip });
      throw refused('This passkey is not known here.');
    }
    const { origin, rpID } = party(req);
    const verification = await verifyAuthenticationResponse({
      response: body.response,
      expectedChallenge: challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      credential: { id: stored.id, publicKey: new Uint8Array(Buffer.from(stored.publicKey, 'base64url')), counter: stored.counter, transports: stored.transports },
      requireUserVerification: true
    }).catch((e: unknown) => {
      logger.info('passkey sign-in refused', { error: errorMessage(e) });
      return { verified: false as const };
    });
    if (!verification.verified) {
      await audit.record({ actorRole: 'clinician', actorId: account.id, action: 'passkey.refused', ip });
      throw refused('The passkey could not be verified.');
    }
    await passkeys.used(stored.id, 'authenticationInfo' in verification ? verification.authenticationInfo.newCounter : stored.counter);
    res.set('Set-Cookie', sessionCookie(await auth.openLogin(account, ip), config.sessionAbsoluteMs, origins.secure));
    return { status: 200, body: { me: meOf(account) } };
  }
}
