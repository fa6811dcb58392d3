import { expect } from 'vitest';
import type { z } from 'zod';
import {
  BoardEvent,
  Command,
  DEFAULT_CRISIS_PROTOCOL,
  DEFAULT_PARTICIPATION_SETTINGS,
  decide,
  fold,
  initialState,
  type Actor,
  type AttendanceStatus,
  type BoardState,
  type CrisisProtocol,
  type Decision,
  type ErrorCode,
  type FlagCategory,
  type FlagSeverity,
  type ItemKind,
  type ParticipationSettings,
  type RosterEntry,
  type Speaker
} from '@hearth/shared';

/** A fixed, whole-minute instant so expected event times read as offsets from it. */
export const T0 = Date.UTC(2025, 0, 7, 17, 0, 0);
export const MIN = 60_000;

export const facilitator: Actor = { role: 'facilitator', id: 'fac-ana' };
export const coFacilitator: Actor = { role: 'facilitator', id: 'fac-ben' };
export const supervisor: Actor = { role: 'supervisor', id: 'sup-cleo' };
export const member: Actor = { role: 'member', id: 'mem-dev' };
/** Two more members of the roster, for tests about someone other than `member`. */
export const memberEli: Actor = { role: 'member', id: 'mem-eli' };
export const memberFay: Actor = { role: 'member', id: 'mem-fay' };
/** A member signed in to the group but not on this session's roster. */
export const outsider: Actor = { role: 'member', id: 'mem-zed' };

/** The session's roster: `member` first, then Eli and Fay. Keys 1–3 on the board follow this order. */
export const ROSTER: readonly RosterEntry[] = [
  { memberId: member.id, alias: 'Dev' },
  { memberId: memberEli.id, alias: 'Eli' },
  { memberId: memberFay.id, alias: 'Fay' }
];
export const SETTINGS: ParticipationSettings = DEFAULT_PARTICIPATION_SETTINGS;
/** Settings other than the defaults, so a test can tell them apart. */
export const STRICT_SETTINGS: ParticipationSettings = { quietFraction: 0.25, quietAfterMinutes: 10, silentMinutes: 12, dominanceMultiple: 1.5 };

/** The organization's crisis protocol every fixture session is created with. */
export const CRISIS: CrisisProtocol = DEFAULT_CRISIS_PROTOCOL;
/** A protocol other than the default, so a test can tell them apart. */
export const SHORT_CRISIS: CrisisProtocol = {
  checklist: [
    { id: 'call', label: 'Call the on-call psychiatrist' },
    { id: 'stay', label: 'Stay with the member' }
  ],
  resources: [{ id: 'ward', name: 'Crisis ward', contact: '555-0100', notes: '' }]
};

/** A command as a client writes it; `when` parses it, so a test cannot use a shape the edge refuses. */
export type CommandInput = z.input<typeof Command>;

/** What a `when` step offers: assert accepted events, or a rejection code. */
export interface When {
  /** The raw decision, for tests that need more than the two assertions below. */
  readonly decision: Decision;
  /** The state the command was decided against. */
  readonly state: BoardState;
  /** Asserts the command is accepted with exactly these events, in order; returns the state after them. */
  then(...expected: BoardEvent[]): BoardState;
  /** Asserts the command is rejected with this code and the state is untouched. */
  rejects(code: ErrorCode): void;
}

export interface Given {
  readonly state: BoardState;
  when(command: CommandInput, actor?: Actor, now?: number): When;
}

/**
 * Given/when/then for the board's decider: `given(events…).when(command, actor, now).then(events…)`
 * or `.rejects(code)`. Given events are parsed with the event schema and commands with the command
 * schema, so every fixture is a shape the server could actually store or receive.
 */
export function given(...history: BoardEvent[]): Given {
  const state = fold(initialState, history.map((e) => BoardEvent.parse(e)));
  return {
    state,
    when(input, actor = facilitator, now = T0 + 30 * MIN) {
      const command = Command.parse(input);
      const snapshot = structuredClone(state);
      const decision = decide(state, command, actor, now);
      // decide is pure: whatever it answers, the state it was given is untouched.
      expect(state).toEqual(snapshot);
      return {
        decision,
        state,
        then(...expected) {
          expect(decision).toEqual({ ok: true, events: expected });
          if (!decision.ok) throw new Error('unreachable: asserted accepted above');
          for (const e of decision.events) expect(BoardEvent.safeParse(e).success).toBe(true);
          return fold(state, decision.events);
        },
        rejects(code) {
          expect(decision.ok, `expected ${code}, got ${JSON.stringify(decision)}`).toBe(false);
          if (decision.ok) return;
          expect(decision.rejection.code).toBe(code);
          expect(decision.rejection.message.length).toBeGreaterThan(0);
        }
      };
    }
  };
}

// ---- Event builders: short names for the facts tests start from. ----

