import { z } from 'zod';
import { Id, type Frozen } from '../roles.ts';
import { BUILT_IN_INSTRUMENTS } from './instruments.ts';
import type { SessionLog } from './progress.ts';
import { evolve } from '../board/evolve.ts';
import { initialState } from '../board/state.ts';
import type { RosterEntry } from '../board/commands.ts';

/** Instruments a group gives on a schedule: the standard measures, not the check-in and check-out (every session). */
export const SCHEDULABLE = ['phq-9', 'gad-7'] as const;

/** A group's schedule of one instrument: the first session a member attends, then every N sessions they attend. */
export const ScheduledMeasure = z
  .object({
    instrument: z.enum(SCHEDULABLE),
    everySessions: z.number().int().min(1).max(52).describe('1: every session; 4: the first, fifth, ninth … session the member attends.')
  })
  .strict();
export type ScheduledMeasure = z.infer<typeof ScheduledMeasure>;

export const MeasureSchedule = z
  .array(ScheduledMeasure)
  .max(SCHEDULABLE.length)
  .refine((s) => new Set(s.map((m) => m.instrument)).size === s.length, 'each instrument once');
export type MeasureSchedule = z.infer<typeof MeasureSchedule>;

export const SaveMeasureSchedule = z.object({ schedule: MeasureSchedule }).strict();

/** Members of a session for whom an instrument is due by the group's schedule. */
export const DueMeasure = z
  .object({
    instrument: Id,
    title: z.string(),
    everySessions: z.number().int(),
    memberIds: z.array(Id).describe('Roster ids, in roster order.')
  })
  .strict();
export type DueMeasure = Frozen<z.infer<typeof DueMeasure>>;

/**
 * Who is due for each scheduled instrument in a session, from the group's sessions that ran before
 * it: a member who has never completed it, or who has attended `everySessions` sessions since the one
 * they last completed it in (that one counted). Absences do not count: the schedule follows the
 * member's own attendance, not the calendar. Pure.
 */
export function dueMeasures(schedule: MeasureSchedule, earlier: readonly SessionLog[], roster: readonly RosterEntry[]): DueMeasure[] {
  // Each earlier session that ran, oldest first: who attended, who completed what.
  const ran = earlier
    .map((l) => l.events.reduce(evolve, initialState))
    .filter((s) => s.startedAt !== null)
    .sort((a, b) => a.startedAt! - b.startedAt!);
  return schedule.map(({ instrument, everySessions }) => {
    const title = BUILT_IN_INSTRUMENTS.find((i) => i.key === instrument)?.title ?? instrument;
    const memberIds = roster
      .map((r) => r.memberId)
      .filter((memberId) => {
        let since: number | null = null;
        for (const s of ran) {
          const completed = s.measures.some((m) => m.instrument.key === instrument && m.responses.some((r) => r.memberId === memberId && r.total !== null));
          if (completed) since = 1;
          else if (since !== null && s.present.includes(memberId)) since += 1;
        }
        return since === null || since >= everySessions;
      });
    return { instrument, title, everySessions, memberIds };
  });
}
