import { z } from 'zod';
import { AgreementState } from './agreement.ts';
import { Uuid } from '../protocol.ts';
import { UtcDateTime, type Frozen } from '../roles.ts';
import { SharedResource } from '../board/state.ts';

/**
 * Members' personal invites: one code per member per group, shown to the facilitators once when it
 * is issued (only a hash is kept), revocable and re-issuable. A code names its member, so no one
 * picks an alias; a device that opens it waits until a facilitator lets it in.
 */

/** A personal invite code, as it travels in the link `/join/<code>`. */
export const PersonalCode = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/).describe('A member\'s personal invite code.');

/** Where a member's personal invite stands, for the group's facilitators (never the code itself). */
export const MemberInviteState = z
  .object({
    memberId: Uuid,
    alias: z.string(),
    issuedAt: UtcDateTime.nullable().describe('When the current code was issued; null: none (never issued, or revoked).'),
    lastUsedAt: UtcDateTime.nullable().describe('When a device last joined with it.')
  })
  .strict();
export type MemberInviteState = Frozen<z.infer<typeof MemberInviteState>>;

export const GroupInvites = z
  .object({
    invites: z.array(MemberInviteState).describe('The active roster, in order.'),
    admitAutomatically: z.boolean().describe('Whether a member\'s first device comes straight in, without the waiting room.')
  })
  .strict();
export type GroupInvites = Frozen<z.infer<typeof GroupInvites>>;

/** A code just issued: the only time it is shown. */
export const IssuedInvite = z
  .object({
    memberId: Uuid,
    alias: z.string(),
    code: PersonalCode,
    issuedAt: UtcDateTime
  })
  .strict();
export type IssuedInvite = Frozen<z.infer<typeof IssuedInvite>>;

export const SaveAdmissionRequest = z.object({ admitAutomatically: z.boolean() }).strict();
export type SaveAdmissionRequest = z.infer<typeof SaveAdmissionRequest>;

/** The session a personal invite opens now, as its member may see it. */
export const InviteSession = z
  .object({
    id: Uuid,
    title: z.string(),
    status: z.enum(['scheduled', 'live', 'cancelled', 'ended']).describe('`ended`: the group\'s last session, with none planned after it.'),
    scheduledFor: UtcDateTime.nullable()
  })
  .strict();

/** What a personal invite shows before the member comes in: their alias and the session. Nothing clinical, no names. */
export const InviteInfo = z
  .object({
    alias: z.string().describe('The member the code is for, as the roster spells it.'),
    session: InviteSession.nullable().describe('The live session, else the next one planned, else the last one; null when the group has none.'),
    resources: z
      .array(SharedResource)
      .describe('When the session is the group\'s last one and has ended: what the facilitators shared with the group and with this member alone. Empty otherwise.'),
    agreement: AgreementState.describe('The group agreement: shown before the first join, which accepts it.')
  })
  .strict();
export type InviteInfo = Frozen<z.infer<typeof InviteInfo>>;

export const JoinInviteRequest = z
  .object({
    sessionId: Uuid.optional().describe('One session of the member\'s group to join; by default the live one, else the next one planned.'),
    acceptAgreement: z
      .literal(true)
      .optional()
      .describe('The member accepts the group agreement their invite page showed (its current version); needed until they have. Recorded with the time.')
  })
  .strict();
export type JoinInviteRequest = z.infer<typeof JoinInviteRequest>;

export const AdmissionStatus = z
  .enum(['waiting', 'admitted', 'declined'])
  .describe('`waiting`: in the waiting room; `admitted`: let in (open the board socket with the token); `declined`: not let in, or another device of the member was admitted.');

export const MemberJoinResponse = z
  .object({
    sessionId: Uuid,
    alias: z.string().describe('The roster\'s spelling of the alias.'),
    token: z.string().describe('Bearer token for the socket handshake (`auth: { token }`), good for this session and the member role only, once admitted.'),
    admission: AdmissionStatus
  })
  .strict();
export type MemberJoinResponse = Frozen<z.infer<typeof MemberJoinResponse>>;

export const AdmissionRequest = z.object({ token: z.string().min(1).max(200).describe('The token of the join answer.') }).strict();
export type AdmissionRequest = z.infer<typeof AdmissionRequest>;

export const AdmissionAnswer = z.object({ admission: AdmissionStatus }).strict();
export type AdmissionAnswer = Frozen<z.infer<typeof AdmissionAnswer>>;
