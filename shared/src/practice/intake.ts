import { z } from 'zod';
import type { RouteSpec } from '../api.ts';
import { Uuid } from '../protocol.ts';
import { type Frozen } from '../roles.ts';
import { Alias } from './roster.ts';

/**
 * What a clinician weighs before someone joins a group, after the group-selection guidance of the
 * American Group Psychotherapy Association's Practice Guidelines for Group Psychotherapy: readiness
 * for this group, and what would make a group the wrong place now.
 */
export const READINESS_ITEMS = [
  { id: 'attend', label: 'Can attend regularly at the group\'s day and time' },
  { id: 'motivated', label: 'Wants to work on their difficulties in a group' },
  { id: 'goals-fit', label: 'Their goals fit this group\'s focus' },
  { id: 'tolerate', label: 'Can share time and hear others\' distress' },
  { id: 'confidentiality', label: 'Understands and can keep the group\'s confidentiality' },
  { id: 'private-place', label: 'Can join from a private place, by phone or laptop' }
] as const;

export const CONTRAINDICATIONS = [
  { id: 'acute-risk', label: 'Acute risk of harm to self or others that needs a higher level of care' },
  { id: 'psychosis', label: 'Active psychosis or mania, not yet stabilized' },
  { id: 'intoxication', label: 'Substance use that would keep them from taking part' },
  { id: 'cognitive', label: 'Cognitive impairment that keeps them from following the group' },
  { id: 'hostility', label: 'Hostility or behaviour that would make the group unsafe for others' },
  { id: 'crisis-first', label: 'A crisis that needs individual attention first' }
] as const;

type ReadinessId = (typeof READINESS_ITEMS)[number]['id'];
type ContraindicationId = (typeof CONTRAINDICATIONS)[number]['id'];
const ReadinessId = z.enum(READINESS_ITEMS.map((i) => i.id) as [ReadinessId, ...ReadinessId[]]);
const ContraindicationId = z.enum(CONTRAINDICATIONS.map((i) => i.id) as [ContraindicationId, ...ContraindicationId[]]);

export const IntakeDecision = z.enum(['admit', 'defer', 'refer']);
export type IntakeDecision = z.infer<typeof IntakeDecision>;

export const INTAKE_LIMITS = { textLength: 2000, sourceLength: 200 } as const;

/** An intake as a clinician writes it. Clinicians only: never on a member's page, never in a record. */
export const IntakeInput = z
  .object({
    alias: Alias.describe('The alias they would have on the roster: no real name.'),
    referralSource: z.string().trim().max(INTAKE_LIMITS.sourceLength),
    goals: z.string().trim().max(INTAKE_LIMITS.textLength).describe('What they hope the group helps with.'),
    readiness: z.array(ReadinessId).max(READINESS_ITEMS.length).describe('Readiness items that hold.'),
    contraindications: z.array(ContraindicationId).max(CONTRAINDICATIONS.length).describe('Contraindications present.'),
    decision: IntakeDecision.nullable(),
    reason: z.string().trim().max(INTAKE_LIMITS.textLength).describe('Why: needed with a decision.')
  })
  .strict()
  .refine((i) => i.decision === null || i.reason.length > 0, { message: 'say why, with a decision', path: ['reason'] })
  .refine((i) => i.decision !== 'admit' || i.contraindications.length === 0, { message: 'a contraindication is present: defer or refer', path: ['decision'] });
export type IntakeInput = z.infer<typeof IntakeInput>;

export const Intake = z
  .object({
    id: Uuid,
    alias: z.string(),
    referralSource: z.string(),
    goals: z.string(),
    readiness: z.array(ReadinessId),
    contraindications: z.array(ContraindicationId),
    decision: IntakeDecision.nullable(),
    reason: z.string(),
    decidedBy: z.string().nullable().describe('The clinician who decided, by name.'),
    decidedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string()
  })
  .strict();
export type Intake = Frozen<z.infer<typeof Intake>>;

const groupParams = z.object({ groupId: Uuid }).strict();
const intakeParams = z.object({ groupId: Uuid, intakeId: Uuid }).strict();

/** Intakes of prospective members: the group's facilitators write them; its supervisor reads them. */
export const INTAKE_ROUTES = {
  intakes: {
    method: 'get', path: '/api/groups/:groupId/intakes', tag: 'groups', auth: 'clinician',
    summary: 'The group\'s intakes of prospective members, newest first: readiness, contraindications and the decision (admit, defer, refer) with its reason.',
    params: groupParams,
    responses: { 200: z.object({ intakes: z.array(Intake) }).strict() },
    errors: ['FORBIDDEN']
  },
  addIntake: {
    method: 'post', path: '/api/groups/:groupId/intakes', tag: 'groups', auth: 'clinician',
    summary: 'Write an intake (facilitators). Admitting does not add them to the roster by itself: add the alias when they are to start.',
    params: groupParams,
    body: IntakeInput,
    responses: { 201: z.object({ intakes: z.array(Intake) }).strict() },
    errors: ['FORBIDDEN']
  },
  saveIntake: {
    method: 'put', path: '/api/groups/:groupId/intakes/:intakeId', tag: 'groups', auth: 'clinician',
    summary: 'Change an intake, its decision included (facilitators). Who decided and when is recorded with each new decision.',
    params: intakeParams,
    body: IntakeInput,
    responses: { 200: z.object({ intakes: z.array(Intake) }).strict() },
    errors: ['FORBIDDEN', 'NOT_FOUND']
  }
} as const satisfies Record<string, RouteSpec>;
