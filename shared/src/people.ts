import { z } from 'zod';
import { Uuid } from './protocol.ts';
import { UtcDateTime, type Frozen } from './roles.ts';

/** Accounts of an organization as its admins manage them, and the set-password links that open them. */

/** The shortest password Hearth accepts, everywhere one is set. */
export const MIN_PASSWORD = 10;
export const NewPassword = z.string().min(MIN_PASSWORD, `at least ${MIN_PASSWORD} characters`).max(200);

/** A clinician of the organization, as the admin's list shows them. */
export const Person = z
  .object({
    id: Uuid,
    email: z.string(),
    displayName: z.string(),
    credentials: z.string().describe('As printed after the name on signatures: LCSW, LMFT, LPC, PhD, …'),
    admin: z.boolean().describe('Manages the organization\'s accounts.'),
    status: z
      .enum(['invited', 'active', 'deactivated'])
      .describe('`invited`: has not set a password yet; `deactivated`: can no longer sign in (their records still name them).')
  })
  .strict();
export type Person = Frozen<z.infer<typeof Person>>;

export const InvitePersonRequest = z
  .object({
    displayName: z.string().trim().min(1).max(120),
    email: z.string().trim().toLowerCase().email().max(254),
    credentials: z.string().trim().max(80).optional().describe('Licence or degree, e.g. `LCSW`; none when left out.'),
    admin: z.boolean().optional().describe('Make them an admin too (default false).')
  })
  .strict();
export type InvitePersonRequest = z.infer<typeof InvitePersonRequest>;

/** A set-password link just made: shown once to the admin, and mailed when the server sends mail. */
export const PasswordLinkIssued = z
  .object({
    url: z.string().url().describe('One-time link to set a password; only its HMAC is stored, so it is shown this once.'),
    expiresAt: UtcDateTime,
    emailed: z.boolean().describe('Whether it was also sent to the person\'s email (SMTP_URL set and the mail accepted).')
  })
  .strict();
export type PasswordLinkIssued = Frozen<z.infer<typeof PasswordLinkIssued>>;

/** What the set-password page shows before the password is chosen. */
export const PasswordLinkInfo = z
  .object({ email: z.string(), displayName: z.string(), purpose: z.enum(['invite', 'reset']) })
  .strict();
export type PasswordLinkInfo = Frozen<z.infer<typeof PasswordLinkInfo>>;

export const SetPasswordRequest = z.object({ password: NewPassword }).strict();
export type SetPasswordRequest = z.infer<typeof SetPasswordRequest>;

export const ChangePasswordRequest = z
  .object({ currentPassword: z.string().min(1).max(200), newPassword: NewPassword })
  .strict();
export type ChangePasswordRequest = z.infer<typeof ChangePasswordRequest>;

/** A clinician's passkey, as their account page lists it. */
export const Passkey = z.object({ id: z.string(), name: z.string(), createdAt: UtcDateTime, lastUsedAt: UtcDateTime.nullable() }).strict();
export type Passkey = Frozen<z.infer<typeof Passkey>>;

const B64 = z.string().regex(/^[A-Za-z0-9_-]*={0,2}$/).max(16_384);

/** WebAuthn options for the browser (`navigator.credentials.create` / `.get`), as JSON; the challenge answers once. */
export const PasskeyChallenge = z
  .object({
    challengeId: Uuid.describe('Send it back with the browser\'s answer.'),
    options: z.looseObject({ challenge: z.string(), rpId: z.string().optional() }).describe('PublicKeyCredentialCreationOptionsJSON (registering) or PublicKeyCredentialRequestOptionsJSON (signing in), per WebAuthn Level 3.')
  })
  .strict();
export type PasskeyChallenge = Frozen<z.infer<typeof PasskeyChallenge>>;

const credentialBase = { id: B64, rawId: B64, type: z.literal('public-key'), clientExtensionResults: z.looseObject({}), authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional() };

/** The browser's answer to registration (RegistrationResponseJSON). */
export const PasskeyRegistration = z
  .object({
    challengeId: Uuid,
    name: z.string().trim().min(1).max(80).describe('How the clinician names it: "Work laptop".'),
    response: z
      .object({
        ...credentialBase,
        response: z.looseObject({ clientDataJSON: B64, attestationObject: B64, transports: z.array(z.string().max(40)).max(10).optional() })
      })
      .strict()
  })
  .strict();
export type PasskeyRegistration = z.infer<typeof PasskeyRegistration>;

/** The browser's answer to a sign-in (AuthenticationResponseJSON). */
export const PasskeySignIn = z
  .object({
    challengeId: Uuid,
    response: z
      .object({
        ...credentialBase,
        response: z.looseObject({ clientDataJSON: B64, authenticatorData: B64, signature: B64, userHandle: B64.optional() })
      })
      .strict()
  })
  .strict();
export type PasskeySignIn = z.infer<typeof PasskeySignIn>;
