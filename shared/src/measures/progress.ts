import { z } from 'zod';
import { Id, type Frozen } from '../roles.ts';
import type { BoardEvent } from '../board/events.ts';
import { evolve } from '../board/evolve.ts';
import { initialState, type BoardState, type MeasureRun } from '../board/state.ts';
import { computeMeasures } from '../participation/measures.ts';
import { attendanceOf } from '../safety/attendance.ts';
import { AttendanceStatus, FlagCategory, FlagSeverity } from '../safety/types.ts';
import { Band, type Instrument } from './instruments.ts';
import { Goal, GoalRating } from './goals.ts';

const Instant = z.string().describe('ISO 8601 in UTC.');

/** One session as it went for one member. */
export const MemberSessionProgress = z
  .object({
    sessionId: Id,
    title: z.string(),
    startedAt: Instant,
    attendance: AttendanceStatus,
    minutesPresent: z.number().nonnegative(),
    share: z.number().nullable().describe('Their share of the members\' talk time (0–1); null when absent or nobody spoke.'),
    measures: z.array(
      z
        .object({ instrument: Id, title: z.string(), total: z.number().nullable(), band: z.string().nullable(), concern: z.boolean() })
        .strict()
    ),
    flags: z.array(z.object({ category: FlagCategory, severity: FlagSeverity, resolved: z.boolean() }).strict()).describe('Flags about them in the session.')
  })
  .strict();
export type MemberSessionProgress = Frozen<z.infer<typeof MemberSessionProgress>>;

/** How a total moved from the first answered session to the last, against the instrument's reliable-change threshold. */
export const ChangeReading = z.enum(['reliably-better', 'reliably-worse', 'no-reliable-change', 'not-rated']);
export type ChangeReading = z.infer<typeof ChangeReading>;

/** One instrument's totals across sessions, for a chart against its bands. */
export const Trajectory = z
  .object({
    instrument: Id,
    title: z.string(),
    maxTotal: z.number().describe('The highest total the instrument allows (the chart\'s top).'),
    bands: z.array(Band),
    lowerIsBetter: z.boolean(),
    reliableChange: z.number().nullable(),
    points: z.array(z.object({ sessionId: Id, startedAt: Instant, total: z.number() }).strict()).describe('Sessions with a complete answer, oldest first.'),
    change: z
      .object({ from: z.number(), to: z.number(), delta: z.number(), reading: ChangeReading })
      .strict()
      .nullable()
      .describe('First to last point; null with fewer than two points. `not-rated`: the instrument has no published threshold.')
  })
  .strict();
export type Trajectory = Frozen<z.infer<typeof Trajectory>>;

/** One member across the group's sessions. */
export const MemberProgress = z
  .object({
    groupId: Id,
    groupName: z.string(),
    memberId: Id,
    alias: z.string(),
    agreement: z
      .object({ version: z.string(), acceptedAt: z.string() })
      .strict()
      .nullable()
      .describe('The group agreement as the member accepted it on their own device (version, when); null: not yet.'),
    sessions: z.array(MemberSessionProgress).describe('Sessions that ran with them on the roster, oldest first.'),
    attended: z.number().int(),
    trajectories: z.array(Trajectory).describe('One per instrument they answered.'),
    goals: z
      .array(
        z
          .object({
            goal: Goal,
            ratings: z.array(z.object({ sessionId: Id, startedAt: Instant, rating: GoalRating }).strict()).describe('As each session\'s record rated it, oldest first.')
          })
          .strict()
      )
      .describe('Their treatment goals, open ones first.'),
    role: z.enum(['facilitator', 'supervisor']).describe('The signed-in clinician\'s role in the group: facilitators change goals.')
  })
  .strict();
export type MemberProgress = Frozen<z.infer<typeof MemberProgress>>;
/** What the sessions' logs alone say of a member: the rest (goals, the viewer's role) comes from the database. */
export type MemberProgressFromLogs = Omit<MemberProgress, 'goals' | 'role'>;

/** One session as it went for the group. */
export const GroupSessionProgress = z
  .object({
    sessionId: Id,
    title: z.string(),
    startedAt: Instant,
    attended: z.number().int(),
    onRoster: z.number().int(),
    balanceIndex: z.number().nullable().describe('0 = one voice held the talk, 1 = everyone present had the same (docs/participation.md).'),
    means: z
      .array(z.object({ instrument: Id, title: z.string(), mean: z.number().nullable(), answered: z.number().int() }).strict())
      .describe('Mean total of each instrument over the members who completed it.')
  })
  .strict();
export type GroupSessionProgress = Frozen<z.infer<typeof GroupSessionProgress>>;

export const GroupProgress = z
  .object({
    groupId: Id,
    groupName: z.string(),
    sessions: z.array(GroupSessionProgress).describe('Sessions that ran, oldest first.'),
    attendanceRate: z.number().nullable().describe('Attended member-sessions over rostered member-sessions (0–1); null before any session ran.')
  })
  .strict();
export type GroupProgress = Frozen<z.infer<typeof GroupProgress>>;

/** A session's log, as the progress pages read it. */
export interface SessionLog {
  readonly sessionId: string;
  readonly events: readonly BoardEvent[];
}

const iso = (ms: number) => new Date(ms).toISOString();
const round1 = (n: number) => Math.round(n * 10) / 10;

/** The sessions that ran, folded, oldest first. */
function ran(logs: readonly SessionLog[]): { sessionId: string; state: BoardState; end: number }[] {
  return logs
    .map((l) => {
      const state = l.events.reduce(evolve, initialState);
      return { sessionId: l.sessionId, state, end: state.endedAt ?? l.events.at(-1)?.at ?? 0 };
    })
    .filter((s): s is { sessionId: string; state: BoardState & { startedAt: number }; end: number } => s.state.startedAt !== null)
    .sort((a, b) => a.state.startedAt! - b.state.startedAt!);
}

