import { z } from 'zod';
import { Id, type Frozen } from '../roles.ts';

/** What a flag is about. */
export const FlagCategory = z.enum([
  'interpersonal-conflict',
  'distress',
  'safety-risk',
  'boundary',
  'confidentiality-breach',
  'disruption',
  'other'
]);
export type FlagCategory = z.infer<typeof FlagCategory>;

/** How serious. `crisis` alerts every clinician of the session at once and opens the crisis checklist. */
export const FlagSeverity = z.enum(['low', 'moderate', 'high', 'crisis']);
export type FlagSeverity = z.infer<typeof FlagSeverity>;

export const SAFETY_LIMITS = {
  noteLength: 500,
  cueLength: 280,
  reasonLength: 200,
  maxFlags: 100,
  maxCues: 200,
  maxSteps: 20,
  maxResources: 20
} as const;

/** One step of the crisis checklist, checked off with a timestamp into the flag's history. */
export const CrisisStep = z.object({ id: Id, label: z.string().trim().min(1).max(200) }).strict();
export type CrisisStep = z.infer<typeof CrisisStep>;

/** A referral resource shown with the checklist. */
export const CrisisResource = z
  .object({
    id: Id,
    name: z.string().trim().min(1).max(120),
    contact: z.string().trim().min(1).max(120),
    notes: z.string().trim().max(300)
  })
  .strict();
export type CrisisResource = z.infer<typeof CrisisResource>;

/** An organization's crisis protocol: what to do, and whom to call. */
export const CrisisProtocol = z
  .object({
    checklist: z.array(CrisisStep).min(1).max(SAFETY_LIMITS.maxSteps),
    resources: z.array(CrisisResource).max(SAFETY_LIMITS.maxResources),
    soloAcknowledgeAfterSeconds: z
      .number()
      .int()
      .min(10)
      .max(600)
      .optional()
      .describe('How long a flag\'s raiser waits for a colleague to acknowledge it before they may acknowledge it themself (60 when absent).')
  })
  .strict()
  .refine((p) => new Set(p.checklist.map((s) => s.id)).size === p.checklist.length, 'checklist step ids must be unique')
  .refine((p) => new Set(p.resources.map((r) => r.id)).size === p.resources.length, 'resource ids must be unique');
export type CrisisProtocol = z.infer<typeof CrisisProtocol>;

/** The protocol an organization starts with; each organization can change it. */
export const DEFAULT_CRISIS_PROTOCOL: CrisisProtocol = {
  checklist: [
    { id: 'safety', label: 'Ensure immediate safety' },
    { id: 'assess', label: 'Assess risk' },
    { id: 'on-call', label: 'Contact the on-call clinician' },
    { id: 'safety-plan', label: 'Make or review a safety plan' },
    { id: 'document', label: 'Document what happened and what was done' }
  ],
  resources: [
    { id: '988', name: '988 Suicide & Crisis Lifeline (US)', contact: 'Call or text 988', notes: 'Free, confidential, 24/7.' },
    { id: 'emergency', name: 'Emergency services', contact: '911 (US) · 112 (EU) · 999 (UK)', notes: 'Immediate danger to life.' },
    { id: 'crisis-text', name: 'Crisis Text Line (US)', contact: 'Text HOME to 741741', notes: '24/7 text support.' }
  ]
};

/** Attendance as a facilitator records it, overriding what presence suggests. */
export const AttendanceStatus = z.enum(['present', 'late', 'left-early', 'absent']);
export type AttendanceStatus = z.infer<typeof AttendanceStatus>;

/** Epoch milliseconds of the server's clock. */
const At = z.number().int().nonnegative();
/** Who did something: a clinician's account id (never a name). */
const By = z.string().describe('The clinician\'s account id (never a name): clinicians map it to names with the session\'s staff list.');
const ByAt = z.object({ by: By, at: At }).strict();
const Acknowledged = z
  .object({
    by: By,
    at: At,
    solo: z.boolean().describe('Acknowledged by the raiser: no colleague was available within the protocol\'s wait.')
  })
  .strict();

/** A flag as it stands: its facts and its history. Clinicians only. */
export const Flag = z
  .object({
    id: Id,
    category: FlagCategory,
    severity: FlagSeverity,
    memberIds: z.array(Id).describe('Roster ids of the members it concerns.'),
    note: z.string(),
    itemId: Id.nullable().describe('The agenda item current when it was raised.'),
    raisedBy: By,
    raisedAt: At,
    acknowledged: Acknowledged.nullable(),
    followUps: z.array(z.object({ note: z.string(), by: By, at: At }).strict()),
    steps: z.array(z.object({ stepId: Id, label: z.string(), by: By, at: At }).strict()).describe('Crisis checklist steps checked, in order.'),
    resolved: z.object({ outcome: z.string(), by: By, at: At }).strict().nullable()
  })
  .strict();
export type Flag = Frozen<z.infer<typeof Flag>>;

/** A supervisor's private message to the facilitators. */
export const Cue = z
  .object({ id: Id, text: z.string(), by: By, at: At, acknowledged: ByAt.nullable() })
  .strict();
export type Cue = Frozen<z.infer<typeof Cue>>;

/** What presence recorded of one member, and the facilitator's correction if any. Clinicians only. */
export const MemberAttendance = z
  .object({
    intervals: z.array(z.object({ from: At, to: At.nullable() }).strict()).describe('Connected intervals; `to` is null while connected.'),
    correction: z.object({ status: AttendanceStatus, reason: z.string(), by: By, at: At }).strict().nullable()
  })
  .strict();
export type MemberAttendance = Frozen<z.infer<typeof MemberAttendance>>;