export const created = (
  at = T0,
  title = 'Tuesday DBT skills group',
  scheduledFor: string | null = null,
  roster: readonly RosterEntry[] = ROSTER
): BoardEvent => ({
  type: 'session.created',
  at,
  title,
  scheduledFor,
  roster: [...roster]
});
/** The settings event `session.create` emits right after `session.created`. */
export const configured = (settings: ParticipationSettings = SETTINGS, at = T0): BoardEvent => ({
  type: 'participation.configured',
  at,
  settings
});
/** The crisis protocol event `session.create` emits right after the settings. */
export const crisisConfigured = (protocol: CrisisProtocol = CRISIS, at = T0): BoardEvent => ({
  type: 'crisis.configured',
  at,
  protocol
});
export const started = (at = T0): BoardEvent => ({ type: 'session.started', at });
export const ended = (at: number): BoardEvent => ({ type: 'session.ended', at });
export const added = (
  itemId: string,
  position: number,
  { at = T0, title = `Item ${itemId}`, kind = 'other' as ItemKind, plannedMinutes = 10 } = {}
): BoardEvent => ({ type: 'agenda.item_added', at, itemId, title, kind, plannedMinutes, position });
export const guidanceSet = (itemId: string, guidance: string, at = T0): BoardEvent => ({
  type: 'agenda.guidance_set',
  at,
  itemId,
  guidance
});
export const itemStarted = (itemId: string, at: number): BoardEvent => ({ type: 'item.started', at, itemId });
export const itemPaused = (itemId: string, at: number): BoardEvent => ({ type: 'item.paused', at, itemId });
export const itemResumed = (itemId: string, at: number): BoardEvent => ({ type: 'item.resumed', at, itemId });
export const itemExtended = (itemId: string, minutes: number, at: number): BoardEvent => ({
  type: 'item.extended',
  at,
  itemId,
  minutes
});
export const itemCompleted = (itemId: string, at: number): BoardEvent => ({ type: 'item.completed', at, itemId });
export const itemSkipped = (itemId: string, at: number): BoardEvent => ({ type: 'item.skipped', at, itemId });

/** Speakers: a member of the roster by id, or the facilitators. */
export const memberSpeaker = (memberId: string): Speaker => ({ kind: 'member', memberId });
export const facilitatorSpeaker: Speaker = { kind: 'facilitator' };
export const turnStarted = (speaker: Speaker, at: number, itemId: string | null = null): BoardEvent => ({
  type: 'turn.started',
  at,
  speaker,
  itemId
});
export const turnEnded = (at: number): BoardEvent => ({ type: 'turn.ended', at });
export const floorChanged = (speaker: Speaker | null, at: number): BoardEvent => ({ type: 'floor.changed', at, speaker });
/** What `turn.start` emits when nobody's hand needs lowering: the turn (clinicians) and the floor (everyone). */
export const gaveFloor = (speaker: Speaker, at: number, itemId: string | null = null): BoardEvent[] => [
  turnStarted(speaker, at, itemId),
  floorChanged(speaker, at)
];
export const handRaised = (memberId: string, at: number): BoardEvent => ({ type: 'hand.raised', at, memberId });
export const handLowered = (memberId: string, at: number): BoardEvent => ({ type: 'hand.lowered', at, memberId });
/** Presence as the server reports it for a member: their first connection came, or their last went. */
export const connected = (memberId: string, at: number): BoardEvent => ({ type: 'member.connected', at, memberId });
export const disconnected = (memberId: string, at: number): BoardEvent => ({ type: 'member.disconnected', at, memberId });
export const corrected = (memberId: string, status: AttendanceStatus, at: number, reason = '', by = facilitator.id): BoardEvent => ({
  type: 'attendance.corrected',
  at,
  memberId,
  status,
  reason,
  by
});

// ---- Flags and cues. ----

export interface FlagFacts {
  readonly category?: FlagCategory;
  readonly severity?: FlagSeverity;
  readonly memberIds?: readonly string[];
  readonly note?: string;
  readonly itemId?: string | null;
  readonly by?: string;
}
/** A flag raised by `facilitator` (Ana) unless said otherwise: moderate distress about Dev. */
export const flagRaised = (
  flagId: string,
  at: number,
  { category = 'distress', severity = 'moderate', memberIds = [member.id], note = 'Tearful during check-in', itemId = null, by = facilitator.id }: FlagFacts = {}
): BoardEvent => ({ type: 'flag.raised', at, flagId, category, severity, memberIds: [...memberIds], note, itemId, by });
export const flagAcknowledged = (flagId: string, at: number, by = coFacilitator.id): BoardEvent => ({ type: 'flag.acknowledged', at, flagId, by });
export const flagFollowedUp = (flagId: string, note: string, at: number, by = facilitator.id): BoardEvent => ({
  type: 'flag.followed_up',
  at,
  flagId,
  note,
  by
});
export const stepChecked = (flagId: string, stepId: string, label: string, at: number, by = facilitator.id): BoardEvent => ({
  type: 'flag.step_checked',
  at,
  flagId,
  stepId,
  label,
  by
});
export const flagResolved = (flagId: string, outcome: string, at: number, by = facilitator.id): BoardEvent => ({
  type: 'flag.resolved',
  at,
  flagId,
  outcome,
  by
});
export const cueSent = (cueId: string, text: string, at: number, by = supervisor.id): BoardEvent => ({ type: 'cue.sent', at, cueId, text, by });
export const cueAcknowledged = (cueId: string, at: number, by = facilitator.id): BoardEvent => ({ type: 'cue.acknowledged', at, cueId, by });

/**
 * A created session with the ROSTER, default settings, the default crisis protocol and agenda items
 * a, b, c (10 minutes each), not yet started: the events `session.create` emits, in its order.
 */
export const scheduled: readonly BoardEvent[] = [created(), configured(), crisisConfigured(), added('a', 0), added('b', 1), added('c', 2)];
/** The same session, started at T0 with no item current yet. */
export const live: readonly BoardEvent[] = [...scheduled, started(T0)];
/** Live, with item a current and running since T0 + 1 min. */
export const liveOnA: readonly BoardEvent[] = [...live, itemStarted('a', T0 + MIN)];
/** Live, then ended at T0 + 90 min. */
export const over: readonly BoardEvent[] = [...live, ended(T0 + 90 * MIN)];
