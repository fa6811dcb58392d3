import { attendanceOf, type AttendanceRow, type BoardState, type MemberAttendance } from '@hearth/shared';

/** One member's attendance as the panel shows it: the derived row, plus the intervals and who corrected it. */
export interface AttendanceView extends AttendanceRow {
  readonly intervals: MemberAttendance['intervals'];
  readonly correction: MemberAttendance['correction'];
}

/** Every roster member's attendance at `now` (server clock), in roster order. */
export function attendanceViews(board: BoardState, now: number): AttendanceView[] {
  return attendanceOf(board, now).map((row) => {
    const record = board.attendance[row.memberId];
    return { ...row, intervals: record?.intervals ?? [], correction: record?.correction ?? null };
  });
}
