import type { ItemKind } from '@hearth/shared';

/** One row of an agenda being drafted; `key` only keeps rows stable while editing. */
export interface AgendaDraftRow {
  key: number;
  title: string;
  kind: ItemKind;
  minutes: number;
}

let nextKey = 1;

/** A new draft row. */
export function draftRow(title = '', kind: ItemKind = 'other', minutes = 10): AgendaDraftRow {
  return { key: nextKey++, title, kind, minutes };
}

/** The shape most of these groups take: 80 minutes from check-in to check-out. */
export function typicalAgenda(): AgendaDraftRow[] {
  return [
    draftRow('Check-in', 'check-in', 10),
    draftRow('Psychoeducation', 'psychoeducation', 15),
    draftRow('Skill practice', 'skill-practice', 20),
    draftRow('Open process', 'open-process', 25),
    draftRow('Check-out', 'check-out', 10)
  ];
}

/** The next full hour as a datetime-local value (local time, minute precision). */
export function nextFullHour(now = new Date()): string {
  const d = new Date(now);
  d.setMinutes(0, 0, 0);
  d.setHours(d.getHours() + 1);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
