import { ErrorCode } from '../errors.ts';
import type { Actor } from '../roles.ts';
import { SAFETY_LIMITS, type Flag } from '../safety/types.ts';
import { soloAcknowledgeSeconds } from '../safety/alerts.ts';
import type { Command } from './commands.ts';
import { accept, liveSession, reject, type Decision } from './decision.ts';
import type { BoardState } from './state.ts';

const SAFETY_TYPES = [
  'flag.raise',
  'flag.acknowledge',
  'flag.follow_up',
  'flag.check_step',
  'flag.resolve',
  'cue.send',
  'cue.acknowledge'
] as const;

/** Commands about conflict and risk, the crisis checklist, and supervisor cues. */
export type SafetyCommand = Extract<Command, { type: (typeof SAFETY_TYPES)[number] }>;

export function isSafetyCommand(command: Command): command is SafetyCommand {
  return (SAFETY_TYPES as readonly string[]).includes(command.type);
}

/**
 * Whether a flag carries the crisis checklist (the organization's risk-assessment steps): a crisis,
 * and any safety risk (such as the one a PHQ-9 question 9 answer raises), whatever its severity.
 */
export function hasChecklist(flag: Pick<Flag, 'severity' | 'category'>): boolean {
  return flag.severity === 'crisis' || flag.category === 'safety-risk';
}

/** A flag that exists (after the group too: flags are followed up and resolved when it is over). */
function existingFlag(state: BoardState, flagId: string): Flag | Decision {
  if (state.status === 'new') return reject(ErrorCode.SESSION_NOT_FOUND, 'This session does not exist yet.');
  if (state.status === 'scheduled') return reject(ErrorCode.SESSION_NOT_LIVE, 'Start the session first.');
  return state.flags.find((f) => f.id === flagId) ?? reject(ErrorCode.FLAG_NOT_FOUND, 'No such flag.');
}

function openFlag(state: BoardState, flagId: string): Flag | Decision {
  const flag = existingFlag(state, flagId);
  if ('ok' in flag) return flag;
  return flag.resolved ? reject(ErrorCode.FLAG_RESOLVED, 'This flag is resolved.') : flag;
}

/**
 * Decides flags and cues. Roles were checked by `decide`; here the rules between clinicians: a flag is
 * acknowledged by someone other than who raised it (the co-facilitator, or the supervisor), the crisis
 * checklist belongs to crisis flags, and a cue reaches the facilitators of a live session.
 */
export function decideSafety(state: BoardState, command: SafetyCommand, actor: Actor, at: number): Decision {
  switch (command.type) {
    case 'flag.raise': {
      const closed = liveSession(state);
      if (closed) return closed;
      if (state.flags.some((f) => f.id === command.flagId)) return reject(ErrorCode.FLAG_EXISTS, 'A flag with this id exists.');
      if (state.flags.length >= SAFETY_LIMITS.maxFlags) return reject(ErrorCode.LIMIT_REACHED, `A session holds at most ${SAFETY_LIMITS.maxFlags} flags.`);
      const roster = new Set(state.roster.map((r) => r.memberId));
      if (new Set(command.memberIds).size !== command.memberIds.length) return reject(ErrorCode.DUPLICATE_ID, 'A flag names each member once.');
      if (!command.memberIds.every((id) => roster.has(id))) return reject(ErrorCode.MEMBER_NOT_FOUND, 'Flags name members of this session\'s roster.');
      return accept({
        type: 'flag.raised',
        at,
        flagId: command.flagId,
        category: command.category,
        severity: command.severity,
        memberIds: command.memberIds,
        note: command.note,
        itemId: state.currentItemId,
        by: actor.id
      });
    }
    case 'flag.acknowledge': {
      const flag = existingFlag(state, command.flagId);
      if ('ok' in flag) return flag;
      if (flag.acknowledged) return reject(ErrorCode.NOTHING_CHANGED, 'This flag is already acknowledged.');
      if (flag.raisedBy !== actor.id) return accept({ type: 'flag.acknowledged', at, flagId: flag.id, by: actor.id });
      // Nobody else came within the protocol's wait (a solo facilitator, a supervisor away): the
      // raiser may take it up, and the record says so.
      const wait = soloAcknowledgeSeconds(state.crisis);
      if (at - flag.raisedAt < wait * 1000) {
        return reject(ErrorCode.OWN_FLAG, `A flag is acknowledged by the co-facilitator or the supervisor; if none has within ${wait} s, you may acknowledge it yourself.`);
      }
      return accept({ type: 'flag.acknowledged', at, flagId: flag.id, by: actor.id, solo: true });
    }
    case 'flag.follow_up': {
      const flag = existingFlag(state, command.flagId);
      if ('ok' in flag) return flag;
      return accept({ type: 'flag.followed_up', at, flagId: flag.id, note: command.note, by: actor.id });
    }
    case 'flag.check_step': {
      const flag = openFlag(state, command.flagId);
      if ('ok' in flag) return flag;
      if (!hasChecklist(flag)) return reject(ErrorCode.NOT_CRISIS, 'The crisis checklist is for crisis and safety-risk flags.');
      const step = state.crisis.checklist.find((s) => s.id === command.stepId);
      if (!step) return reject(ErrorCode.STEP_NOT_FOUND, 'No such step in the crisis checklist.');
      if (flag.steps.some((s) => s.stepId === step.id)) return reject(ErrorCode.NOTHING_CHANGED, 'This step is already checked.');
      return accept({ type: 'flag.step_checked', at, flagId: flag.id, stepId: step.id, label: step.label, by: actor.id });
    }
    case 'flag.resolve': {
      const flag = openFlag(state, command.flagId);
      if ('ok' in flag) return flag;
      return accept({ type: 'flag.resolved', at, flagId: flag.id, outcome: command.outcome, by: actor.id });
    }
    case 'cue.send': {
      const closed = liveSession(state);
      if (closed) return closed;
      if (state.cues.some((c) => c.id === command.cueId)) return reject(ErrorCode.CUE_EXISTS, 'A cue with this id exists.');
      if (state.cues.length >= SAFETY_LIMITS.maxCues) return reject(ErrorCode.LIMIT_REACHED, `A session holds at most ${SAFETY_LIMITS.maxCues} cues.`);
      return accept({ type: 'cue.sent', at, cueId: command.cueId, text: command.text, by: actor.id });
    }
    case 'cue.acknowledge': {
      if (state.status === 'new') return reject(ErrorCode.SESSION_NOT_FOUND, 'This session does not exist yet.');
      const cue = state.cues.find((c) => c.id === command.cueId);
      if (!cue) return reject(ErrorCode.CUE_NOT_FOUND, 'No such cue.');
      if (cue.acknowledged) return reject(ErrorCode.NOTHING_CHANGED, 'This cue is already acknowledged.');
      return accept({ type: 'cue.acknowledged', at, cueId: cue.id, by: actor.id });
    }
  }
}
