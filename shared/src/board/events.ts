import { z } from 'zod';
import { Id, type Frozen } from '../roles.ts';
import { ItemKind, RosterEntry } from './commands.ts';
import { ParticipationSettings, Speaker } from '../participation/types.ts';
import { AttendanceStatus, CrisisProtocol, FlagCategory, FlagSeverity } from '../safety/types.ts';
import { Answers, Instrument } from '../measures/instruments.ts';

/** Server time in epoch milliseconds at which the event happened. */
const At = z.number().int().nonnegative();

const ev = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.object({ type: z.literal(type), at: At, ...shape }).strict();

/**
 * Every event of a session's log. Events are facts: `evolve` applies any of them without checks.
 * An event is visible to a role in whole or not at all (see `visibleTo`): data with a narrower
 * audience, such as facilitator guidance, travels in an event of its own.
 */
export const BoardEvent = z.discriminatedUnion('type', [
  ev('session.created', { title: z.string(), scheduledFor: z.string().nullable().describe('ISO 8601 in UTC (`…Z`), or null.'), roster: z.array(RosterEntry) }),
  ev('session.started', {}),
  ev('session.ended', {}),
  ev('roster.changed', { roster: z.array(RosterEntry) }),
  ev('session.rescheduled', { scheduledFor: z.string().nullable().describe('ISO 8601 in UTC (`…Z`), or null for not set.') }),
  ev('session.cancelled', {}),
  ev('session.cancel_reason', { reason: z.string() }),
  ev('agenda.item_added', {
    itemId: Id,
    title: z.string(),
    kind: ItemKind,
    plannedMinutes: z.number().int(),
    position: z.number().int().min(0)
  }),
  ev('agenda.item_edited', {
    itemId: Id,
    title: z.string().optional(),
    kind: ItemKind.optional(),
    plannedMinutes: z.number().int().optional()
  }),
  ev('agenda.item_removed', { itemId: Id }),
  ev('agenda.reordered', { itemIds: z.array(Id) }),
  ev('agenda.guidance_set', { itemId: Id, guidance: z.string() }),
  ev('item.started', { itemId: Id }),
  ev('item.paused', { itemId: Id }),
  ev('item.resumed', { itemId: Id }),
  ev('item.extended', { itemId: Id, minutes: z.number().int() }),
  ev('item.completed', { itemId: Id }),
  ev('item.skipped', { itemId: Id }),
  // Turns carry the history the measures are computed from: clinicians only. The floor as everyone
  // sees it travels in floor.changed, so a member's device never accumulates others' talk time.
  ev('turn.started', { speaker: Speaker, itemId: Id.nullable() }),
  ev('turn.ended', {}),
  ev('floor.changed', { speaker: Speaker.nullable() }),
  ev('hand.raised', { memberId: Id }),
  ev('hand.lowered', { memberId: Id }),
  ev('member.connected', { memberId: Id }),
  ev('member.disconnected', { memberId: Id }),
  // The waiting room, for clinicians: a request is the id of the member token its device holds.
  ev('admission.requested', { requestId: Id, memberId: Id, secondDevice: z.boolean().describe('Another device of this member is admitted already.') }),
  ev('admission.admitted', {
    requestId: Id,
    memberId: Id,
    replaced: Id.nullable().describe('The request of the member\'s device admitted before, now disconnected; null if none.'),
    by: z.string().nullable().describe('The facilitator\'s account id; null when the group admits automatically.')
  }),
  ev('admission.declined', { requestId: Id, memberId: Id, by: z.string() }),
  ev('attendance.corrected', { memberId: Id, status: AttendanceStatus, reason: z.string(), by: z.string() }),
  ev('participation.configured', { settings: ParticipationSettings }),
  ev('crisis.configured', { protocol: CrisisProtocol }),
  ev('instruments.configured', { instruments: z.array(Instrument) }),
  // `by` is the clinician's account id (never a name): clinicians map it to names themselves.
  ev('flag.raised', {
    flagId: Id,
    category: FlagCategory,
    severity: FlagSeverity,
    memberIds: z.array(Id),
    note: z.string(),
    itemId: Id.nullable(),
    by: z.string()
  }),
  ev('flag.acknowledged', { flagId: Id, by: z.string(), solo: z.literal(true).optional().describe('The raiser acknowledged it: no colleague did within the protocol\'s wait.') }),
  ev('flag.followed_up', { flagId: Id, note: z.string(), by: z.string() }),
  ev('flag.step_checked', { flagId: Id, stepId: Id, label: z.string(), by: z.string() }),
  ev('flag.resolved', { flagId: Id, outcome: z.string(), by: z.string() }),
  ev('cue.sent', { cueId: Id, text: z.string(), by: z.string() }),
  ev('cue.acknowledged', { cueId: Id, by: z.string() }),
  // Who shared a resource is the log row's actor, not in the event: members receive these.
  ev('resource.shared', { shareId: Id, title: z.string(), body: z.string(), url: z.string().nullable() }),
  ev('resource.shared_privately', { shareId: Id, memberId: Id, title: z.string(), body: z.string(), url: z.string().nullable() }),
  // A measure on members' phones: the questions reach everyone, each member's answers the clinicians
  // and that member alone.
  ev('measure.opened', { runId: Id, instrument: Instrument.describe('The instrument as asked: its exact wording, scale and scoring.') }),
  ev('measure.answered', { runId: Id, memberId: Id, answers: Answers }),
  ev('measure.closed', { runId: Id })
]);
export type BoardEvent = Frozen<z.infer<typeof BoardEvent>>;
export type BoardEventType = BoardEvent['type'];

/** An event as stored and sent: its place in the session's log beside it. */
export interface SequencedEvent {
  readonly seq: number;
  readonly event: BoardEvent;
}
