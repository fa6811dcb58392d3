import type { AgendaTemplate, ItemKind } from '@hearth/shared';

/** One row of an agenda being drafted; `key` only keeps rows stable while editing. */
export interface AgendaDraftRow {
  key: number;
  title: string;
  kind: ItemKind;
  minutes: number;
  /** The clinicians' private guidance, from a template ('' for none); edited on the board. */
  guidance: string;
}

let nextKey = 1;

/** A new draft row. */
export function draftRow(title = '', kind: ItemKind = 'other', minutes = 10, guidance = ''): AgendaDraftRow {
  return { key: nextKey++, title, kind, minutes, guidance };
}

/** A template's items as draft rows. */
export function rowsOf(template: AgendaTemplate): AgendaDraftRow[] {
  return template.items.map((i) => draftRow(i.title, i.kind, i.plannedMinutes, i.guidance));
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

/** The next full hour as a datetime-local value, on the clocks of `timeZone` (minute precision). */
export function nextFullHour(timeZone: string, now = new Date()): string {
  const next = new Date(Math.ceil((now.getTime() + 1) / 3_600_000) * 3_600_000);
  // Whole-hour offsets cover nearly every zone; a half-hour zone gets its own half past.
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).formatToParts(next);
  const p = (type: string) => parts.find((x) => x.type === type)?.value ?? '00';
  return `${p('year')}-${p('month')}-${p('day')}T${p('hour')}:${p('minute')}`;
}
