import type { ErrorCode } from '../errors.ts';
import type { CommandType } from './commands.ts';
import type { BoardEventType } from './events.ts';

/** What a command does, for someone writing a client: when it is allowed, what it appends, why it is refused. */
export interface CommandDoc {
  readonly summary: string;
  /** The event types it may append (in the order they come). */
  readonly events: readonly BoardEventType[];
  /** The rejections of the board's rules (besides FORBIDDEN for a role not allowed to send it). */
  readonly rejects: readonly ErrorCode[];
}

const OPEN = ['SESSION_NOT_FOUND', 'SESSION_ENDED', 'SESSION_CANCELLED'] as const satisfies readonly ErrorCode[];
const LIVE = ['SESSION_NOT_FOUND', 'SESSION_NOT_LIVE', 'SESSION_ENDED', 'SESSION_CANCELLED'] as const satisfies readonly ErrorCode[];

/**
 * Every command's documentation. The contract's tables come from here, and the board's property test
 * holds it to `decide`: an event or rejection that `decide` produces and this table does not name fails.
 */
export const COMMAND_DOCS: Record<CommandType, CommandDoc> = {
  'session.create': {
    summary: 'Creates the session with its agenda, roster, nudge settings, crisis protocol and own instruments. Sent by the server when a session is scheduled.',
    events: ['session.created', 'participation.configured', 'crisis.configured', 'instruments.configured', 'agenda.item_added'],
    rejects: ['SESSION_EXISTS', 'ITEM_EXISTS', 'DUPLICATE_ID']
  },
  'session.start': {
    summary: 'Starts a scheduled session; with `itemId`, that agenda item starts at the same moment.',
    events: ['session.started', 'item.started'],
    rejects: ['SESSION_NOT_FOUND', 'SESSION_NOT_SCHEDULED', 'ITEM_NOT_FOUND']
  },
  'crisis.configure': {
    summary: 'Replaces the session\'s crisis protocol with the organization\'s current one. Sent by the server when the protocol is saved, to every session not yet over.',
    events: ['crisis.configured'],
    rejects: [...OPEN, 'NOTHING_CHANGED']
  },
  'roster.set': {
    summary: 'The group\'s roster as it now stands, for a session that has not started (the server sends it when a member is added, discharged or re-admitted).',
    events: ['roster.changed'],
    rejects: ['SESSION_NOT_FOUND', 'SESSION_ENDED', 'SESSION_CANCELLED', 'SESSION_NOT_SCHEDULED', 'DUPLICATE_ID', 'NOTHING_CHANGED']
  },
  'session.reschedule': {
    summary: 'Moves a session that has not started to another time (`null`: not set).',
    events: ['session.rescheduled'],
    rejects: ['SESSION_NOT_FOUND', 'SESSION_ENDED', 'SESSION_CANCELLED', 'SESSION_NOT_SCHEDULED', 'NOTHING_CHANGED']
  },
  'session.cancel': {
    summary: 'Cancels a session that has not started, with the reason (for the clinicians; members see only that it is cancelled).',
    events: ['session.cancelled', 'session.cancel_reason'],
    rejects: ['SESSION_NOT_FOUND', 'SESSION_ENDED', 'SESSION_CANCELLED', 'SESSION_NOT_SCHEDULED']
  },
  'admission.request': {
    summary: 'A member\'s device asks to come in (the server sends it when a member opens their personal invite). It waits for a facilitator, unless the group admits automatically and no other device of the member is in; a newer request of the same member replaces a waiting one.',
    events: ['admission.requested', 'admission.admitted'],
    rejects: [...OPEN, 'MEMBER_NOT_FOUND', 'DUPLICATE_ID']
  },
  'admission.admit': {
    summary: 'Lets a waiting device in. A member has one device at a time: their device admitted before is disconnected.',
    events: ['admission.admitted'],
    rejects: [...OPEN, 'REQUEST_NOT_WAITING']
  },
  'admission.decline': {
    summary: 'Turns a waiting device away: its page says the facilitator did not let it in.',
    events: ['admission.declined'],
    rejects: [...OPEN, 'REQUEST_NOT_WAITING']
  },
  'session.end': {
    summary: 'Ends a live session: completes the current item, ends the turn, lowers every hand, closes the attendance of members still connected and a measure still open.',
    events: ['item.completed', 'turn.ended', 'floor.changed', 'hand.lowered', 'member.disconnected', 'measure.closed', 'session.ended'],
    rejects: [...LIVE]
  },
  'agenda.add': {
    summary: 'Adds an item at `position` (default and at most: the end), while scheduled or live.',
    events: ['agenda.item_added'],
    rejects: [...OPEN, 'AGENDA_FULL', 'ITEM_EXISTS']
  },
  'agenda.edit': {
    summary: 'Changes any of an item\'s title, kind and planned minutes.',
    events: ['agenda.item_edited'],
    rejects: [...OPEN, 'ITEM_NOT_FOUND', 'NOTHING_CHANGED']
  },
  'agenda.remove': {
    summary: 'Removes an item that is not current.',
    events: ['agenda.item_removed'],
    rejects: [...OPEN, 'ITEM_NOT_FOUND', 'ITEM_IS_CURRENT']
  },
  'agenda.reorder': {
    summary: 'Puts the items in a new order: `itemIds` lists every item exactly once.',
    events: ['agenda.reordered'],
    rejects: [...OPEN, 'BAD_ORDER', 'NOTHING_CHANGED']
  },
  'agenda.set_guidance': {
    summary: 'Sets an item\'s private guidance for the clinicians (`""` clears it).',
    events: ['agenda.guidance_set'],
    rejects: [...OPEN, 'ITEM_NOT_FOUND', 'NOTHING_CHANGED']
  },
  'item.start': {
    summary: 'Starts an item that is not current, completing the current one. A done or skipped item restarts where its timer stood.',
    events: ['item.completed', 'item.started'],
    rejects: [...LIVE, 'ITEM_NOT_FOUND', 'ITEM_IS_CURRENT']
  },
  'item.next': {
    summary: 'Completes the current item and starts the first pending item after it, if any.',
    events: ['item.completed', 'item.started'],
    rejects: [...LIVE, 'NO_NEXT_ITEM']
  },
  'item.pause': { summary: 'Pauses the current item\'s timer.', events: ['item.paused'], rejects: [...LIVE, 'ITEM_NOT_FOUND', 'ITEM_NOT_CURRENT', 'ITEM_NOT_RUNNING'] },
  'item.resume': { summary: 'Resumes the current item\'s timer.', events: ['item.resumed'], rejects: [...LIVE, 'ITEM_NOT_FOUND', 'ITEM_NOT_CURRENT', 'ITEM_NOT_PAUSED'] },
  'item.extend': {
    summary: 'Gives the current item more minutes (at most 240 in all).',
    events: ['item.extended'],
    rejects: [...LIVE, 'ITEM_NOT_FOUND', 'ITEM_NOT_CURRENT', 'EXTENSION_LIMIT']
  },
  'item.complete': { summary: 'Completes the current item.', events: ['item.completed'], rejects: [...LIVE, 'ITEM_NOT_FOUND', 'ITEM_NOT_CURRENT'] },
  'item.skip': { summary: 'Skips a pending or current item.', events: ['item.skipped'], rejects: [...LIVE, 'ITEM_NOT_FOUND', 'ITEM_FINISHED'] },
  'turn.start': {
    summary: 'Gives the floor to a member or to the facilitators, closing any open turn; lowers that member\'s hand.',
    events: ['turn.started', 'floor.changed', 'hand.lowered'],
    rejects: [...LIVE, 'MEMBER_NOT_FOUND', 'NOTHING_CHANGED']
  },
  'turn.end': { summary: 'Nobody holds the floor any more.', events: ['turn.ended', 'floor.changed'], rejects: [...LIVE, 'NOTHING_CHANGED'] },
  'hand.raise': { summary: 'A member raises their own hand.', events: ['hand.raised'], rejects: [...LIVE, 'MEMBER_NOT_FOUND', 'NOTHING_CHANGED'] },
  'hand.lower': {
    summary: 'A member lowers their own hand (no `memberId`); a facilitator lowers a member\'s (`memberId` required).',
    events: ['hand.lowered'],
    rejects: [...OPEN, 'FORBIDDEN', 'MEMBER_NOT_FOUND', 'NOTHING_CHANGED']
  },
  'floor.give_first_hand': {
    summary: 'Gives the floor to the first hand raised, as `turn.start` would.',
    events: ['turn.started', 'floor.changed', 'hand.lowered'],
    rejects: [...LIVE, 'NO_HANDS']
  },
  'member.connect': {
    summary: 'A member\'s first connection came. Sent by the server, from presence.',
    events: ['member.connected'],
    rejects: [...OPEN, 'MEMBER_NOT_FOUND', 'NOTHING_CHANGED']
  },
  'member.disconnect': {
    summary: 'A member\'s last connection went (after the reconnect grace). Sent by the server, from presence.',
    events: ['member.disconnected'],
    rejects: [...OPEN, 'MEMBER_NOT_FOUND', 'NOTHING_CHANGED']
  },
  'attendance.correct': {
    summary: 'A facilitator records a member\'s attendance with a reason, overriding what presence suggests (also after the session, until its record is final).',
    events: ['attendance.corrected'],
    rejects: ['SESSION_NOT_FOUND', 'MEMBER_NOT_FOUND', 'NOTHING_CHANGED', 'RECORD_FINAL']
  },
  'participation.configure': {
    summary: 'Changes when to nudge about balance in this session.',
    events: ['participation.configured'],
    rejects: [...OPEN, 'NOTHING_CHANGED']
  },
  'flag.raise': {
    summary: 'Raises a conflict or risk flag about members of the roster. A `crisis` flag alerts every clinician of the session at once.',
    events: ['flag.raised'],
    rejects: [...LIVE, 'FLAG_EXISTS', 'LIMIT_REACHED', 'DUPLICATE_ID', 'MEMBER_NOT_FOUND']
  },
  'flag.acknowledge': {
    summary: 'Acknowledges a flag: the co-facilitator or the supervisor; the one who raised it only once the protocol\'s wait (60 s unless set) passed with nobody else acknowledging (recorded as `solo`).',
    events: ['flag.acknowledged'],
    rejects: ['SESSION_NOT_FOUND', 'SESSION_NOT_LIVE', 'FLAG_NOT_FOUND', 'NOTHING_CHANGED', 'OWN_FLAG', 'RECORD_FINAL']
  },
  'flag.follow_up': {
    summary: 'Adds a follow-up note to a flag (also after the session).',
    events: ['flag.followed_up'],
    rejects: ['SESSION_NOT_FOUND', 'SESSION_NOT_LIVE', 'FLAG_NOT_FOUND', 'RECORD_FINAL']
  },
  'flag.check_step': {
    summary: 'Checks off a step of the crisis checklist (the organization\'s risk-assessment steps) on an open flag of severity `crisis` or category `safety-risk`.',
    events: ['flag.step_checked'],
    rejects: ['SESSION_NOT_FOUND', 'SESSION_NOT_LIVE', 'FLAG_NOT_FOUND', 'FLAG_RESOLVED', 'NOT_CRISIS', 'STEP_NOT_FOUND', 'NOTHING_CHANGED', 'RECORD_FINAL']
  },
  'flag.resolve': {
    summary: 'Resolves an open flag with its outcome (also after the session).',
    events: ['flag.resolved'],
    rejects: ['SESSION_NOT_FOUND', 'SESSION_NOT_LIVE', 'FLAG_NOT_FOUND', 'FLAG_RESOLVED', 'RECORD_FINAL']
  },
  'cue.send': {
    summary: 'A supervisor\'s private cue to the facilitators of a live session.',
    events: ['cue.sent'],
    rejects: [...LIVE, 'CUE_EXISTS', 'LIMIT_REACHED']
  },
  'cue.acknowledge': {
    summary: 'A facilitator acknowledges a cue with one tap.',
    events: ['cue.acknowledged'],
    rejects: ['SESSION_NOT_FOUND', 'CUE_NOT_FOUND', 'NOTHING_CHANGED']
  },
  'resource.share': {
    summary: 'Shares a resource (a crisis line, a handout as text or an https link) with the whole group, or privately with one member (`memberId`), during the session or after it.',
    events: ['resource.shared', 'resource.shared_privately'],
    rejects: ['SESSION_NOT_FOUND', 'RESOURCE_EXISTS', 'LIMIT_REACHED', 'MEMBER_NOT_FOUND']
  },
  'instruments.configure': {
    summary: 'The session\'s own instruments replaced (the organization\'s, the group\'s wording of the check-in and check-out). Sent by the server.',
    events: ['instruments.configured'],
    rejects: [...OPEN, 'NOTHING_CHANGED']
  },
  'measure.open': {
    summary: 'Opens an instrument (a check-in, a check-out, PHQ-9, GAD-7) on every member\'s phone. One measure is open at a time.',
    events: ['measure.opened'],
    rejects: [...LIVE, 'MEASURE_EXISTS', 'MEASURE_OPEN', 'INSTRUMENT_NOT_FOUND', 'LIMIT_REACHED']
  },
  'measure.answer': {
    summary: 'A member\'s answers to an open measure, once: they reach the clinicians and that member only. An answer above "not at all" to a safety item (PHQ-9 question 9) raises a clinicians-only `safety-risk` flag at once (`crisis` for "nearly every day").',
    events: ['measure.answered', 'flag.raised'],
    rejects: [...LIVE, 'MEASURE_NOT_FOUND', 'MEASURE_CLOSED', 'MEMBER_NOT_FOUND', 'ALREADY_ANSWERED', 'ANSWERS_INVALID']
  },
  'measure.close': {
    summary: 'Closes a measure on members\' phones; answers are taken no more. A measure still open closes with the session.',
    events: ['measure.closed'],
    rejects: ['SESSION_NOT_FOUND', 'MEASURE_NOT_FOUND', 'NOTHING_CHANGED']
  }
};

