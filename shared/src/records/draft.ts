import type { BoardEvent } from '../board/events.ts';
import { evolve } from '../board/evolve.ts';
import { initialState, type BoardState } from '../board/state.ts';
import { timerOf } from '../board/timer.ts';
import { computeMeasures } from '../participation/measures.ts';
import { attendanceOf } from '../safety/attendance.ts';
import type { Flag } from '../safety/types.ts';
import { aliasMentions } from '../notes/shape.ts';
import type { MemberNote, RecordClinician, RecordContent } from './record.ts';
import type { GoalRating } from '../measures/goals.ts';

/** The notes as plain text, section by section: what becomes the record's narratives and summary. */
export interface NotesText {
  readonly general: string;
  readonly members: readonly { readonly memberId: string; readonly alias: string; readonly text: string }[];
}

/** What the log does not hold: the group, and its clinicians' names and credentials. */
export interface RecordContext {
  readonly group: { readonly id: string; readonly name: string };
  readonly sessionId: string;
  readonly clinicians: readonly RecordClinician[];
  /** Each member's open treatment goals when the draft is drawn, by roster id. */
  readonly goals?: Readonly<Record<string, readonly { readonly goalId: string; readonly text: string; readonly target: string }[]>>;
}

/** What review changed: the summary and members' narratives as edited. */
export interface RecordEdits {
  readonly summary?: string;
  readonly narratives?: Readonly<Record<string, string>>;
  /** How each member's goals went this session, by roster id and goal id. */
  readonly goalRatings?: Readonly<Record<string, Readonly<Record<string, GoalRating>>>>;
}

/** What a member's copy of a flag's note says for another member's alias. */
export const ANOTHER_MEMBER = '[another member]';

