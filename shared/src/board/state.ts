import type { ItemKind, RosterEntry } from './commands.ts';
import { DEFAULT_PARTICIPATION_SETTINGS, type ParticipationSettings, type Speaker, type Turn } from '../participation/types.ts';
import { DEFAULT_CRISIS_PROTOCOL, type CrisisProtocol, type Cue, type Flag, type MemberAttendance } from '../safety/types.ts';

/** Where a session is in its life. `new` exists only before the `session.created` event. */
export type SessionStatus = 'new' | 'scheduled' | 'live' | 'ended';

export type ItemStatus = 'pending' | 'current' | 'done' | 'skipped';

/**
 * One agenda item. Its clock is kept as facts, not ticks: time accumulated over earlier runs plus
 * the run in progress (`runningSince`), so any client derives the same timer from the same events.
 */
export interface AgendaItem {
  readonly id: string;
  readonly title: string;
  readonly kind: ItemKind;
  readonly plannedMinutes: number;
  readonly extendedMinutes: number;
  readonly status: ItemStatus;
  /** When the item was first started, epoch ms. */
  readonly firstStartedAt: number | null;
  /** Milliseconds spent in earlier runs (before the last pause, completion or skip). */
  readonly accumulatedMs: number;
  /** Start of the run in progress; null when the item is not running (paused or not current). */
  readonly runningSince: number | null;
  /** Private prompts for the clinicians; never projected to members. */
  readonly guidance: string;
}

/** Everything the live board holds: a fold of the session's events. */
export interface BoardState {
  readonly status: SessionStatus;
  readonly title: string;
  readonly scheduledFor: string | null;
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  readonly items: readonly AgendaItem[];
  readonly currentItemId: string | null;
  /** The group's members for this session, in roster order (keys 1–9 follow it). */
  readonly roster: readonly RosterEntry[];
  /**
   * Members who attended, in roster order: connected at some point or spoke, unless a facilitator
   * corrected them to absent (or to present, late or left early without either). Clinicians only.
   */
  readonly present: readonly string[];
  /** Who holds the floor now, and since when. */
  readonly floor: { readonly speaker: Speaker; readonly since: number } | null;
  /** Every speaking turn so far, in order. Clinicians only. */
  readonly turns: readonly Turn[];
  /** Raised hands, first raised first. */
  readonly hands: readonly { readonly memberId: string; readonly at: number }[];
  /** When to nudge about balance. Clinicians only. */
  readonly settings: ParticipationSettings;
  /** Each member's connected intervals and any correction, by member id. Clinicians only. */
  readonly attendance: Readonly<Record<string, MemberAttendance>>;
  /** Conflict and risk flags, in the order raised. Clinicians only. */
  readonly flags: readonly Flag[];
  /** Supervisor cues, in the order sent. Clinicians only. */
  readonly cues: readonly Cue[];
  /** The organization's crisis checklist and referral resources for this session. Clinicians only. */
  readonly crisis: CrisisProtocol;
}

/** The state before a session's first event. */
export const initialState: BoardState = {
  status: 'new',
  title: '',
  scheduledFor: null,
  startedAt: null,
  endedAt: null,
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
  crisis: DEFAULT_CRISIS_PROTOCOL
};

/** The item currently in progress, if any. */
export function currentItem(state: BoardState): AgendaItem | null {
  return state.items.find((i) => i.id === state.currentItemId) ?? null;
}