/** What each event means for the board: the "effect" a client's fold applies (`evolve` is the reference). */
export const EVENT_DOCS: Record<BoardEventType, string> = {
  'session.created': 'Status `scheduled`; title, time and roster set.',
  'session.started': 'Status `live`, `startedAt = at`.',
  'session.ended': 'Status `ended`, `endedAt = at`.',
  'session.rescheduled': '`scheduledFor` replaced.',
  'roster.changed': '`roster` replaced.',
  'session.cancelled': 'Status `cancelled`, `cancelledAt = at`: the board is closed.',
  'session.cancel_reason': '`cancelReason` set (clinicians only).',
  'agenda.item_added': 'A `pending` item inserted at `position`.',
  'agenda.item_edited': 'The fields given replaced.',
  'agenda.item_removed': 'The item removed.',
  'agenda.reordered': 'The items put in this order.',
  'agenda.guidance_set': 'The item\'s private `guidance` replaced.',
  'item.started': 'The item `current`, running from `at` (`firstStartedAt` set on its first start).',
  'item.paused': 'Its run closed: `accumulatedMs += at − runningSince`, `runningSince = null`.',
  'item.resumed': '`runningSince = at`.',
  'item.extended': '`extendedMinutes += minutes`.',
  'item.completed': 'Its run closed, status `done`, no current item.',
  'item.skipped': 'Its run closed (if running), status `skipped`; if it was current, no current item.',
  'turn.started': 'The open turn (if any) ends at `at`; a new turn opens; a member who speaks attended.',
  'turn.ended': 'The open turn ends at `at`.',
  'floor.changed': '`floor = { speaker, since: at }`, or null.',
  'hand.raised': 'Appended to `hands`.',
  'hand.lowered': 'Removed from `hands`.',
  'member.connected': 'A connected interval opens in the member\'s `attendance`; they attended.',
  'member.disconnected': 'The member\'s open interval closes at `at`.',
  'admission.requested': 'Appended to `waiting` (a waiting request of the same member leaves it).',
  'admission.admitted': 'The member\'s requests leave `waiting`; `admitted[memberId] = requestId` (the device before it is no longer let in).',
  'admission.declined': 'The request leaves `waiting`.',
  'attendance.corrected': 'The member\'s `attendance` correction replaced; it decides `present`.',
  'participation.configured': '`settings` replaced.',
  'crisis.configured': '`crisis` replaced.',
  'flag.raised': 'A flag appended to `flags`, with the current item.',
  'flag.acknowledged': 'The flag\'s `acknowledged` set.',
  'flag.followed_up': 'A follow-up appended to the flag.',
  'flag.step_checked': 'A checklist step appended to the flag\'s `steps`.',
  'flag.resolved': 'The flag\'s `resolved` set.',
  'cue.sent': 'A cue appended to `cues`.',
  'cue.acknowledged': 'The cue\'s `acknowledged` set.',
  'resource.shared': 'A resource appended to `resources`, for the whole group.',
  'resource.shared_privately': 'A resource appended to `resources`, for that member alone: it reaches no other member.',
  'instruments.configured': '`instruments` replaced.',
  'measure.opened': 'A measure appended to `measures`, open (`closedAt` null), with no responses.',
  'measure.answered': 'A response appended to the measure\'s `responses`, scored by its instrument (`total`, `band`, `concern`). Clinicians, and the member who answered.',
  'measure.closed': 'The measure\'s `closedAt` set.'
};
