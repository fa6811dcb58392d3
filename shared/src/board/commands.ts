import { z } from 'zod';
import { DateTimeInput, Id } from '../roles.ts';
import { ParticipationSettings, Speaker } from '../participation/types.ts';
import { AttendanceStatus, CrisisProtocol, FlagCategory, FlagSeverity, SAFETY_LIMITS } from '../safety/types.ts';
import { Answers, SessionInstruments } from '../measures/instruments.ts';

/** Kinds of agenda item a group session is usually built from. */
export const ItemKind = z.enum([
  'check-in',
  'psychoeducation',
  'skill-practice',
  'open-process',
  'break',
  'check-out',
  'other'
]);
export type ItemKind = z.infer<typeof ItemKind>;

export const LIMITS = {
  maxItems: 50,
  titleLength: 120,
  guidanceLength: 2000,
  maxPlannedMinutes: 240,
  maxExtendMinutes: 60,
  maxTotalExtension: 240,
  sessionTitleLength: 120,
  maxRoster: 30,
  aliasLength: 40,
  cancelReasonLength: 500
} as const;

export const SHARE_LIMITS = { titleLength: 120, bodyLength: 1000, urlLength: 500, maxShares: 100 } as const;

/** A link a member may open: https only, so nothing shared runs in the page or leaks over plain http. */
export const HttpsUrl = z
  .string()
  .trim()
  .max(SHARE_LIMITS.urlLength)
  .url()
  .refine((u) => u.startsWith('https://'), 'links must start with https://');

/** A member of the session's roster: known by alias only, never by name. */
export const RosterEntry = z.object({ memberId: Id, alias: z.string().min(1).max(LIMITS.aliasLength) }).strict();
export type RosterEntry = z.infer<typeof RosterEntry>;

const Title = z.string().trim().min(1, 'a title is required').max(LIMITS.titleLength);
const Minutes = z.number().int().min(1).max(LIMITS.maxPlannedMinutes);

/** A new agenda item as a facilitator writes it. */
export const NewItem = z
  .object({ itemId: Id, title: Title, kind: ItemKind, plannedMinutes: Minutes })
  .strict();
export type NewItem = z.infer<typeof NewItem>;

/** An item as a session is scheduled with it: a new item, and its private guidance when a template gives one. */
export const PlannedItem = NewItem.extend({
  guidance: z.string().max(LIMITS.guidanceLength).optional().describe('Private prompts for the clinicians (from a template); members never see it.')
}).strict();
export type PlannedItem = z.infer<typeof PlannedItem>;

const item = <T extends string>(type: T) => z.object({ type: z.literal(type), itemId: Id }).strict();

/**
 * Every command the board accepts. The `type` is the discriminant; unknown keys are refused.
 * Ids of new things (items) are chosen by the client so that `decide` stays pure.
 */
