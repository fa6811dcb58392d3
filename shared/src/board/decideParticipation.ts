import { ErrorCode } from '../errors.ts';
import type { Actor } from '../roles.ts';
import type { Speaker } from '../participation/types.ts';
import type { Command } from './commands.ts';
import { accept, liveSession, openSession, reject, type Decision } from './decision.ts';
import type { BoardEvent } from './events.ts';
import type { BoardState } from './state.ts';

const PARTICIPATION_TYPES = [
  'turn.start',
  'turn.end',
  'hand.raise',
  'hand.lower',
  'floor.give_first_hand',
  'member.connect',
  'member.disconnect',
  'attendance.correct',
  'participation.configure'
] as const;

/** Commands about who speaks and who is here. */
export type ParticipationCommand = Extract<Command, { type: (typeof PARTICIPATION_TYPES)[number] }>;

export function isParticipationCommand(command: Command): command is ParticipationCommand {
  return (PARTICIPATION_TYPES as readonly string[]).includes(command.type);
}

function aliasOf(state: BoardState, memberId: string): string | null {
  return state.roster.find((r) => r.memberId === memberId)?.alias ?? null;
}

const sameSpeaker = (a: Speaker, b: Speaker) =>
  a.kind === b.kind && (a.kind === 'facilitator' || (b.kind === 'member' && a.memberId === b.memberId));

/** The events that give the floor to `speaker`: a new turn, the floor change, and their hand lowered. */
function giveFloor(state: BoardState, speaker: Speaker, at: number): BoardEvent[] {
  // Already speaking (their hand went up again mid-turn): the turn goes on, only the hand comes down.
  const speaking = state.floor !== null && sameSpeaker(state.floor.speaker, speaker);
  const events: BoardEvent[] = speaking
    ? []
    : [
        { type: 'turn.started', at, speaker, itemId: state.currentItemId },
        { type: 'floor.changed', at, speaker }
      ];
  if (speaker.kind === 'member' && state.hands.some((h) => h.memberId === speaker.memberId)) {
    events.push({ type: 'hand.lowered', at, memberId: speaker.memberId });
  }
  return events;
}

/**
 * Decides participation commands. The actor's role was checked by `decide`; here a member may only
 * act for themselves (their actor id is their roster member id).
 */
export function decideParticipation(state: BoardState, command: ParticipationCommand, actor: Actor, at: number): Decision {
  switch (command.type) {
    case 'turn.start': {
      const closed = liveSession(state);
      if (closed) return closed;
      const { speaker } = command;
      if (speaker.kind === 'member' && !aliasOf(state, speaker.memberId)) {
        return reject(ErrorCode.MEMBER_NOT_FOUND, 'That member is not on this session\'s roster.');
      }
      if (state.floor && sameSpeaker(state.floor.speaker, speaker)) return reject(ErrorCode.NOTHING_CHANGED, 'They already hold the floor.');
      return accept(...giveFloor(state, speaker, at));
    }
    case 'turn.end': {
      const closed = liveSession(state);
      if (closed) return closed;
      if (!state.floor) return reject(ErrorCode.NOTHING_CHANGED, 'Nobody holds the floor.');
      return accept({ type: 'turn.ended', at }, { type: 'floor.changed', at, speaker: null });
    }
    case 'hand.raise': {
      const closed = liveSession(state);
      if (closed) return closed;
      if (!aliasOf(state, actor.id)) return reject(ErrorCode.MEMBER_NOT_FOUND, 'You are not on this session\'s roster.');
      if (state.hands.some((h) => h.memberId === actor.id)) return reject(ErrorCode.NOTHING_CHANGED, 'Your hand is already up.');
      return accept({ type: 'hand.raised', at, memberId: actor.id });
    }
    case 'hand.lower': {
      const closed = openSession(state);
      if (closed) return closed;
      const memberId = actor.role === 'member' ? actor.id : command.memberId;
      if (actor.role === 'member' && command.memberId !== undefined && command.memberId !== actor.id) {
        return reject(ErrorCode.FORBIDDEN, 'A member may lower only their own hand.');
      }
      if (memberId === undefined) return reject(ErrorCode.MEMBER_NOT_FOUND, 'Name the member whose hand to lower.');
      if (!state.hands.some((h) => h.memberId === memberId)) return reject(ErrorCode.NOTHING_CHANGED, 'That hand is not up.');
      return accept({ type: 'hand.lowered', at, memberId });
    }
    case 'floor.give_first_hand': {
      const closed = liveSession(state);
      if (closed) return closed;
      const first = state.hands[0];
      if (!first) return reject(ErrorCode.NO_HANDS, 'No hand is up.');
      return accept(...giveFloor(state, { kind: 'member', memberId: first.memberId }, at));
    }
    case 'member.connect':
    case 'member.disconnect': {
      const closed = openSession(state);
      if (closed) return closed;
      if (!aliasOf(state, actor.id)) return reject(ErrorCode.MEMBER_NOT_FOUND, 'You are not on this session\'s roster.');
      const connected = state.attendance[actor.id]?.intervals.some((i) => i.to === null) ?? false;
      if (connected === (command.type === 'member.connect')) return reject(ErrorCode.NOTHING_CHANGED, 'Presence is already so.');
      return accept({ type: command.type === 'member.connect' ? 'member.connected' : 'member.disconnected', at, memberId: actor.id });
    }
    case 'attendance.correct': {
      if (state.status === 'new') return reject(ErrorCode.SESSION_NOT_FOUND, 'This session does not exist yet.');
      // Attendance is corrected after the group too: that is when it is reviewed.
      if (!aliasOf(state, command.memberId)) return reject(ErrorCode.MEMBER_NOT_FOUND, 'That member is not on this session\'s roster.');
      const current = state.attendance[command.memberId]?.correction;
      if (current && current.status === command.status && current.reason === command.reason) {
        return reject(ErrorCode.NOTHING_CHANGED, 'Attendance is already so.');
      }
      return accept({ type: 'attendance.corrected', at, memberId: command.memberId, status: command.status, reason: command.reason, by: actor.id });
    }
    case 'participation.configure': {
      const closed = openSession(state);
      if (closed) return closed;
      const same = (Object.keys(command.settings) as (keyof typeof command.settings)[]).every((k) => command.settings[k] === state.settings[k]);
      if (same) return reject(ErrorCode.NOTHING_CHANGED, 'The settings are unchanged.');
      return accept({ type: 'participation.configured', at, settings: command.settings });
    }
  }
}
