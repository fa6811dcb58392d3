import type { AttendanceStatus } from '@hearth/shared';

export const STATUS_LABELS: Readonly<Record<AttendanceStatus, string>> = {
  present: 'Present',
  late: 'Late',
  'left-early': 'Left early',
  absent: 'Absent'
};

export const STATUSES = Object.keys(STATUS_LABELS) as AttendanceStatus[];