export const Command = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('session.create'),
      title: z.string().trim().min(1).max(LIMITS.sessionTitleLength),
      scheduledFor: DateTimeInput.nullable(),
      agenda: z.array(PlannedItem).max(LIMITS.maxItems),
      roster: z.array(RosterEntry).max(LIMITS.maxRoster),
      settings: ParticipationSettings,
      crisis: CrisisProtocol,
      instruments: SessionInstruments.optional().describe('The organization\'s own instruments and the group\'s wording of the check-in and check-out.')
    })
    .strict(),
  z
    .object({
      type: z.literal('session.start'),
      itemId: Id.optional().describe('An agenda item to start at once (clients send the first one unless the facilitator chooses otherwise).')
    })
    .strict(),
  z.object({ type: z.literal('session.end') }).strict(),
  z
    .object({ type: z.literal('roster.set'), roster: z.array(RosterEntry).max(LIMITS.maxRoster) })
    .strict()
    .describe('Sent by the server when the group\'s roster changes, to each of its sessions that has not started.'),
  z
    .object({ type: z.literal('instruments.configure'), instruments: SessionInstruments })
    .strict()
    .describe('Sent by the server when the organization\'s instruments or the group\'s wording of the check-in or check-out change, to each session not yet over.'),
  z
    .object({ type: z.literal('crisis.configure'), crisis: CrisisProtocol })
    .strict()
    .describe('Sent by the server when the organization\'s crisis protocol is saved, to each session not yet over.'),
  z.object({ type: z.literal('session.reschedule'), scheduledFor: DateTimeInput.nullable() }).strict(),
  z.object({ type: z.literal('session.cancel'), reason: z.string().trim().min(1, 'say why').max(LIMITS.cancelReasonLength) }).strict(),
  z.object({ type: z.literal('agenda.add'), item: NewItem, position: z.number().int().min(0).optional() }).strict(),
  z
    .object({
      type: z.literal('agenda.edit'),
      itemId: Id,
      title: Title.optional(),
      kind: ItemKind.optional(),
      plannedMinutes: Minutes.optional()
    })
    .strict(),
  item('agenda.remove'),
  z.object({ type: z.literal('agenda.reorder'), itemIds: z.array(Id).max(LIMITS.maxItems) }).strict(),
  z
    .object({ type: z.literal('agenda.set_guidance'), itemId: Id, guidance: z.string().max(LIMITS.guidanceLength) })
    .strict(),
  item('item.start'),
  z.object({ type: z.literal('item.next') }).strict(),
  item('item.pause'),
  item('item.resume'),
  z
    .object({ type: z.literal('item.extend'), itemId: Id, minutes: z.number().int().min(1).max(LIMITS.maxExtendMinutes) })
    .strict(),
  item('item.complete'),
  item('item.skip'),
  // Participation: who holds the floor, hands, who is here.
  z.object({ type: z.literal('turn.start'), speaker: Speaker }).strict(),
  z.object({ type: z.literal('turn.end') }).strict(),
  z.object({ type: z.literal('hand.raise') }).strict(),
  /** A member lowers their own hand (no memberId); a facilitator names the member. */
  z.object({ type: z.literal('hand.lower'), memberId: Id.optional() }).strict(),
  z.object({ type: z.literal('floor.give_first_hand') }).strict(),
  /** Sent by the server for a member when presence sees their first connection come or their last go. */
  z.object({ type: z.literal('member.connect') }).strict(),
  z.object({ type: z.literal('member.disconnect') }).strict(),
  // The waiting room: a member's device asks to come in (the server, from their personal invite);
  // a facilitator admits or declines it.
  z
    .object({
      type: z.literal('admission.request'),
      requestId: Id.describe('The id of the member token the device holds.'),
      automatic: z.boolean().describe('The group admits automatically: a first device comes straight in (a second device still waits).')
    })
    .strict()
    .describe('Sent by the server when a member opens their personal invite.'),
  z.object({ type: z.literal('admission.admit'), requestId: Id }).strict(),
  z.object({ type: z.literal('admission.decline'), requestId: Id }).strict(),
  z
    .object({
      type: z.literal('attendance.correct'),
      memberId: Id,
      status: AttendanceStatus,
      reason: z.string().trim().max(SAFETY_LIMITS.reasonLength)
    })
    .strict(),
  z.object({ type: z.literal('participation.configure'), settings: ParticipationSettings }).strict(),
  // Flags, the crisis checklist and supervisor cues: clinicians only, never members.
  z
    .object({
      type: z.literal('flag.raise'),
      flagId: Id,
      category: FlagCategory,
      severity: FlagSeverity,
      memberIds: z.array(Id).max(LIMITS.maxRoster),
      note: z.string().trim().max(SAFETY_LIMITS.noteLength)
    })
    .strict(),
  z.object({ type: z.literal('flag.acknowledge'), flagId: Id }).strict(),
  z.object({ type: z.literal('flag.follow_up'), flagId: Id, note: z.string().trim().min(1).max(SAFETY_LIMITS.noteLength) }).strict(),
  z.object({ type: z.literal('flag.check_step'), flagId: Id, stepId: Id }).strict(),
  z.object({ type: z.literal('flag.resolve'), flagId: Id, outcome: z.string().trim().min(1).max(SAFETY_LIMITS.noteLength) }).strict(),
  z.object({ type: z.literal('cue.send'), cueId: Id, text: z.string().trim().min(1).max(SAFETY_LIMITS.cueLength) }).strict(),
  z.object({ type: z.literal('cue.acknowledge'), cueId: Id }).strict(),
  // Resources for members: with the whole group, or privately with one member (`memberId`).
  z
    .object({
      type: z.literal('resource.share'),
      shareId: Id,
      title: z.string().trim().min(1).max(SHARE_LIMITS.titleLength),
      body: z.string().trim().max(SHARE_LIMITS.bodyLength),
      url: HttpsUrl.nullable(),
      memberId: Id.optional().describe('Share with this member only; omit to share with the whole group.')
    })
    .strict(),
  // Measures: a facilitator opens one on every member's phone; each member answers for the clinicians only.
  z
    .object({
      type: z.literal('measure.open'),
      runId: Id.describe('The id of this use of the instrument in the session, chosen by the client.'),
      instrument: Id.describe('The instrument\'s key: `check-in`, `check-out`, `phq-9`, `gad-7`, or one of the session\'s own.')
    })
    .strict(),
  z
    .object({
      type: z.literal('measure.answer'),
      runId: Id,
      answers: Answers.describe('One per question, in order: a value of the instrument\'s scale, or null for a question skipped.')
    })
    .strict(),
  z.object({ type: z.literal('measure.close'), runId: Id }).strict()
]);
export type Command = z.infer<typeof Command>;
export type CommandType = Command['type'];

/** Every command type, for validation messages and documentation. */
export const COMMAND_TYPES = Command.options.map((o) => o.shape.type.value) as readonly CommandType[];

/**
 * Commands only the server issues: a session's creation (with its row, roster and protocol) and a
 * member's connection and departure (from presence). A client sending one could forge attendance.
 */
export const SERVER_COMMANDS: readonly CommandType[] = ['session.create', 'member.connect', 'member.disconnect', 'roster.set', 'crisis.configure', 'instruments.configure', 'admission.request'];
