import { z } from 'zod';
import { Id } from '../roles.ts';

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
    resources: z.array(CrisisResource).max(SAFETY_LIMITS.maxResources)
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
    { id: 'crisis-text', name: 'Crisis Text Line (US)', contact: 'Text HOME to 741741', notes: '24/7 text support.' },
    { id: 'local', name: 'Local crisis team', contact: 'Set your organization\u2019s number', notes: 'Edit this list under crisis protocol settings.' }
  ]
};

/** Attendance as a facilitator records it, overriding what presence suggests. */
export const AttendanceStatus = z.enum(['present', 'late', 'left-early', 'absent']);
export type AttendanceStatus = z.infer<typeof AttendanceStatus>;

/** A flag as it stands: its facts and its history. Clinicians only. */
export interface Flag {
  readonly id: string;
  readonly category: FlagCategory;
  readonly severity: FlagSeverity;
  readonly memberIds: readonly string[];
  readonly note: string;
  /** The agenda item current when it was raised. */
  readonly itemId: string | null;
  readonly raisedBy: string;
  readonly raisedAt: number;
  readonly acknowledged: { readonly by: string; readonly at: number } | null;
  readonly followUps: readonly { readonly note: string; readonly by: string; readonly at: number }[];
  readonly steps: readonly { readonly stepId: string; readonly label: string; readonly by: string; readonly at: number }[];
  readonly resolved: { readonly outcome: string; readonly by: string; readonly at: number } | null;
}

/** A supervisor's private message to the facilitators. */
export interface Cue {
  readonly id: string;
  readonly text: string;
  readonly by: string;
  readonly at: number;
  readonly acknowledged: { readonly by: string; readonly at: number } | null;
}

/** What presence recorded of one member, and the facilitator's correction if any. Clinicians only. */
export interface MemberAttendance {
  /** Connected intervals; `to` is null while connected. */
  readonly intervals: readonly { readonly from: number; readonly to: number | null }[];
  readonly correction: { readonly status: AttendanceStatus; readonly reason: string; readonly by: string; readonly at: number } | null;
}
