import { ErrorCode, type Actor, type Command, type CommandResult } from '@hearth/shared';
import { randomUUID } from 'node:crypto';
import type { BoardService } from '../live/BoardService.ts';
import { errorMessage, type Logger } from '../log.ts';

/** What attendance needs of the board: the current view of a session, appending to it, and doubting its cache. */
export type AttendanceBoard = Pick<BoardService, 'execute' | 'currentView' | 'heard'>;

/**
 * Appends member.connect or member.disconnect for one member on their own behalf (the server speaks
 * for presence). NOTHING_CHANGED means another instance, or an earlier call, recorded it first: that
 * is the domain keeping it to once across instances, not an error. An ended session refuses both.
 */
export async function recordPresence(
  board: AttendanceBoard,
  sessionId: string,
  memberId: string,
  type: 'member.connect' | 'member.disconnect',
  logger: Logger
): Promise<void> {
  const command: Command = { type };
  const actor: Actor = { role: 'member', id: memberId };
  let result: CommandResult;
  try {
    result = await board.execute(sessionId, `presence-${randomUUID()}`, command, actor);
  } catch (e) {
    logger.error('attendance from presence failed', { sessionId, type, error: errorMessage(e) });
    return;
  }
  if (!result.ok && result.error.code !== ErrorCode.NOTHING_CHANGED) {
    logger.debug('attendance from presence refused', { sessionId, type, code: result.error.code });
  }
}

/**
 * Brings a session's durable attendance in line with presence: a member present (connected or
 * reconnecting) whom the log has as disconnected gets member.connect; one the log has as connected
 * who is no longer present gets member.disconnect. The board is read before presence, so a member who
 * comes back while this runs is seen back rather than recorded as gone; `presentMembers` answers null
 * when presence cannot be trusted, and then nothing is decided. Sessions not open (ended, or
 * unknown) are left alone: the domain would refuse anyway.
 */
export async function reconcileAttendance(
  board: AttendanceBoard,
  sessionId: string,
  presentMembers: () => Promise<ReadonlySet<string> | null>,
  logger: Logger
): Promise<void> {
  // The cached board when this instance is known to have heard every append; otherwise the log.
  const { state } = await board.currentView(sessionId, 'facilitator');
  if (!('attendance' in state) || (state.status !== 'scheduled' && state.status !== 'live')) return;
  const connected = new Set(
    Object.entries(state.attendance)
      .filter(([, a]) => a.intervals.some((i) => i.to === null))
      .map(([memberId]) => memberId)
  );
  const onRoster = new Set(state.roster.map((r) => r.memberId));
  const present = await presentMembers();
  // Presence cannot be trusted right now (just after a Redis outage): decide nothing.
  if (!present) return;
  for (const memberId of present) {
    if (onRoster.has(memberId) && !connected.has(memberId)) await recordPresence(board, sessionId, memberId, 'member.connect', logger);
  }
  for (const memberId of connected) {
    if (!present.has(memberId)) await recordPresence(board, sessionId, memberId, 'member.disconnect', logger);
  }
}
