import { startAuthentication, startRegistration } from '@simplewebauthn/browser';
import type { Me, Passkey } from '@hearth/shared';
import { hearthApi } from '../api/hearthApi.ts';

/** The two WebAuthn ceremonies against Hearth's API: adding a passkey, and signing in with one. */

/** Asks the browser for a new passkey for the signed-in clinician and stores it under `name`. */
export async function addPasskey(name: string): Promise<Passkey> {
  const { challengeId, options } = await hearthApi.passkeyRegistrationOptions();
  // The server's options are WebAuthn's JSON form, which the browser package takes as they are.
  const response = await startRegistration({ optionsJSON: options as unknown as Parameters<typeof startRegistration>[0]['optionsJSON'] });
  const { passkey } = await hearthApi.addPasskey({
    challengeId,
    name,
    response: { ...response, type: 'public-key', response: { ...response.response }, clientExtensionResults: { ...response.clientExtensionResults } }
  });
  return passkey;
}

/** Signs in with any passkey of this site the browser offers. */
export async function signInWithPasskey(): Promise<Me> {
  const { challengeId, options } = await hearthApi.passkeySignInOptions();
  const response = await startAuthentication({ optionsJSON: options as unknown as Parameters<typeof startAuthentication>[0]['optionsJSON'] });
  const { me } = await hearthApi.passkeySignIn({
    challengeId,
    response: { ...response, type: 'public-key', response: { ...response.response }, clientExtensionResults: { ...response.clientExtensionResults } }
  });
  return me;
}

/** What went wrong in a ceremony, in words for the person. */
export function ceremonyError(e: unknown): string {
  if (e instanceof Error && (e.name === 'NotAllowedError' || e.name === 'AbortError')) return 'The passkey request was cancelled or timed out.';
  return e instanceof Error ? e.message : 'The passkey did not work.';
}