/** Each instrument's last complete answer of a member in a session: a measure opened twice counts once. */
function lastAnswers(measures: readonly MeasureRun[], memberId: string) {
  const byInstrument = new Map<string, { instrument: Instrument; total: number | null; band: string | null; concern: boolean }>();
  for (const run of measures) {
    const r = run.responses.find((x) => x.memberId === memberId);
    if (r) byInstrument.set(run.instrument.key, { instrument: run.instrument, total: r.total, band: r.band, concern: r.concern });
  }
  return [...byInstrument.values()];
}

const maxTotal = (i: Instrument) => (i.scoring === 'sum' ? i.items.length * i.scale.max : i.scale.max);

function reading(instrument: Instrument, delta: number): ChangeReading {
  if (instrument.reliableChange === null) return 'not-rated';
  if (Math.abs(delta) < instrument.reliableChange) return 'no-reliable-change';
  const lowerIsBetter = instrument.concern.direction === 'high';
  return delta < 0 === lowerIsBetter ? 'reliably-better' : 'reliably-worse';
}

/**
 * A member's progress across a group's sessions, from the sessions' logs: attendance, talk share,
 * their measures, flags about them, and each instrument's trajectory with reliable change read from
 * the first complete answer to the last. Pure, like the record's draft.
 */
export function memberProgress(
  logs: readonly SessionLog[],
  group: { id: string; name: string },
  member: { id: string; alias: string; agreement?: { version: string; acceptedAt: string } | null }
): MemberProgressFromLogs {
  const sessions: MemberSessionProgress[] = [];
  const series = new Map<string, { instrument: Instrument; points: { sessionId: string; startedAt: string; total: number }[] }>();
  for (const { sessionId, state, end } of ran(logs)) {
    const row = attendanceOf(state, end).find((r) => r.memberId === member.id);
    if (!row) continue;
    const talk = computeMeasures({ turns: state.turns, present: state.present, now: end, sessionStartedAt: state.startedAt!, settings: state.settings });
    const share = row.status === 'absent' || talk.totalMemberTalkMs === 0 ? null : (talk.members.find((m) => m.memberId === member.id)?.share ?? 0);
    const answers = lastAnswers(state.measures, member.id);
    sessions.push({
      sessionId,
      title: state.title,
      startedAt: iso(state.startedAt!),
      attendance: row.status,
      minutesPresent: round1(row.connectedMs / 60_000),
      share,
      measures: answers.map((a) => ({ instrument: a.instrument.key, title: a.instrument.title, total: a.total, band: a.band, concern: a.concern })),
      flags: state.flags.filter((f) => f.memberIds.includes(member.id)).map((f) => ({ category: f.category, severity: f.severity, resolved: f.resolved !== null }))
    });
    for (const a of answers) {
      if (a.total === null) continue;
      const s = series.get(a.instrument.key) ?? { instrument: a.instrument, points: [] };
      s.points.push({ sessionId, startedAt: iso(state.startedAt!), total: a.total });
      series.set(a.instrument.key, s);
    }
  }
  const trajectories: Trajectory[] = [...series.values()].map(({ instrument, points }) => {
    const first = points[0]!;
    const last = points.at(-1)!;
    const delta = round1(last.total - first.total);
    return {
      instrument: instrument.key,
      title: instrument.title,
      maxTotal: maxTotal(instrument),
      bands: instrument.bands.map((b) => ({ ...b })),
      lowerIsBetter: instrument.concern.direction === 'high',
      reliableChange: instrument.reliableChange,
      points,
      change: points.length < 2 ? null : { from: first.total, to: last.total, delta, reading: reading(instrument, delta) }
    };
  });
  return {
    groupId: group.id,
    groupName: group.name,
    memberId: member.id,
    alias: member.alias,
    agreement: member.agreement ? { ...member.agreement } : null,
    sessions,
    attended: sessions.filter((s) => s.attendance !== 'absent').length,
    trajectories
  };
}

/** A group's progress across its sessions: attendance, balance, and the mean of each measure per session. */
export function groupProgress(logs: readonly SessionLog[], group: { id: string; name: string }): GroupProgress {
  let attended = 0;
  let rostered = 0;
  const sessions = ran(logs).map(({ sessionId, state, end }): GroupSessionProgress => {
    const rows = attendanceOf(state, end);
    const here = rows.filter((r) => r.status !== 'absent').length;
    attended += here;
    rostered += rows.length;
    const talk = computeMeasures({ turns: state.turns, present: state.present, now: end, sessionStartedAt: state.startedAt!, settings: state.settings });
    const byInstrument = new Map<string, { title: string; totals: number[] }>();
    for (const run of state.measures) {
      const entry = byInstrument.get(run.instrument.key) ?? { title: run.instrument.title, totals: [] };
      for (const r of run.responses) if (r.total !== null) entry.totals.push(r.total);
      byInstrument.set(run.instrument.key, entry);
    }
    return {
      sessionId,
      title: state.title,
      startedAt: iso(state.startedAt!),
      attended: here,
      onRoster: rows.length,
      balanceIndex: talk.balanceIndex,
      means: [...byInstrument.entries()].map(([instrument, { title, totals }]) => ({
        instrument,
        title,
        mean: totals.length === 0 ? null : round1(totals.reduce((a, b) => a + b, 0) / totals.length),
        answered: totals.length
      }))
    };
  });
  return { groupId: group.id, groupName: group.name, sessions, attendanceRate: rostered === 0 ? null : attended / rostered };
}
