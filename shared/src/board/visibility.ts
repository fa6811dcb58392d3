import { z } from 'zod';
import type { Frozen, Role } from '../roles.ts';
import type { BoardEvent, BoardEventType } from './events.ts';
import { AgendaItem, BoardState } from './state.ts';
import { DEFAULT_PARTICIPATION_SETTINGS } from '../participation/types.ts';
import { DEFAULT_CRISIS_PROTOCOL } from '../safety/types.ts';

const CLINICIANS: readonly Role[] = ['facilitator', 'supervisor'];
const EVERYONE: readonly Role[] = ['facilitator', 'supervisor', 'member'];

/**
 * The audience of each event type, in one table so that a new event must choose one. Anything about
 * clinical judgement (guidance now; notes, flags, cues and measures later) is for clinicians only.
 */
export const EVENT_AUDIENCE: Record<BoardEventType, readonly Role[]> = {
  'session.created': EVERYONE,
  'session.started': EVERYONE,
  'session.ended': EVERYONE,
  'session.rescheduled': EVERYONE,
  'roster.changed': EVERYONE,
  'session.cancelled': EVERYONE,
  'session.cancel_reason': CLINICIANS,
  'agenda.item_added': EVERYONE,
  'agenda.item_edited': EVERYONE,
  'agenda.item_removed': EVERYONE,
  'agenda.reordered': EVERYONE,
  'agenda.guidance_set': CLINICIANS,
  'item.started': EVERYONE,
  'item.paused': EVERYONE,
  'item.resumed': EVERYONE,
  'item.extended': EVERYONE,
  'item.completed': EVERYONE,
  'item.skipped': EVERYONE,
  'turn.started': CLINICIANS,
  'turn.ended': CLINICIANS,
  'floor.changed': EVERYONE,
  'hand.raised': EVERYONE,
  'hand.lowered': EVERYONE,
  'member.connected': CLINICIANS,
  'member.disconnected': CLINICIANS,
  'admission.requested': CLINICIANS,
  'admission.admitted': CLINICIANS,
  'admission.declined': CLINICIANS,
  'attendance.corrected': CLINICIANS,
  'participation.configured': CLINICIANS,
  'crisis.configured': CLINICIANS,
  // The catalogue is the clinicians'; members receive the one opened, in measure.opened.
  'instruments.configured': CLINICIANS,
  'flag.raised': CLINICIANS,
  'flag.acknowledged': CLINICIANS,
  'flag.followed_up': CLINICIANS,
  'flag.step_checked': CLINICIANS,
  'flag.resolved': CLINICIANS,
  'cue.sent': CLINICIANS,
  'cue.acknowledged': CLINICIANS,
  'resource.shared': EVERYONE,
  // Clinicians, and the one member it names, on that member's private stream (see privateTo).
  'resource.shared_privately': CLINICIANS,
  'measure.opened': EVERYONE,
  'measure.closed': EVERYONE,
  // Clinicians, and the member who answered, on that member's private stream.
  'measure.answered': CLINICIANS
};

/** Event types that also reach the one member they name (`memberId`), on that member's private stream. */
export const PRIVATE_EVENT_TYPES: readonly BoardEventType[] = ['resource.shared_privately', 'measure.answered'];

/**
 * The member an event is for alone, if any. Such an event is not in the members' shared numbering
 * (no other member may learn it happened): it reaches that member's connections only, numbered in
 * that member's private numbering.
 */
export function privateTo(event: BoardEvent): string | null {
  return event.type === 'resource.shared_privately' || event.type === 'measure.answered' ? event.memberId : null;
}

/** Whether a role may receive an event (in whole: events are never partially redacted). */
export function visibleTo(event: BoardEvent, role: Role): boolean {
  return EVENT_AUDIENCE[event.type].includes(role);
}

/** Board fields that never leave the server for a member. */
export const CLINICIAN_ONLY_FIELDS = ['turns', 'present', 'settings', 'attendance', 'flags', 'cues', 'crisis', 'cancelReason', 'waiting', 'admitted', 'instruments'] as const;
type ClinicianOnlyField = (typeof CLINICIAN_ONLY_FIELDS)[number];

/** An agenda item as a member sees it: without the clinicians' guidance. */
export const MemberAgendaItem = AgendaItem.omit({ guidance: true });
export type MemberAgendaItem = Frozen<z.infer<typeof MemberAgendaItem>>;

const omitted = Object.fromEntries(CLINICIAN_ONLY_FIELDS.map((f) => [f, true])) as { [K in ClinicianOnlyField]: true };

/** The board as a member sees it: no guidance, turn history, attendance, nudge settings, flags, cues or crisis protocol. */
export const MemberBoardView = BoardState.omit(omitted).extend({ items: z.array(MemberAgendaItem).describe('The agenda, in order, without guidance.') });
export type MemberBoardView = Frozen<z.infer<typeof MemberBoardView>>;

/** The board as a role sees it: clinicians the whole board, members their view. */
export const BoardView = z.union([BoardState, MemberBoardView]);
export type BoardView = Frozen<z.infer<typeof BoardView>>;

/** Who a view is for: a role, or one member (who also sees what was shared with them alone). */
export type Viewer = Role | { readonly role: 'member'; readonly memberId: string };

/**
 * Projects the board for a viewer. A member's view leaves the clinician-only fields out entirely —
 * guidance, the turn history (from which talk time could be derived), attendance and nudge settings —
 * so nothing of them, not even their shape, reaches a member's device; of the shared resources it
 * keeps those shared with the group, and with that member alone when the viewer names one; of the
 * measures' answers, that member's own.
 */
export function project(state: BoardState, viewer: Viewer): BoardView {
  const role = typeof viewer === 'string' ? viewer : viewer.role;
  if (role !== 'member') return state;
  const self = typeof viewer === 'string' ? null : viewer.memberId;
  const {
    turns: _turns,
    present: _present,
    settings: _settings,
    attendance: _attendance,
    flags: _flags,
    cues: _cues,
    crisis: _crisis,
    cancelReason: _cancelReason,
    waiting: _waiting,
    admitted: _admitted,
    instruments: _instruments,
    ...shared
  } = state;
  return {
    ...shared,
    items: state.items.map(({ guidance: _guidance, ...rest }) => rest),
    resources: state.resources.filter((r) => r.to === null || r.to === self),
    // The questions of every measure; of the answers, the member's own only.
    measures: state.measures.map((m) => ({ ...m, responses: m.responses.filter((r) => r.memberId === self) }))
  };
}

/**
 * A view as a full board again, with the fields a member's view leaves out set empty, so that one
 * `evolve` serves every role on the client.
 */
export function boardFromView(view: BoardView): BoardState {
  return {
    turns: [],
    present: [],
    settings: DEFAULT_PARTICIPATION_SETTINGS,
    attendance: {},
    flags: [],
    cues: [],
    crisis: DEFAULT_CRISIS_PROTOCOL,
    cancelReason: null,
    waiting: [],
    admitted: {},
    instruments: [],
    ...view,
    items: view.items.map((item) => ('guidance' in item ? item : { ...item, guidance: '' }))
  };
}
