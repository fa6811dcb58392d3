import { z } from 'zod';
import { Uuid } from '../protocol.ts';
import { type Frozen } from '../roles.ts';
import { CalendarDate } from './templates.ts';

/** A group's roster over time, and what facilitators set on a group. */

/** A member's alias: what the group knows them by (Hearth stores no member's real name). */
export const Alias = z
  .string()
  .trim()
  .min(1, 'an alias is required')
  .max(40)
  .regex(/^[\p{L}\p{N} ._'-]+$/u, 'letters, digits, spaces and . _ \' - only');

/** A roster member as the group's clinicians see them, with their discharge if any. */
export const GroupMember = z
  .object({
    id: Uuid,
    alias: z.string(),
    dischargedOn: z.string().nullable().describe('YYYY-MM-DD, or null while on the roster.'),
    dischargeReason: z.string().nullable()
  })
  .strict();
export type GroupMember = Frozen<z.infer<typeof GroupMember>>;

export const SaveGroupRequest = z
  .object({
    name: z.string().trim().min(1).max(120),
    closed: z.boolean(),
    maxSize: z.number().int().min(2).max(30),
    supervisorCosign: z.boolean()
  })
  .strict();
export type SaveGroupRequest = z.infer<typeof SaveGroupRequest>;

export const AddMemberRequest = z
  .object({ alias: Alias, reason: z.string().trim().max(500).optional().describe('Needed to add someone to a closed group that has already met.') })
  .strict();
export type AddMemberRequest = z.infer<typeof AddMemberRequest>;

export const DischargeRequest = z.object({ on: CalendarDate.describe('The discharge date.'), reason: z.string().trim().min(1).max(500) }).strict();
export type DischargeRequest = z.infer<typeof DischargeRequest>;

export const ReadmitRequest = z.object({ reason: z.string().trim().min(1).max(500) }).strict();
export type ReadmitRequest = z.infer<typeof ReadmitRequest>;


/** A clinician on a group's staff, as its clinicians see them. */
export const GroupStaffMember = z
  .object({ id: Uuid, displayName: z.string(), email: z.string(), role: z.enum(['facilitator', 'supervisor']) })
  .strict();
export type GroupStaffMember = Frozen<z.infer<typeof GroupStaffMember>>;

/** A group's whole staff, replacing the one before: one to eight clinicians, at least one facilitator. */
export const SaveStaffRequest = z
  .object({
    staff: z
      .array(z.object({ email: z.string().trim().toLowerCase().email(), role: z.enum(['facilitator', 'supervisor']) }).strict())
      .min(1)
      .max(8)
      .refine((s) => new Set(s.map((m) => m.email)).size === s.length, 'each clinician once')
      .refine((s) => s.some((m) => m.role === 'facilitator'), 'a group needs at least one facilitator')
      .describe('Clinicians of the organization by email, each with their role in this group.')
  })
  .strict();
export type SaveStaffRequest = z.infer<typeof SaveStaffRequest>;
