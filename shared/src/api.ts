import { z } from 'zod';
import { NewItem } from './board/commands.ts';
import type { Role } from './roles.ts';

/** HTTP request bodies and responses of /api. Bodies are parsed with these schemas at the edge. */

export const LoginRequest = z
  .object({ email: z.string().trim().toLowerCase().email().max(254), password: z.string().min(1).max(200) })
  .strict();
export type LoginRequest = z.infer<typeof LoginRequest>;

export const Alias = z
  .string()
  .trim()
  .min(1, 'an alias is required')
  .max(40)
  .regex(/^[\p{L}\p{N} ._'-]+$/u, 'letters, digits, spaces and . _ \' - only');

export const CreateGroupRequest = z
  .object({
    name: z.string().trim().min(1).max(120),
    aliases: z
      .array(Alias)
      .min(1)
      .max(30)
      .refine((a) => new Set(a.map((x) => x.toLowerCase())).size === a.length, 'aliases must be unique'),
    coFacilitatorEmail: z.string().trim().toLowerCase().email().optional(),
    supervisorEmail: z.string().trim().toLowerCase().email().optional()
  })
  .strict();
export type CreateGroupRequest = z.infer<typeof CreateGroupRequest>;

export const CreateSessionRequest = z
  .object({
    title: z.string().trim().min(1).max(120),
    scheduledFor: z.string().datetime({ offset: true }).nullable(),
    agenda: z.array(NewItem).max(50)
  })
  .strict();
export type CreateSessionRequest = z.infer<typeof CreateSessionRequest>;

export const JoinInviteRequest = z.object({ alias: Alias }).strict();
export type JoinInviteRequest = z.infer<typeof JoinInviteRequest>;

/** A signed-in clinician. */
export interface Me {
  readonly id: string;
  readonly email: string;
  readonly displayName: string;
}

export interface SessionSummary {
  readonly id: string;
  readonly groupId: string;
  readonly title: string;
  readonly status: 'scheduled' | 'live' | 'ended';
  readonly scheduledFor: string | null;
  /** Only for the group's facilitators. */
  readonly inviteCode: string | null;
}

export interface GroupSummary {
  readonly id: string;
  readonly name: string;
  /** The signed-in clinician's role in this group. */
  readonly role: Extract<Role, 'facilitator' | 'supervisor'>;
  readonly facilitators: readonly string[];
  readonly aliases: readonly string[];
  readonly sessions: readonly SessionSummary[];
}

/** What the invite link shows before a member joins: nothing clinical, no names. */
export interface InviteInfo {
  readonly sessionId: string;
  readonly title: string;
  readonly aliases: readonly string[];
}

export interface MemberJoinResponse {
  readonly sessionId: string;
  readonly alias: string;
  /** Bearer token for the socket handshake, good for this session and the member role only. */
  readonly token: string;
}

/** Error body of every failed HTTP request. */
export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}