/** A text with every other member's alias replaced, for one member's chart. */
function withoutOthers(text: string, roster: BoardState['roster'], memberId: string): string {
  let out = text;
  for (const m of aliasMentions(text, roster, memberId).sort((a, b) => b.index - a.index)) {
    out = out.slice(0, m.index) + ANOTHER_MEMBER + out.slice(m.index + m.length);
  }
  return out;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const minutes = (ms: number): number => Math.round(Math.max(0, ms) / 6000) / 10;

/**
 * Draws a session's record from its event log and its notes: pure, so the same log and notes always
 * give the same draft, and a record can be checked against what is stored. `edits` are review's
 * changes on top. Member notes never carry another member's alias in what Hearth writes (a flag
 * shared with others says how many, not who, and other aliases in its notes read "[another
 * member]"); an absent member gets an absence entry and no narrative.
 */
export function draftRecord(log: readonly BoardEvent[], notes: NotesText, context: RecordContext, edits: RecordEdits = {}): RecordContent {
  const state: BoardState = log.reduce(evolve, initialState);
  // Drafts are taken after the session; until it ends, "now" is its last event.
  const end = state.endedAt ?? log.at(-1)?.at ?? 0;
  const name = (accountId: string) => context.clinicians.find((c) => c.accountId === accountId)?.name ?? 'a clinician no longer on the staff';
  const alias = (memberId: string) => state.roster.find((r) => r.memberId === memberId)?.alias ?? 'a member';
  const byAt = (x: { by: string; at: number } | null) => (x ? { by: name(x.by), at: iso(x.at)! } : null);

  const rows = attendanceOf(state, end);
  const measures = state.startedAt === null ? null : computeMeasures({ turns: state.turns, present: state.present, now: end, sessionStartedAt: state.startedAt, settings: state.settings });
  const measureOf = (memberId: string) => measures?.members.find((m) => m.memberId === memberId) ?? null;

  const flagHistory = (f: Flag) => ({
    flagId: f.id,
    category: f.category,
    severity: f.severity,
    note: f.note,
    raised: { by: name(f.raisedBy), at: iso(f.raisedAt)! },
    acknowledged: f.acknowledged ? { by: name(f.acknowledged.by), at: iso(f.acknowledged.at)!, ...(f.acknowledged.solo && { solo: true as const }) } : null,
    followUps: f.followUps.map((u) => ({ note: u.note, by: name(u.by), at: iso(u.at)! })),
    steps: f.steps.map((s) => ({ label: s.label, by: name(s.by), at: iso(s.at)! })),
    resolved: f.resolved ? { outcome: f.resolved.outcome, by: name(f.resolved.by), at: iso(f.resolved.at)! } : null
  });
  const resource = (r: BoardState['resources'][number]) => ({ title: r.title, body: r.body, url: r.url, at: iso(r.at)! });

  const members: MemberNote[] = rows.map((row) => {
    const record = state.attendance[row.memberId];
    const correction = record?.correction ?? null;
    const absent = row.status === 'absent';
    const m = measureOf(row.memberId);
    return {
      memberId: row.memberId,
      alias: row.alias,
      attendance: {
        status: row.status,
        suggested: row.derived,
        correction: correction ? { reason: correction.reason, by: name(correction.by), at: iso(correction.at)! } : null,
        firstJoin: iso(row.firstJoin),
        lastLeave: iso(row.lastLeave),
        minutesPresent: minutes(row.connectedMs),
        late: row.status === 'late',
        leftEarly: row.status === 'left-early'
      },
      participation: absent ? null : { share: m?.share ?? 0, turns: m?.turns ?? 0, talkMinutes: minutes(m?.talkMs ?? 0) },
      flags: state.flags
        .filter((f) => f.memberIds.includes(row.memberId))
        .map((f) => {
          // The flag's note is the clinician's; in this member's copy, other members' aliases are left out.
          const history = flagHistory(f);
          return {
            ...history,
            note: withoutOthers(history.note, state.roster, row.memberId),
            followUps: history.followUps.map((u) => ({ ...u, note: withoutOthers(u.note, state.roster, row.memberId) })),
            resolved: history.resolved && { ...history.resolved, outcome: withoutOthers(history.resolved.outcome, state.roster, row.memberId) },
            otherMembers: f.memberIds.filter((id) => id !== row.memberId).length
          };
        }),
      resources: state.resources.filter((r) => r.to === row.memberId).map(resource),
      goals: absent ? [] : (context.goals?.[row.memberId] ?? []).map((g) => ({ ...g, rating: edits.goalRatings?.[row.memberId]?.[g.goalId] ?? null })),
      measures: state.measures.flatMap((run) =>
        run.responses
          .filter((r) => r.memberId === row.memberId)
          .map((r) => ({
            instrument: run.instrument.key,
            title: run.instrument.title,
            answeredAt: iso(r.at)!,
            answers: run.instrument.items.map((item, n) => {
              const value = r.answers[n] ?? null;
              const label = value === null ? null : (run.instrument.scale.anchors.find((a) => a.value === value)?.label ?? null);
              return { itemId: item.id, question: item.text, value, label };
            }),
            total: r.total,
            band: r.band,
            concern: r.concern
          }))
      ),
      narrative: absent ? null : (edits.narratives?.[row.memberId] ?? notes.members.find((n) => n.memberId === row.memberId)?.text ?? '')
    };
  });

  return {
    version: 1,
    session: {
      group: { id: context.group.id, name: context.group.name },
      session: {
        id: context.sessionId,
        title: state.title,
        scheduledFor: state.scheduledFor,
        startedAt: iso(state.startedAt),
        endedAt: iso(state.endedAt),
        durationMinutes: state.startedAt !== null && state.endedAt !== null ? minutes(state.endedAt - state.startedAt) : null
      },
      modality: 'telehealth',
      agenda: state.items.map((item) => ({
        itemId: item.id,
        title: item.title,
        kind: item.kind,
        plannedMinutes: item.plannedMinutes,
        extendedMinutes: item.extendedMinutes,
        actualMinutes: minutes(timerOf(item, end).elapsedMs),
        outcome: item.status === 'skipped' ? 'skipped' : item.status === 'pending' ? 'not-reached' : 'completed'
      })),
      clinicians: context.clinicians.map((c) => ({ ...c })),
      attendance: { attended: rows.filter((r) => r.status !== 'absent').length, onRoster: rows.length },
      participation: {
        balanceIndex: measures?.balanceIndex ?? null,
        facilitatorTalkMinutes: minutes(measures?.facilitatorTalkMs ?? 0),
        members: (measures?.members ?? []).map((m) => ({ memberId: m.memberId, alias: alias(m.memberId), share: m.share, turns: m.turns, talkMinutes: minutes(m.talkMs) }))
      },
      flags: state.flags.map((f) => ({ ...flagHistory(f), members: f.memberIds.map(alias) })),
      resources: state.resources.filter((r) => r.to === null).map(resource),
      summary: edits.summary ?? notes.general
    },
    members,
    supervision: {
      cues: state.cues.map((c) => ({ text: c.text, by: name(c.by), at: iso(c.at)!, acknowledged: byAt(c.acknowledged) }))
    }
  };
}
