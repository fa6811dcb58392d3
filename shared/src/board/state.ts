import { z } from 'zod';
import { Id, type Frozen } from '../roles.ts';
import { ItemKind, RosterEntry } from './commands.ts';
import { DEFAULT_PARTICIPATION_SETTINGS, ParticipationSettings, Speaker, Turn } from '../participation/types.ts';
import { CrisisProtocol, Cue, DEFAULT_CRISIS_PROTOCOL, Flag, MemberAttendance } from '../safety/types.ts';
import { Answers, Instrument } from '../measures/instruments.ts';

/** Epoch milliseconds of the server's clock. */
const At = z.number().int().nonnegative();

/** Where a session is in its life. `new` exists only before the `session.created` event (never sent). */
export const SessionStatus = z.enum(['new', 'scheduled', 'live', 'ended', 'cancelled']);
export type SessionStatus = z.infer<typeof SessionStatus>;

export const ItemStatus = z.enum(['pending', 'current', 'done', 'skipped']);
export type ItemStatus = z.infer<typeof ItemStatus>;

/**
 * One agenda item. Its clock is kept as facts, not ticks: time accumulated over earlier runs plus
 * the run in progress (`runningSince`), so any client derives the same timer from the same events.
 */
export const AgendaItem = z
  .object({
    id: Id.describe('The `itemId` it was added with.'),
    title: z.string(),
    kind: ItemKind,
    plannedMinutes: z.number().int(),
    extendedMinutes: z.number().int().nonnegative().describe('Sum of its extensions.'),
    status: ItemStatus,
    firstStartedAt: At.nullable().describe('When it was first started.'),
    accumulatedMs: z.number().int().nonnegative().describe('Time spent in earlier runs (before the last pause, completion or skip).'),
    runningSince: At.nullable().describe('Start of the run in progress; null when paused or not current.'),
    guidance: z.string().describe('Private prompts for the clinicians. Clinicians only: absent from a member\'s view.')
  })
  .strict();
export type AgendaItem = Frozen<z.infer<typeof AgendaItem>>;

/** A resource the facilitators shared with the group, or privately with one member. */
export const SharedResource = z
  .object({
    shareId: Id,
    to: Id.nullable().describe('null: the whole group; otherwise the one member it was shared with.'),
    title: z.string(),
    body: z.string(),
    url: z.string().nullable(),
    at: At
  })
  .strict();
export type SharedResource = Frozen<z.infer<typeof SharedResource>>;

/** A member's device in the waiting room. */
export const WaitingDevice = z
  .object({
    requestId: Id.describe('The id of the member token the device holds.'),
    memberId: Id,
    at: At.describe('When it asked to come in.'),
    secondDevice: z.boolean().describe('Another device of this member is admitted already: admitting this one disconnects that one.')
  })
  .strict();
export type WaitingDevice = Frozen<z.infer<typeof WaitingDevice>>;

/** One member's answers to a measure, and what they come to. */
export const MeasureResponse = z
  .object({
    memberId: Id,
    answers: Answers,
    total: z.number().nullable().describe('The sum or mean of the answers; null when a question was skipped.'),
    band: z.string().nullable().describe('The severity band of the total, for instruments that have bands.'),
    concern: z.boolean().describe('The total is in the instrument\'s range of concern (highlighted for the clinicians).'),
    at: At
  })
  .strict();
export type MeasureResponse = Frozen<z.infer<typeof MeasureResponse>>;

/** A measure opened in the session: the instrument as asked, and the answers so far. */
export const MeasureRun = z
  .object({
    runId: Id,
    instrument: Instrument,
    openedAt: At,
    closedAt: At.nullable(),
    responses: z.array(MeasureResponse).describe('In the order answered. A member\'s view holds their own only.')
  })
  .strict();
export type MeasureRun = Frozen<z.infer<typeof MeasureRun>>;

