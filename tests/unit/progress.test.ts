import { describe, expect, it } from 'vitest';
import { CHECK_IN, GAD_7, PHQ_9, dueMeasures, groupProgress, memberProgress, type Answers, type BoardEvent, type Instrument, type SessionLog } from '@hearth/shared';
import { MIN, T0, connected, created, ended, started, turnEnded, turnStarted } from './givenWhenThen.ts';

const WEEK = 7 * 24 * 60 * MIN;
const GROUP = { id: 'g1', name: 'Tuesday group' };
const DEV = { id: 'mem-dev', alias: 'Dev' };

/** PHQ-9 answers summing to `total` (question 9 at 0). */
const phq = (total: number): Answers => Array.from({ length: 9 }, (_, n) => (n < 8 ? Math.min(3, Math.max(0, total - 3 * n)) : 0));
/** GAD-7 answers summing to `total`. */
const gad = (total: number): Answers => Array.from({ length: 7 }, (_, n) => Math.min(3, Math.max(0, total - 3 * n)));

let runs = 0;
const measure = (at: number, instrument: Instrument, answers: Record<string, Answers>): BoardEvent[] => {
  const runId = `run-${++runs}`;
  return [
    { type: 'measure.opened', at, runId, instrument },
    ...Object.entries(answers).map(([memberId, a]): BoardEvent => ({ type: 'measure.answered', at: at + 1000, runId, memberId, answers: a })),
    { type: 'measure.closed', at: at + 2000, runId }
  ];
};

/** Week n's session: Dev and Eli connect (Eli only when `eliCame`), Dev speaks 3 minutes and Eli 1, and the measures given. */
function week(n: number, measures: (at: number) => BoardEvent[], eliCame = true): SessionLog {
  const t = T0 + n * WEEK;
  const events: BoardEvent[] = [
    created(t - MIN, `Week ${n + 1}`),
    started(t),
    connected('mem-dev', t),
    ...(eliCame ? [connected('mem-eli', t)] : []),
    turnStarted({ kind: 'member', memberId: 'mem-dev' }, t + MIN),
    ...(eliCame ? [turnStarted({ kind: 'member', memberId: 'mem-eli' }, t + 4 * MIN)] : []),
    turnEnded(t + 5 * MIN),
    ...measures(t + 10 * MIN),
    ended(t + 90 * MIN)
  ];
  return { sessionId: `s${n + 1}`, events };
}

describe('progress across sessions', () => {
  // Given out of order on purpose: progress reads them by when they ran.
  const logs: SessionLog[] = [
    week(2, (at) => [...measure(at, PHQ_9, { 'mem-dev': phq(8), 'mem-eli': phq(4) }), ...measure(at + 5000, GAD_7, { 'mem-dev': gad(9) })], false),
    week(0, (at) => [...measure(at, CHECK_IN, { 'mem-dev': [3], 'mem-eli': [7] }), ...measure(at + 5000, PHQ_9, { 'mem-dev': phq(15), 'mem-eli': phq(5) }), ...measure(at + 9000, GAD_7, { 'mem-dev': gad(12) })]),
    week(1, (at) => measure(at, CHECK_IN, { 'mem-dev': [6], 'mem-eli': [null as unknown as number] })),
    // Scheduled, never ran: not in anyone's progress.
    { sessionId: 's4', events: [created(T0 + 3 * WEEK)] }
  ];

  it('follows a member through the sessions that ran, oldest first, with attendance, talk share and measures', () => {
    const p = memberProgress(logs, GROUP, DEV);
    expect(p.sessions.map((s) => s.sessionId)).toEqual(['s1', 's2', 's3']);
    expect(p.attended).toBe(3);
    // Dev spoke 3 of the 4 member minutes when Eli came, all of them when he did not.
    expect(p.sessions.map((s) => s.share)).toEqual([0.75, 0.75, 1]);
    expect(p.sessions[0]!.measures.map((m) => [m.instrument, m.total, m.band, m.concern])).toEqual([
      ['check-in', 3, null, true],
      ['phq-9', 15, 'Moderately severe', true],
      ['gad-7', 12, 'Moderate', true]
    ]);
  });

  it('reads reliable change against each instrument\'s published threshold, in the direction that is better', () => {
    const t = Object.fromEntries(memberProgress(logs, GROUP, DEV).trajectories.map((x) => [x.instrument, x]));
    // PHQ-9 15 → 8: down 7, at least 6: reliably better.
    expect(t['phq-9']).toMatchObject({ maxTotal: 27, lowerIsBetter: true, reliableChange: 6, change: { from: 15, to: 8, delta: -7, reading: 'reliably-better' } });
    expect(t['phq-9']!.points.map((p) => [p.sessionId, p.total])).toEqual([
      ['s1', 15],
      ['s3', 8]
    ]);
    // GAD-7 12 → 9: down 3, under 4: no reliable change.
    expect(t['gad-7']).toMatchObject({ maxTotal: 21, change: { delta: -3, reading: 'no-reliable-change' } });
    // Check-in 3 → 6: higher is better there, and it has no published threshold.
    expect(t['check-in']).toMatchObject({ maxTotal: 10, lowerIsBetter: false, reliableChange: null, change: { delta: 3, reading: 'not-rated' } });
  });

  it('marks a reliable worsening as such, and says nothing of change from one point', () => {
    const worse = [week(0, (at) => measure(at, PHQ_9, { 'mem-dev': phq(4) })), week(1, (at) => measure(at, PHQ_9, { 'mem-dev': phq(10) }))];
    expect(memberProgress(worse, GROUP, DEV).trajectories[0]!.change).toMatchObject({ delta: 6, reading: 'reliably-worse' });
    expect(memberProgress(worse.slice(0, 1), GROUP, DEV).trajectories[0]!.change).toBeNull();
  });

  it('records an absence without a share, and leaves skipped answers out of the trajectory', () => {
    const eli = memberProgress(logs, GROUP, { id: 'mem-eli', alias: 'Eli' });
    expect(eli.sessions.map((s) => [s.sessionId, s.attendance, s.share])).toEqual([
      ['s1', 'present', 0.25],
      ['s2', 'present', 0.25],
      ['s3', 'absent', null]
    ]);
    expect(eli.attended).toBe(2);
    expect(eli.trajectories.find((x) => x.instrument === 'check-in')!.points.map((p) => p.sessionId)).toEqual(['s1']);
  });

  it('sums up the group per session: attendance, balance and the mean of each measure', () => {
    const g = groupProgress(logs, GROUP);
    expect(g.sessions.map((s) => [s.sessionId, s.attended, s.onRoster])).toEqual([
      ['s1', 2, 3],
      ['s2', 2, 3],
      ['s3', 1, 3]
    ]);
    expect(g.attendanceRate).toBeCloseTo(5 / 9);
    expect(g.sessions[0]!.means).toEqual([
      { instrument: 'check-in', title: 'Check-in', mean: 5, answered: 2 },
      { instrument: 'phq-9', title: 'PHQ-9', mean: 10, answered: 2 },
      { instrument: 'gad-7', title: 'GAD-7', mean: 12, answered: 1 }
    ]);
    // Dev 3 minutes, Eli 1: uneven, not one voice; Dev alone in week 3: everyone here had the same.
    expect(g.sessions[0]!.balanceIndex).toBeGreaterThan(0);
    expect(g.sessions[0]!.balanceIndex).toBeLessThan(1);
    expect(g.sessions[2]!.balanceIndex).toBe(1);
    expect(groupProgress([], GROUP)).toEqual({ groupId: 'g1', groupName: 'Tuesday group', sessions: [], attendanceRate: null });
  });
});

