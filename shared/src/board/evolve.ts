import type { BoardEvent } from './events.ts';
import type { AgendaItem, BoardState } from './state.ts';
import type { Turn } from '../participation/types.ts';
import type { Flag, MemberAttendance } from '../safety/types.ts';
import { score } from '../measures/instruments.ts';

type Patch = Partial<AgendaItem>;

function patchItem(state: BoardState, itemId: string, patch: (i: AgendaItem) => Patch): BoardState {
  return {
    ...state,
    items: state.items.map((i) => (i.id === itemId ? { ...i, ...patch(i) } : i))
  };
}

/** Closes the run in progress, folding its time into the accumulated total. */
function stopRun(i: AgendaItem, at: number): Patch {
  if (i.runningSince === null) return {};
  return { accumulatedMs: i.accumulatedMs + Math.max(0, at - i.runningSince), runningSince: null };
}

function finish(state: BoardState, itemId: string, at: number, status: 'done' | 'skipped'): BoardState {
  const next = patchItem(state, itemId, (i) => ({ ...stopRun(i, at), status }));
  return next.currentItemId === itemId ? { ...next, currentItemId: null } : next;
}

/**
 * Recomputes who attended, in roster order: a facilitator's correction decides; without one, a member
 * attended if they connected at some point or spoke.
 */
function withPresent(state: BoardState): BoardState {
  const spoke = new Set(state.turns.flatMap((t) => (t.speaker.kind === 'member' ? [t.speaker.memberId] : [])));
  const present = state.roster
    .map((r) => r.memberId)
    .filter((id) => {
      const a = state.attendance[id];
      if (a?.correction) return a.correction.status !== 'absent';
      return (a?.intervals.length ?? 0) > 0 || spoke.has(id);
    });
  const same = present.length === state.present.length && present.every((id, n) => state.present[n] === id);
  return same ? state : { ...state, present };
}

const NO_ATTENDANCE: MemberAttendance = { intervals: [], correction: null };

function patchAttendance(state: BoardState, memberId: string, patch: (a: MemberAttendance) => MemberAttendance): BoardState {
  if (!state.roster.some((r) => r.memberId === memberId)) return state;
  const attendance = { ...state.attendance, [memberId]: patch(state.attendance[memberId] ?? NO_ATTENDANCE) };
  return withPresent({ ...state, attendance });
}

function patchFlag(state: BoardState, flagId: string, patch: (f: Flag) => Flag): BoardState {
  return { ...state, flags: state.flags.map((f) => (f.id === flagId ? patch(f) : f)) };
}

/** Closes the turn in progress, if any, at `at`. */
function endTurn(turns: readonly Turn[], at: number): readonly Turn[] {
  const last = turns[turns.length - 1];
  if (!last || last.end !== null) return turns;
  return [...turns.slice(0, -1), { ...last, end: Math.max(last.start, at) }];
}

/**
 * Applies one event to the board. Pure and total: events are facts already decided, so an event
 * that names an unknown item changes nothing rather than throwing.
 */
