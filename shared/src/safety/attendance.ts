import type { BoardState } from '../board/state.ts';
import type { AttendanceStatus } from './types.ts';

const MINUTE = 60_000;

/** When presence counts as late or as leaving early. */
export interface AttendanceRules {
  /** A first connection more than this many minutes after the session started is late. */
  readonly lateAfterMinutes: number;
  /** A last disconnection more than this many minutes before the session ended is leaving early. */
  readonly leftEarlyMinutes: number;
}

/** Five minutes either way: a late link or a dropped call at the very end is not worth a mark. */
export const DEFAULT_ATTENDANCE_RULES: AttendanceRules = { lateAfterMinutes: 5, leftEarlyMinutes: 5 };

/** One member's attendance: what presence recorded, what it suggests, and what stands. Clinicians only. */
export interface AttendanceRow {
  readonly memberId: string;
  readonly alias: string;
  /** Start of the first connected interval; null if never connected. */
  readonly firstJoin: number | null;
  /** End of the last connected interval; null while connected, or if never connected. */
  readonly lastLeave: number | null;
  /** Total connected time: closed intervals in full, an open one up to `now` (up to the end once ended). */
  readonly connectedMs: number;
  /** Whether an interval is open. */
  readonly connected: boolean;
  /** The status presence suggests, by the rules below. */
  readonly derived: AttendanceStatus;
  /** The status that stands: a facilitator's correction if there is one, else `derived`. */
  readonly status: AttendanceStatus;
  /** The correction's reason; empty without a correction. */
  readonly reason: string;
  readonly corrected: boolean;
}

/**
 * Attendance of every roster member, in roster order, derived from the board's connected intervals and
 * turns. Pure: `now` comes from the caller. The derived status, first rule that holds:
 *
 * - `absent`: never connected and never spoke;
 * - `late`: first connected more than `lateAfterMinutes` after the session started (exactly at the
 *   threshold is on time; before the start, never);
 * - `left-early`: once ended, the last interval closed more than `leftEarlyMinutes` before the end
 *   (exactly at the threshold is not early; while live, or still connected at the end, never);
 * - `present` otherwise — including a member who spoke without a connection (given the floor while on
 *   the phone, say), whose lateness cannot be told.
 *
 * A facilitator's correction overrides the derived status, and agrees with `BoardState.present`:
 * a member is present there unless their status is `absent`.
 */
export function attendanceOf(state: BoardState, now: number, rules: AttendanceRules = DEFAULT_ATTENDANCE_RULES): AttendanceRow[] {
  const spoke = new Set(state.turns.flatMap((t) => (t.speaker.kind === 'member' ? [t.speaker.memberId] : [])));
  // An open interval counts up to the end once the session is over: presence after it is not recorded.
  const until = state.endedAt ?? now;
  return state.roster.map(({ memberId, alias }) => {
    const record = state.attendance[memberId];
    const intervals = record?.intervals ?? [];
    const correction = record?.correction ?? null;
    const last = intervals[intervals.length - 1];
    const connected = last !== undefined && last.to === null;
    const firstJoin = intervals.length > 0 ? Math.min(...intervals.map((i) => i.from)) : null;
    const lastLeave = last && !connected ? last.to : null;
    const connectedMs = intervals.reduce((sum, i) => sum + Math.max(0, (i.to ?? until) - i.from), 0);
    let derived: AttendanceStatus = 'present';
    if (intervals.length === 0 && !spoke.has(memberId)) derived = 'absent';
    else if (state.startedAt !== null && firstJoin !== null && firstJoin > state.startedAt + rules.lateAfterMinutes * MINUTE) derived = 'late';
    else if (state.endedAt !== null && lastLeave !== null && lastLeave < state.endedAt - rules.leftEarlyMinutes * MINUTE) derived = 'left-early';
    return {
      memberId,
      alias,
      firstJoin,
      lastLeave,
      connectedMs,
      connected,
      derived,
      status: correction?.status ?? derived,
      reason: correction?.reason ?? '',
      corrected: correction !== null
    };
  });
}