describe('measures due by the group\'s schedule', () => {
  const ROSTER3 = [
    { memberId: 'mem-dev', alias: 'Dev' },
    { memberId: 'mem-eli', alias: 'Eli' },
    { memberId: 'mem-fay', alias: 'Fay' }
  ];
  const incomplete: Answers = [1, 1, 1, 1, 1, 1, 1, null, 0];
  // Week 1: Dev completes PHQ-9, Eli leaves a question out. Weeks 2 and 3: both come, no PHQ-9. Week 4: Eli away.
  const history = [
    week(0, (at) => measure(at, PHQ_9, { 'mem-dev': phq(9), 'mem-eli': incomplete })),
    week(1, () => []),
    week(2, () => []),
    week(3, () => [], false)
  ];

  it('is due at a member\'s first session, then every N sessions they attend, counting the one they answered in', () => {
    const due = (n: number, every: number) => dueMeasures([{ instrument: 'phq-9', everySessions: every }], history.slice(0, n), ROSTER3)[0]!.memberIds;
    // Nothing yet: everyone.
    expect(due(0, 4)).toEqual(['mem-dev', 'mem-eli', 'mem-fay']);
    // After week 1: Dev answered (1 of 2 sessions counted); Eli's incomplete answer does not count; Fay never came.
    expect(due(1, 2)).toEqual(['mem-eli', 'mem-fay']);
    // After week 2: Dev has attended 2 sessions since (week 1 counted): due again every 2.
    expect(due(2, 2)).toEqual(['mem-dev', 'mem-eli', 'mem-fay']);
    expect(due(2, 3)).toEqual(['mem-eli', 'mem-fay']);
    expect(due(3, 3)).toEqual(['mem-dev', 'mem-eli', 'mem-fay']);
    // Every session: due each time.
    expect(due(1, 1)).toEqual(['mem-dev', 'mem-eli', 'mem-fay']);
  });

  it('follows attendance, not the calendar: an absence does not bring the next one closer', () => {
    const eliAway = [week(0, (at) => measure(at, PHQ_9, { 'mem-eli': phq(5) })), week(1, () => [], false), week(2, () => [], false)];
    expect(dueMeasures([{ instrument: 'phq-9', everySessions: 2 }], eliAway, ROSTER3)[0]!.memberIds).not.toContain('mem-eli');
    expect(dueMeasures([], history, ROSTER3)).toEqual([]);
    expect(dueMeasures([{ instrument: 'gad-7', everySessions: 4 }], history, ROSTER3)).toEqual([{ instrument: 'gad-7', title: 'GAD-7', everySessions: 4, memberIds: ['mem-dev', 'mem-eli', 'mem-fay'] }]);
  });
});