export function evolve(state: BoardState, event: BoardEvent): BoardState {
  switch (event.type) {
    case 'session.created':
      return { ...state, status: 'scheduled', title: event.title, scheduledFor: event.scheduledFor, roster: event.roster };
    case 'session.started':
      return { ...state, status: 'live', startedAt: event.at };
    case 'session.ended':
      return { ...state, status: 'ended', endedAt: event.at };
    case 'roster.changed': {
      // Who is no longer on the roster is no longer in this session: not waiting, not attending.
      const ids = new Set(event.roster.map((r) => r.memberId));
      return withPresent({
        ...state,
        roster: event.roster,
        attendance: Object.fromEntries(Object.entries(state.attendance).filter(([id]) => ids.has(id))),
        hands: state.hands.filter((h) => ids.has(h.memberId)),
        waiting: state.waiting.filter((w) => ids.has(w.memberId)),
        admitted: Object.fromEntries(Object.entries(state.admitted).filter(([id]) => ids.has(id)))
      });
    }
    case 'admission.requested': {
      const { requestId, memberId, secondDevice, at } = event;
      return { ...state, waiting: [...state.waiting.filter((w) => w.memberId !== memberId), { requestId, memberId, at, secondDevice }] };
    }
    case 'admission.admitted':
      return {
        ...state,
        waiting: state.waiting.filter((w) => w.memberId !== event.memberId),
        admitted: { ...state.admitted, [event.memberId]: event.requestId }
      };
    case 'admission.declined':
      return { ...state, waiting: state.waiting.filter((w) => w.requestId !== event.requestId) };
    case 'session.rescheduled':
      return { ...state, scheduledFor: event.scheduledFor };
    case 'session.cancelled':
      return { ...state, status: 'cancelled', cancelledAt: event.at };
    case 'session.cancel_reason':
      return { ...state, cancelReason: event.reason };
    case 'agenda.item_added': {
      const item: AgendaItem = {
        id: event.itemId,
        title: event.title,
        kind: event.kind,
        plannedMinutes: event.plannedMinutes,
        extendedMinutes: 0,
        status: 'pending',
        firstStartedAt: null,
        accumulatedMs: 0,
        runningSince: null,
        guidance: ''
      };
      const items = [...state.items];
      items.splice(Math.min(event.position, items.length), 0, item);
      return { ...state, items };
    }
    case 'agenda.item_edited': {
      const { itemId, title, kind, plannedMinutes } = event;
      return patchItem(state, itemId, () => ({
        ...(title !== undefined && { title }),
        ...(kind !== undefined && { kind }),
        ...(plannedMinutes !== undefined && { plannedMinutes })
      }));
    }
    case 'agenda.item_removed':
      return {
        ...state,
        items: state.items.filter((i) => i.id !== event.itemId),
        currentItemId: state.currentItemId === event.itemId ? null : state.currentItemId
      };
    case 'agenda.reordered': {
      const byId = new Map(state.items.map((i) => [i.id, i]));
      const ordered = event.itemIds.flatMap((id) => byId.get(id) ?? []);
      const rest = state.items.filter((i) => !event.itemIds.includes(i.id));
      return { ...state, items: [...ordered, ...rest] };
    }
    case 'agenda.guidance_set':
      return patchItem(state, event.itemId, () => ({ guidance: event.guidance }));
    case 'item.started': {
      // At most one current item: a still-current item is stopped first (decide emits its
      // completion before this event; this keeps evolve total if it did not). An unknown item
      // changes nothing, so it must not end the current one either.
      if (!state.items.some((i) => i.id === event.itemId)) return state;
      const base = state.currentItemId && state.currentItemId !== event.itemId
        ? finish(state, state.currentItemId, event.at, 'done')
        : state;
      return {
        ...patchItem(base, event.itemId, (i) => ({
          status: 'current',
          firstStartedAt: i.firstStartedAt ?? event.at,
          runningSince: i.runningSince ?? event.at
        })),
        currentItemId: event.itemId
      };
    }
    case 'item.paused':
      return patchItem(state, event.itemId, (i) => stopRun(i, event.at));
    case 'item.resumed':
      return patchItem(state, event.itemId, (i) => ({ runningSince: i.runningSince ?? event.at }));
    case 'item.extended':
      return patchItem(state, event.itemId, (i) => ({ extendedMinutes: i.extendedMinutes + event.minutes }));
    case 'item.completed':
      return finish(state, event.itemId, event.at, 'done');
    case 'item.skipped':
      return finish(state, event.itemId, event.at, 'skipped');
    case 'turn.started': {
      const closed = endTurn(state.turns, event.at);
      // One floor, so turns never overlap: a server clock stepped back must not start this turn
      // before the last one ended (as endTurn never ends a turn before it began).
      const prev = closed[closed.length - 1];
      const start = prev ? Math.max(event.at, prev.end ?? prev.start) : event.at;
      const turns = [...closed, { speaker: event.speaker, start, end: null, itemId: event.itemId }];
      // Whoever speaks is here.
      return withPresent({ ...state, turns });
    }
    case 'turn.ended':
      return { ...state, turns: endTurn(state.turns, event.at) };
    case 'floor.changed':
      return { ...state, floor: event.speaker ? { speaker: event.speaker, since: event.at } : null };
    case 'hand.raised':
      if (state.hands.some((h) => h.memberId === event.memberId)) return state;
      return { ...state, hands: [...state.hands, { memberId: event.memberId, at: event.at }] };
    case 'hand.lowered':
      return { ...state, hands: state.hands.filter((h) => h.memberId !== event.memberId) };
    case 'member.connected':
      return patchAttendance(state, event.memberId, (a) => {
        if (a.intervals.some((i) => i.to === null)) return a;
        // As with turns: a server clock stepped back must not start this interval before the last one
        // ended, or connected time would be counted twice.
        const last = a.intervals[a.intervals.length - 1];
        return { ...a, intervals: [...a.intervals, { from: Math.max(event.at, last?.to ?? event.at), to: null }] };
      });
    case 'member.disconnected':
      return patchAttendance(state, event.memberId, (a) => ({
        ...a,
        intervals: a.intervals.map((i) => (i.to === null ? { ...i, to: Math.max(i.from, event.at) } : i))
      }));
    case 'attendance.corrected':
      return patchAttendance(state, event.memberId, (a) => ({
        ...a,
        correction: { status: event.status, reason: event.reason, by: event.by, at: event.at }
      }));
    case 'participation.configured':
      return { ...state, settings: event.settings };
    case 'crisis.configured':
      return { ...state, crisis: event.protocol };
    case 'flag.raised': {
      if (state.flags.some((f) => f.id === event.flagId)) return state;
      const flag: Flag = {
        id: event.flagId,
        category: event.category,
        severity: event.severity,
        memberIds: event.memberIds,
        note: event.note,
        itemId: event.itemId,
        raisedBy: event.by,
        raisedAt: event.at,
        acknowledged: null,
        followUps: [],
        steps: [],
        resolved: null
      };
      return { ...state, flags: [...state.flags, flag] };
    }
    case 'flag.acknowledged':
      return patchFlag(state, event.flagId, (f) => ({ ...f, acknowledged: f.acknowledged ?? { by: event.by, at: event.at, solo: event.solo === true } }));
    case 'flag.followed_up':
      return patchFlag(state, event.flagId, (f) => ({ ...f, followUps: [...f.followUps, { note: event.note, by: event.by, at: event.at }] }));
    case 'flag.step_checked':
      return patchFlag(state, event.flagId, (f) =>
        f.steps.some((s) => s.stepId === event.stepId)
          ? f
          : { ...f, steps: [...f.steps, { stepId: event.stepId, label: event.label, by: event.by, at: event.at }] }
      );
    case 'flag.resolved':
      return patchFlag(state, event.flagId, (f) => ({ ...f, resolved: f.resolved ?? { outcome: event.outcome, by: event.by, at: event.at } }));
    case 'cue.sent':
      if (state.cues.some((c) => c.id === event.cueId)) return state;
      return { ...state, cues: [...state.cues, { id: event.cueId, text: event.text, by: event.by, at: event.at, acknowledged: null }] };
    case 'cue.acknowledged':
      return {
        ...state,
        cues: state.cues.map((c) => (c.id === event.cueId && !c.acknowledged ? { ...c, acknowledged: { by: event.by, at: event.at } } : c))
      };
    case 'resource.shared':
    case 'resource.shared_privately': {
      if (state.resources.some((r) => r.shareId === event.shareId)) return state;
      const to = event.type === 'resource.shared_privately' ? event.memberId : null;
      return { ...state, resources: [...state.resources, { shareId: event.shareId, to, title: event.title, body: event.body, url: event.url, at: event.at }] };
    }
    case 'instruments.configured':
      return { ...state, instruments: event.instruments };
    case 'measure.opened':
      if (state.measures.some((m) => m.runId === event.runId)) return state;
      return { ...state, measures: [...state.measures, { runId: event.runId, instrument: event.instrument, openedAt: event.at, closedAt: null, responses: [] }] };
    case 'measure.answered':
      return {
        ...state,
        measures: state.measures.map((m) =>
          m.runId !== event.runId || m.responses.some((r) => r.memberId === event.memberId)
            ? m
            : { ...m, responses: [...m.responses, { memberId: event.memberId, answers: event.answers, ...score(m.instrument, [...event.answers]), at: event.at }] }
        )
      };
    case 'measure.closed':
      return { ...state, measures: state.measures.map((m) => (m.runId === event.runId && m.closedAt === null ? { ...m, closedAt: event.at } : m)) };
  }
}

/** Folds a sequence of events from the initial state. */
export function fold(state: BoardState, events: Iterable<BoardEvent>): BoardState {
  let s = state;
  for (const e of events) s = evolve(s, e);
  return s;
}
