import { ErrorCode } from '../errors.ts';
import type { Actor, Role } from '../roles.ts';
import { LIMITS, SHARE_LIMITS, type Command, type CommandType } from './commands.ts';
import type { BoardEvent } from './events.ts';
import type { AgendaItem, BoardState } from './state.ts';
import { decideParticipation, isParticipationCommand } from './decideParticipation.ts';
import { decideSafety, isSafetyCommand } from './decideSafety.ts';
import { decideAdmission, isAdmissionCommand } from './decideAdmission.ts';
import { decideMeasures, isMeasureCommand } from './decideMeasures.ts';
import { accept, findItem, liveSession, openSession, reject, type Decision } from './decision.ts';

/**
 * Which roles may issue each command. Both co-facilitators are equal; supervisors watch, send cues and
 * acknowledge flags; members act only on their own hand (and the server on their connection).
 */
export const COMMAND_ROLES: Record<CommandType, readonly Role[]> = {
  'session.create': ['facilitator'],
  'session.start': ['facilitator'],
  'session.end': ['facilitator'],
  'session.reschedule': ['facilitator'],
  'roster.set': ['facilitator'],
  'crisis.configure': ['facilitator'],
  'instruments.configure': ['facilitator'],
  'session.cancel': ['facilitator'],
  'agenda.add': ['facilitator'],
  'agenda.edit': ['facilitator'],
  'agenda.remove': ['facilitator'],
  'agenda.reorder': ['facilitator'],
  'agenda.set_guidance': ['facilitator'],
  'item.start': ['facilitator'],
  'item.next': ['facilitator'],
  'item.pause': ['facilitator'],
  'item.resume': ['facilitator'],
  'item.extend': ['facilitator'],
  'item.complete': ['facilitator'],
  'item.skip': ['facilitator'],
  'turn.start': ['facilitator'],
  'turn.end': ['facilitator'],
  'hand.raise': ['member'],
  'hand.lower': ['member', 'facilitator'],
  'floor.give_first_hand': ['facilitator'],
  'member.connect': ['member'],
  'member.disconnect': ['member'],
  'admission.request': ['member'],
  'admission.admit': ['facilitator'],
  'admission.decline': ['facilitator'],
  'attendance.correct': ['facilitator'],
  'participation.configure': ['facilitator'],
  'flag.raise': ['facilitator'],
  // The co-facilitator or the supervisor acknowledges; follow-ups come from either too.
  'flag.acknowledge': ['facilitator', 'supervisor'],
  'flag.follow_up': ['facilitator', 'supervisor'],
  'flag.check_step': ['facilitator'],
  'flag.resolve': ['facilitator'],
  // The supervisor's one channel into the session: private cues to the facilitators.
  'cue.send': ['supervisor'],
  'cue.acknowledge': ['facilitator'],
  'resource.share': ['facilitator'],
  'measure.open': ['facilitator'],
  'measure.answer': ['member'],
  'measure.close': ['facilitator']
};

function existingItem(state: BoardState, itemId: string): AgendaItem | Decision {
  return findItem(state, itemId) ?? reject(ErrorCode.ITEM_NOT_FOUND, `No agenda item ${itemId}.`);
}

function currentOf(state: BoardState, itemId: string): AgendaItem | Decision {
  const found = existingItem(state, itemId);
  if ('ok' in found) return found;
  if (state.currentItemId !== itemId) return reject(ErrorCode.ITEM_NOT_CURRENT, `"${found.title}" is not the current item.`);
  return found;
}

/** Events that close the current item, if there is one, before another starts or the session ends. */
function closeCurrent(state: BoardState, at: number): BoardEvent[] {
  return state.currentItemId ? [{ type: 'item.completed', at, itemId: state.currentItemId }] : [];
}

/**
 * Decides what a command means for the board: checks the actor's role and the command against the
 * state, and returns the events to append. Pure: the clock comes in as `now`, ids come with the command.
 */
