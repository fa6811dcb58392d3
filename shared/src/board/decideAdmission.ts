import { ErrorCode } from '../errors.ts';
import type { Actor } from '../roles.ts';
import type { Command } from './commands.ts';
import { accept, openSession, reject, type Decision } from './decision.ts';
import type { BoardState } from './state.ts';

const ADMISSION_TYPES = ['admission.request', 'admission.admit', 'admission.decline'] as const;

/** Commands of the waiting room: a member's device asks to come in, a facilitator lets it in or not. */
export type AdmissionCommand = Extract<Command, { type: (typeof ADMISSION_TYPES)[number] }>;

export function isAdmissionCommand(command: Command): command is AdmissionCommand {
  return (ADMISSION_TYPES as readonly string[]).includes(command.type);
}

/**
 * A member has one device in a session at a time. A device with the member's personal invite waits
 * until a facilitator admits it (or comes straight in when the group admits automatically and no
 * other device of the member is in); a second device always waits, and admitting it disconnects the
 * first: the board never merges two devices into one member silently.
 */
export function decideAdmission(state: BoardState, command: AdmissionCommand, actor: Actor, at: number): Decision {
  const closed = openSession(state);
  if (closed) return closed;
  switch (command.type) {
    case 'admission.request': {
      const memberId = actor.id;
      if (!state.roster.some((r) => r.memberId === memberId)) return reject(ErrorCode.MEMBER_NOT_FOUND, 'This member is not on the session\'s roster.');
      // A request id names one device's token: one that waits or is in already is not asked again.
      if (state.waiting.some((w) => w.requestId === command.requestId) || Object.values(state.admitted).includes(command.requestId)) {
        return reject(ErrorCode.DUPLICATE_ID, 'This device has asked to come in already.');
      }
      const secondDevice = state.admitted[memberId] !== undefined;
      if (command.automatic && !secondDevice) return accept({ type: 'admission.admitted', at, requestId: command.requestId, memberId, replaced: null, by: null });
      return accept({ type: 'admission.requested', at, requestId: command.requestId, memberId, secondDevice });
    }
    case 'admission.admit':
    case 'admission.decline': {
      const waiting = state.waiting.find((w) => w.requestId === command.requestId);
      if (!waiting) return reject(ErrorCode.REQUEST_NOT_WAITING, 'No one is waiting with that request: admitted, declined or replaced already.');
      const { requestId, memberId } = waiting;
      return command.type === 'admission.admit'
        ? accept({ type: 'admission.admitted', at, requestId, memberId, replaced: state.admitted[memberId] ?? null, by: actor.id })
        : accept({ type: 'admission.declined', at, requestId, memberId, by: actor.id });
    }
  }
}
