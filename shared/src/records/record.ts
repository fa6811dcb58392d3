import { z } from 'zod';
import { ItemKind } from '../board/commands.ts';
import { Id, type Frozen } from '../roles.ts';
import { AttendanceStatus, FlagCategory, FlagSeverity } from '../safety/types.ts';
import { RecordGoal } from '../measures/goals.ts';

/**
 * A group session record: one session part and one member note per roster member — the way group
 * documentation is kept (a note per attendee's chart, the group's own part beside it). Every field
 * Hearth writes comes from the session's event log; the narratives and the summary come from the
 * notes, edited in review. Instants are ISO 8601 in UTC.
 */

const Instant = z.string().describe('ISO 8601 in UTC.');
const Minutes = z.number().nonnegative().describe('Minutes, to one decimal.');

/** A clinician as the record names them: for the signature block and the history of flags. */
export const RecordClinician = z
  .object({ accountId: z.string(), name: z.string(), credentials: z.string(), role: z.enum(['facilitator', 'supervisor']) })
  .strict();
export type RecordClinician = Frozen<z.infer<typeof RecordClinician>>;

/** An agenda item as it was run. */
export const RecordAgendaItem = z
  .object({
    itemId: Id,
    title: z.string(),
    kind: ItemKind,
    plannedMinutes: z.number().int(),
    extendedMinutes: z.number().int(),
    actualMinutes: Minutes,
    outcome: z.enum(['completed', 'skipped', 'not-reached']).describe('not-reached: never started before the session ended.')
  })
  .strict();

const ByAt = z.object({ by: z.string().describe('A clinician\'s name.'), at: Instant }).strict();

/** A flag with its whole history, as the session part keeps it. */
export const RecordFlag = z
  .object({
    flagId: Id,
    category: FlagCategory,
    severity: FlagSeverity,
    members: z.array(z.string()).describe('Aliases of the members it concerns.'),
    note: z.string(),
    raised: ByAt,
    acknowledged: ByAt.extend({
      solo: z.literal(true).optional().describe('Acknowledged by the raiser: no colleague available (absent when a colleague acknowledged).')
    }).nullable(),
    followUps: z.array(z.object({ note: z.string(), by: z.string(), at: Instant }).strict()),
    steps: z.array(z.object({ label: z.string(), by: z.string(), at: Instant }).strict()).describe('Crisis checklist steps, as checked.'),
    resolved: z.object({ outcome: z.string(), by: z.string(), at: Instant }).strict().nullable()
  })
  .strict();

/** A flag as one member's note keeps it: no other member's alias, only how many others it concerned. */
export const MemberFlag = RecordFlag.omit({ members: true }).extend({
  otherMembers: z.number().int().nonnegative().describe('How many other members it also concerned (never who).')
});

/** A resource shared with members. */
export const RecordResource = z.object({ title: z.string(), body: z.string(), url: z.string().nullable(), at: Instant }).strict();

/** The group's own part of the record. */
export const SessionPart = z
  .object({
    group: z.object({ id: z.string(), name: z.string() }).strict(),
    session: z
      .object({
        id: z.string(),
        title: z.string(),
        scheduledFor: Instant.nullable(),
        startedAt: Instant.nullable(),
        endedAt: Instant.nullable(),
        durationMinutes: Minutes.nullable()
      })
      .strict(),
    modality: z.literal('telehealth').describe('Group psychotherapy by video: members join from their own devices.'),
    agenda: z.array(RecordAgendaItem),
    clinicians: z.array(RecordClinician).describe('The group\'s facilitators and supervisors, with credentials.'),
    attendance: z.object({ attended: z.number().int(), onRoster: z.number().int() }).strict().describe('Billing counts the participants.'),
    participation: z
      .object({
        balanceIndex: z.number().nullable().describe('1 = everyone present had the same talk time; null when no member spoke.'),
        facilitatorTalkMinutes: Minutes,
        members: z.array(z.object({ memberId: Id, alias: z.string(), share: z.number(), turns: z.number().int(), talkMinutes: Minutes }).strict())
      })
      .strict(),
    flags: z.array(RecordFlag),
    resources: z.array(RecordResource).describe('Resources shared with the whole group.'),
    summary: z.string().describe('The group summary: the notes\' general section, as edited in review.')
  })
  .strict();

/** One member's note: their part of the record, for their chart. */
/** A member's answers to one measure of the session, as asked and as scored. */
export const RecordMeasure = z
  .object({
    instrument: Id.describe('`check-in`, `check-out`, `phq-9`, `gad-7`, or an organization\'s own.'),
    title: z.string(),
    answeredAt: Instant,
    answers: z
      .array(z.object({ itemId: Id, question: z.string(), value: z.number().int().nullable(), label: z.string().nullable() }).strict())
      .describe('Each question as it was asked, with the answer (null: skipped) and its label on the scale where it has one.'),
    total: z.number().nullable().describe('The sum or mean; null when a question was skipped.'),
    band: z.string().nullable(),
    concern: z.boolean().describe('In the instrument\'s range of concern.')
  })
  .strict();
export type RecordMeasure = Frozen<z.infer<typeof RecordMeasure>>;

export const MemberNote = z
  .object({
    memberId: Id,
    alias: z.string(),
    attendance: z
      .object({
        status: AttendanceStatus,
        suggested: AttendanceStatus.describe('What presence suggested; `status` differs when a facilitator corrected it.'),
        correction: z.object({ reason: z.string(), by: z.string(), at: Instant }).strict().nullable(),
        firstJoin: Instant.nullable(),
        lastLeave: Instant.nullable(),
        minutesPresent: Minutes,
        late: z.boolean(),
        leftEarly: z.boolean()
      })
      .strict(),
    participation: z.object({ share: z.number(), turns: z.number().int(), talkMinutes: Minutes }).strict().nullable().describe('Null when absent.'),
    flags: z.array(MemberFlag).describe('Flags that concern this member.'),
    resources: z.array(RecordResource).describe('Resources shared with this member alone.'),
    goals: z.array(RecordGoal).optional().describe('Their open treatment goals with this session\'s rating (absent in records signed before goals existed; none for an absence).'),
    measures: z.array(RecordMeasure).optional().describe('Their answers to the session\'s measures, in the order opened (absent in records signed before measures existed).'),
    narrative: z.string().nullable().describe('Their notes section as edited in review; null for an absence entry.')
  })
  .strict();
export type MemberNote = Frozen<z.infer<typeof MemberNote>>;

/** Supervision is not chart content: the supervisor's cues, kept beside the record for its clinicians. */
export const SupervisionLog = z
  .object({ cues: z.array(z.object({ text: z.string(), by: z.string(), at: Instant, acknowledged: ByAt.nullable() }).strict()) })
  .strict();

/** The content a record's signatures sign. */
export const RecordContent = z
  .object({
    version: z.literal(1),
    session: SessionPart,
    members: z.array(MemberNote),
    supervision: SupervisionLog
  })
  .strict();
export type RecordContent = Frozen<z.infer<typeof RecordContent>>;
