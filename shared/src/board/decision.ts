import { ErrorCode, type WireError } from '../errors.ts';
import type { BoardEvent } from './events.ts';
import type { AgendaItem, BoardState } from './state.ts';

/** The outcome of a decision: the events to append, or why nothing happens. */
export type Decision = { ok: true; events: BoardEvent[] } | { ok: false; rejection: WireError };

export const reject = (code: ErrorCode, message: string): Decision => ({ ok: false, rejection: { code, message } });
export const accept = (...events: BoardEvent[]): Decision => ({ ok: true, events });

export function findItem(state: BoardState, itemId: string): AgendaItem | undefined {
  return state.items.find((i) => i.id === itemId);
}

/** Guards shared by commands that act on the agenda of an existing, not yet ended session. */
export function openSession(state: BoardState): Decision | null {
  if (state.status === 'new') return reject(ErrorCode.SESSION_NOT_FOUND, 'This session does not exist yet.');
  if (state.status === 'ended') return reject(ErrorCode.SESSION_ENDED, 'The session has ended; the agenda is closed.');
  if (state.status === 'cancelled') return reject(ErrorCode.SESSION_CANCELLED, 'The session was cancelled; its board is closed.');
  return null;
}

export function liveSession(state: BoardState): Decision | null {
  const closed = openSession(state);
  if (closed) return closed;
  if (state.status !== 'live') return reject(ErrorCode.SESSION_NOT_LIVE, 'Start the session first.');
  return null;
}