/** Everything the live board holds: a fold of the session's events. */
export const BoardState = z
  .object({
    status: SessionStatus,
    title: z.string(),
    scheduledFor: z.string().nullable().describe('When it is planned: ISO 8601 in UTC (`…Z`), or null.'),
    startedAt: At.nullable(),
    endedAt: At.nullable(),
    cancelledAt: At.nullable().describe('When a facilitator cancelled the session (it never ran).'),
    cancelReason: z.string().nullable().describe('Why it was cancelled. Clinicians only: absent from a member\'s view.'),
    items: z.array(AgendaItem).describe('The agenda, in order.'),
    currentItemId: Id.nullable().describe('The item in progress.'),
    roster: z.array(RosterEntry).describe('The group\'s members for this session, in roster order (keys 1–9 follow it).'),
    present: z
      .array(Id)
      .describe('Members who attended, in roster order: connected at some point or spoke, unless a facilitator corrected them to absent.'),
    floor: z.object({ speaker: Speaker, since: At }).strict().nullable().describe('Who holds the floor now, and since when.'),
    turns: z.array(Turn).describe('Every speaking turn so far, in order.'),
    hands: z.array(z.object({ memberId: Id, at: At }).strict()).describe('Raised hands, first raised first.'),
    settings: ParticipationSettings.describe('When to nudge about balance.'),
    attendance: z.record(Id, MemberAttendance).describe('Each member\'s connected intervals and any correction, by member id.'),
    flags: z.array(Flag).describe('Conflict and risk flags, in the order raised.'),
    cues: z.array(Cue).describe('Supervisor cues, in the order sent.'),
    crisis: CrisisProtocol.describe('The crisis checklist and referral resources this session uses.'),
    waiting: z.array(WaitingDevice).describe('Members\' devices waiting to be let in, first come first. Clinicians only.'),
    admitted: z.record(Id, Id).describe('Each admitted member\'s device: the request id (member token id) by member id. One device per member. Clinicians only.'),
    resources: z
      .array(SharedResource)
      .describe('Resources shared with members, in the order shared. A member\'s view holds those shared with the group and with them alone.'),
    measures: z.array(MeasureRun).describe('Measures opened on members\' phones, in the order opened.'),
    instruments: z
      .array(Instrument)
      .describe('The session\'s own instruments (the organization\'s, the group\'s wording of the check-in and check-out); the built-in ones are always there. Clinicians only.')
  })
  .strict();
export type BoardState = Frozen<z.infer<typeof BoardState>>;

/** The state before a session's first event. */
export const initialState: BoardState = {
  status: 'new',
  title: '',
  scheduledFor: null,
  startedAt: null,
  endedAt: null,
  cancelledAt: null,
  cancelReason: null,
  items: [],
  currentItemId: null,
  roster: [],
  present: [],
  floor: null,
  turns: [],
  hands: [],
  settings: DEFAULT_PARTICIPATION_SETTINGS,
  attendance: {},
  flags: [],
  cues: [],
  crisis: DEFAULT_CRISIS_PROTOCOL,
  waiting: [],
  admitted: {},
  resources: [],
  measures: [],
  instruments: []
};

/** Where a member's device stands in a session: let in, waiting, or not (declined, or replaced by another device). */
export type Admission = 'admitted' | 'waiting' | 'declined';

export function admissionOf(state: BoardState, memberId: string, requestId: string): Admission {
  if (state.admitted[memberId] === requestId) return 'admitted';
  return state.waiting.some((w) => w.requestId === requestId && w.memberId === memberId) ? 'waiting' : 'declined';
}

/** The item currently in progress, if any. */
export function currentItem(state: BoardState): AgendaItem | null {
  return state.items.find((i) => i.id === state.currentItemId) ?? null;
}

/** The measure open on members' phones, if any (one at a time). */
export function openMeasure(state: BoardState): MeasureRun | null {
  return state.measures.find((m) => m.closedAt === null) ?? null;
}