export function decide(state: BoardState, command: Command, actor: Actor, now: number): Decision {
  if (!COMMAND_ROLES[command.type].includes(actor.role)) {
    return reject(ErrorCode.FORBIDDEN, `A ${actor.role} may not ${command.type}.`);
  }
  const at = now;
  if (isParticipationCommand(command)) return decideParticipation(state, command, actor, at);
  if (isSafetyCommand(command)) return decideSafety(state, command, actor, at);
  if (isAdmissionCommand(command)) return decideAdmission(state, command, actor, at);
  if (isMeasureCommand(command)) return decideMeasures(state, command, actor, at);
  switch (command.type) {
    case 'session.create': {
      if (state.status !== 'new') return reject(ErrorCode.SESSION_EXISTS, 'This session already exists.');
      const ids = new Set(command.agenda.map((i) => i.itemId));
      if (ids.size !== command.agenda.length) return reject(ErrorCode.ITEM_EXISTS, 'Agenda item ids must be unique.');
      const members = new Set(command.roster.map((r) => r.memberId));
      if (members.size !== command.roster.length) return reject(ErrorCode.DUPLICATE_ID, 'Roster member ids must be unique.');
      return accept(
        { type: 'session.created', at, title: command.title, scheduledFor: command.scheduledFor, roster: command.roster },
        { type: 'participation.configured', at, settings: command.settings },
        { type: 'crisis.configured', at, protocol: command.crisis },
        ...(command.instruments && command.instruments.length > 0 ? [{ type: 'instruments.configured', at, instruments: command.instruments } as const] : []),
        ...command.agenda.map(({ guidance: _guidance, ...i }, position): BoardEvent => ({ type: 'agenda.item_added', at, ...i, position })),
        // Guidance is for clinicians only, so it travels in events of its own.
        ...command.agenda.flatMap((i): BoardEvent[] => (i.guidance ? [{ type: 'agenda.guidance_set', at, itemId: i.itemId, guidance: i.guidance }] : []))
      );
    }
    case 'session.start':
      if (state.status === 'new') return reject(ErrorCode.SESSION_NOT_FOUND, 'This session does not exist yet.');
      if (state.status !== 'scheduled') {
        return reject(ErrorCode.SESSION_NOT_SCHEDULED, `The session is ${state.status}; only a scheduled session can start.`);
      }
      if (command.itemId !== undefined) {
        const first = existingItem(state, command.itemId);
        if ('ok' in first) return first;
        return accept({ type: 'session.started', at }, { type: 'item.started', at, itemId: first.id });
      }
      return accept({ type: 'session.started', at });
    case 'roster.set': {
      const closed = openSession(state);
      if (closed) return closed;
      // A session that ran keeps the roster it ran with: its attendance and record are about them.
      if (state.status !== 'scheduled') return reject(ErrorCode.SESSION_NOT_SCHEDULED, 'Only a session that has not started takes roster changes.');
      if (new Set(command.roster.map((r) => r.memberId)).size !== command.roster.length) return reject(ErrorCode.DUPLICATE_ID, 'Roster member ids must be unique.');
      const same = command.roster.length === state.roster.length && command.roster.every((r, n) => r.memberId === state.roster[n]?.memberId && r.alias === state.roster[n]?.alias);
      if (same) return reject(ErrorCode.NOTHING_CHANGED, 'The roster is unchanged.');
      return accept({ type: 'roster.changed', at, roster: command.roster });
    }
    case 'instruments.configure': {
      const closed = openSession(state);
      if (closed) return closed;
      if (JSON.stringify(command.instruments) === JSON.stringify(state.instruments)) return reject(ErrorCode.NOTHING_CHANGED, 'The session has these instruments already.');
      return accept({ type: 'instruments.configured', at, instruments: command.instruments });
    }
    case 'crisis.configure': {
      const closed = openSession(state);
      if (closed) return closed;
      if (JSON.stringify(command.crisis) === JSON.stringify(state.crisis)) return reject(ErrorCode.NOTHING_CHANGED, 'The session has this crisis protocol already.');
      return accept({ type: 'crisis.configured', at, protocol: command.crisis });
    }
    case 'session.reschedule':
    case 'session.cancel': {
      const closed = openSession(state);
      if (closed) return closed;
      if (state.status !== 'scheduled') return reject(ErrorCode.SESSION_NOT_SCHEDULED, 'Only a session that has not started can be rescheduled or cancelled.');
      if (command.type === 'session.cancel') {
        // Members learn that it is cancelled; why is for the clinicians.
        return accept({ type: 'session.cancelled', at }, { type: 'session.cancel_reason', at, reason: command.reason });
      }
      const scheduledFor = command.scheduledFor === null ? null : new Date(command.scheduledFor).toISOString();
      if (scheduledFor === state.scheduledFor) return reject(ErrorCode.NOTHING_CHANGED, 'The session is planned for that time already.');
      return accept({ type: 'session.rescheduled', at, scheduledFor });
    }
    case 'session.end':
      return (
        liveSession(state) ??
        accept(
          ...closeCurrent(state, at),
          // Nobody holds the floor and no hand stays up once the group is over.
          ...(state.floor ? [{ type: 'turn.ended', at } as const, { type: 'floor.changed', at, speaker: null } as const] : []),
          ...state.hands.map((h) => ({ type: 'hand.lowered', at, memberId: h.memberId }) as const),
          // Attendance closes with the group: whoever is still connected is recorded as leaving at its end.
          ...state.roster
            .filter((r) => state.attendance[r.memberId]?.intervals.some((i) => i.to === null))
            .map((r) => ({ type: 'member.disconnected', at, memberId: r.memberId }) as const),
          // A measure still open closes with the group.
          ...state.measures.filter((m) => m.closedAt === null).map((m) => ({ type: 'measure.closed', at, runId: m.runId }) as const),
          { type: 'session.ended', at }
        )
      );
    case 'agenda.add': {
      const closed = openSession(state);
      if (closed) return closed;
      if (state.items.length >= LIMITS.maxItems) return reject(ErrorCode.AGENDA_FULL, `An agenda holds at most ${LIMITS.maxItems} items.`);
      if (findItem(state, command.item.itemId)) return reject(ErrorCode.ITEM_EXISTS, `Item ${command.item.itemId} already exists.`);
      const position = Math.min(command.position ?? state.items.length, state.items.length);
      return accept({ type: 'agenda.item_added', at, ...command.item, position });
    }
    case 'agenda.edit': {
      const item = openSession(state) ?? existingItem(state, command.itemId);
      if ('ok' in item) return item;
      const { title, kind, plannedMinutes } = command;
      const changed =
        (title !== undefined && title !== item.title) ||
        (kind !== undefined && kind !== item.kind) ||
        (plannedMinutes !== undefined && plannedMinutes !== item.plannedMinutes);
      if (!changed) return reject(ErrorCode.NOTHING_CHANGED, 'The edit changes nothing.');
      return accept({
        type: 'agenda.item_edited',
        at,
        itemId: item.id,
        ...(title !== undefined && { title }),
        ...(kind !== undefined && { kind }),
        ...(plannedMinutes !== undefined && { plannedMinutes })
      });
    }
    case 'agenda.remove': {
      const item = openSession(state) ?? existingItem(state, command.itemId);
      if ('ok' in item) return item;
      if (item.id === state.currentItemId) return reject(ErrorCode.ITEM_IS_CURRENT, 'Complete or skip the current item before removing it.');
      return accept({ type: 'agenda.item_removed', at, itemId: item.id });
    }
    case 'agenda.reorder': {
      const closed = openSession(state);
      if (closed) return closed;
      const ids = command.itemIds;
      const known = new Set(state.items.map((i) => i.id));
      if (ids.length !== known.size || new Set(ids).size !== ids.length || !ids.every((id) => known.has(id))) {
        return reject(ErrorCode.BAD_ORDER, 'A new order must list every agenda item exactly once.');
      }
      if (ids.every((id, n) => state.items[n]?.id === id)) return reject(ErrorCode.NOTHING_CHANGED, 'The order is unchanged.');
      return accept({ type: 'agenda.reordered', at, itemIds: [...ids] });
    }
    case 'agenda.set_guidance': {
      const item = openSession(state) ?? existingItem(state, command.itemId);
      if ('ok' in item) return item;
      if (item.guidance === command.guidance) return reject(ErrorCode.NOTHING_CHANGED, 'The guidance is unchanged.');
      return accept({ type: 'agenda.guidance_set', at, itemId: item.id, guidance: command.guidance });
    }
    case 'item.start': {
      const item = liveSession(state) ?? existingItem(state, command.itemId);
      if ('ok' in item) return item;
      if (item.id === state.currentItemId) return reject(ErrorCode.ITEM_IS_CURRENT, `"${item.title}" is already current.`);
      return accept(...closeCurrent(state, at), { type: 'item.started', at, itemId: item.id });
    }
    case 'item.next': {
      const closed = liveSession(state);
      if (closed) return closed;
      const from = state.items.findIndex((i) => i.id === state.currentItemId);
      const next = state.items.find((i, n) => n > from && i.status === 'pending');
      if (!next && !state.currentItemId) return reject(ErrorCode.NO_NEXT_ITEM, 'No agenda item is left to start.');
      return accept(...closeCurrent(state, at), ...(next ? [{ type: 'item.started', at, itemId: next.id } as const] : []));
    }
    case 'item.pause': {
      const item = liveSession(state) ?? currentOf(state, command.itemId);
      if ('ok' in item) return item;
      if (item.runningSince === null) return reject(ErrorCode.ITEM_NOT_RUNNING, `"${item.title}" is already paused.`);
      return accept({ type: 'item.paused', at, itemId: item.id });
    }
    case 'item.resume': {
      const item = liveSession(state) ?? currentOf(state, command.itemId);
      if ('ok' in item) return item;
      if (item.runningSince !== null) return reject(ErrorCode.ITEM_NOT_PAUSED, `"${item.title}" is not paused.`);
      return accept({ type: 'item.resumed', at, itemId: item.id });
    }
    case 'item.extend': {
      const item = liveSession(state) ?? currentOf(state, command.itemId);
      if ('ok' in item) return item;
      if (item.extendedMinutes + command.minutes > LIMITS.maxTotalExtension) {
        return reject(ErrorCode.EXTENSION_LIMIT, `An item can be extended by at most ${LIMITS.maxTotalExtension} minutes in all.`);
      }
      return accept({ type: 'item.extended', at, itemId: item.id, minutes: command.minutes });
    }
    case 'item.complete': {
      const item = liveSession(state) ?? currentOf(state, command.itemId);
      if ('ok' in item) return item;
      return accept({ type: 'item.completed', at, itemId: item.id });
    }
    case 'resource.share': {
      // During the session or after it: a resource for the week that follows.
      if (state.status === 'new') return reject(ErrorCode.SESSION_NOT_FOUND, 'This session does not exist yet.');
      if (state.resources.some((r) => r.shareId === command.shareId)) return reject(ErrorCode.RESOURCE_EXISTS, 'A shared resource with this id exists.');
      if (state.resources.length >= SHARE_LIMITS.maxShares) return reject(ErrorCode.LIMIT_REACHED, `A session holds at most ${SHARE_LIMITS.maxShares} shared resources.`);
      const { shareId, title, body, url, memberId } = command;
      if (memberId === undefined) return accept({ type: 'resource.shared', at, shareId, title, body, url });
      if (!state.roster.some((r) => r.memberId === memberId)) return reject(ErrorCode.MEMBER_NOT_FOUND, 'That member is not on this session\'s roster.');
      return accept({ type: 'resource.shared_privately', at, shareId, memberId, title, body, url });
    }
    case 'item.skip': {
      const item = liveSession(state) ?? existingItem(state, command.itemId);
      if ('ok' in item) return item;
      if (item.status === 'done' || item.status === 'skipped') {
        return reject(ErrorCode.ITEM_FINISHED, `"${item.title}" is already ${item.status === 'done' ? 'done' : 'skipped'}.`);
      }
      return accept({ type: 'item.skipped', at, itemId: item.id });
    }
  }
}
