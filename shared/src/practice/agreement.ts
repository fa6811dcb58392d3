import { z } from 'zod';

/**
 * The group agreement a member accepts on their own phone before their first session: what the group
 * keeps confidential, and the limits of that confidentiality. Its version is recorded with the time
 * of acceptance, so a changed wording is accepted again.
 */
export const GROUP_AGREEMENT = {
  version: '2026-12-01',
  title: 'Our group agreement',
  points: [
    'What members share in the group stays in the group. I will not tell anyone outside who is in the group or what they said.',
    'I will join from a private place where nobody else can see or hear the group, and I will not record, photograph or screenshot it.',
    'Members are known here by their first name or a nickname. Nobody in the group sees my real name on this page.',
    'My facilitators keep a confidential record of each session, and a clinical supervisor may watch the group to support them.',
    'Confidentiality has limits. My facilitators must act, and may have to tell others, if someone is at risk of serious harm to themselves or others, if a child or a vulnerable adult is at risk of abuse or neglect, or if a court orders it.',
    'If I am in crisis during or between sessions, I will tell my facilitator or contact a crisis line.'
  ]
} as const;

/** Where a member stands with the agreement, as their invite page shows it. */
export const AgreementState = z
  .object({
    version: z.string(),
    title: z.string(),
    points: z.array(z.string()),
    acceptedAt: z.string().nullable().describe('When the member accepted this version (ISO 8601), or null: their next join accepts it.')
  })
  .strict();
export type AgreementState = z.infer<typeof AgreementState>;
