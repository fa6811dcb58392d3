import type { Role } from '../roles.ts';
import type { BoardEvent, BoardEventType } from './events.ts';
import type { AgendaItem, BoardState } from './state.ts';
import { DEFAULT_PARTICIPATION_SETTINGS } from '../participation/types.ts';

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
  'member.arrived': CLINICIANS,
  'attendance.marked': CLINICIANS,
  'participation.configured': CLINICIANS
};

/** Whether a role may receive an event (in whole: events are never partially redacted). */
export function visibleTo(event: BoardEvent, role: Role): boolean {
  return EVENT_AUDIENCE[event.type].includes(role);
}

/** An agenda item as a member sees it: without the clinicians' guidance. */
export type MemberAgendaItem = Omit<AgendaItem, 'guidance'>;

/** The board as a role sees it. Folding only the events visible to a role yields the same view. */
export type BoardView = Omit<BoardState, 'items'> & { readonly items: readonly (AgendaItem | MemberAgendaItem)[] };

/**
 * Projects the board for a role: members get no clinician-only fields — no guidance, no turn history
 * (from which talk time could be derived), no attendance, no nudge settings.
 */
export function project(state: BoardState, role: Role): BoardView {
  if (role !== 'member') return state;
  return {
    ...state,
    items: state.items.map(({ guidance: _guidance, ...rest }) => rest),
    present: [],
    turns: [],
    settings: DEFAULT_PARTICIPATION_SETTINGS
  };
}
