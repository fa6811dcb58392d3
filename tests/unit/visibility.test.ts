import { describe, expect, it } from 'vitest';
import {
  PHQ_9,
  DEFAULT_CRISIS_PROTOCOL,
  DEFAULT_PARTICIPATION_SETTINGS,
  boardFromView,
  EVENT_AUDIENCE,
  fold,
  initialState,
  project,
  visibleTo,
  privateTo,
  PRIVATE_EVENT_TYPES,
  type BoardEvent,
  type BoardEventType,
  type Role
} from '@hearth/shared';
import {
  ROSTER,
  MIN,
  SHORT_CRISIS,
  STRICT_SETTINGS,
  T0,
  added,
  configured,
  connected,
  corrected,
  created,
  crisisConfigured,
  cueAcknowledged,
  cueSent,
  disconnected,
  ended,
  flagAcknowledged,
  flagFollowedUp,
  flagRaised,
  flagResolved,
  facilitatorSpeaker,
  floorChanged,
  guidanceSet,
  handLowered,
  handRaised,
  itemCompleted,
  itemExtended,
  itemPaused,
  itemResumed,
  itemSkipped,
  itemStarted,
  memberSpeaker,
  started,
  stepChecked,
  turnEnded,
  turnStarted
} from './givenWhenThen.ts';

const ROLES: readonly Role[] = ['facilitator', 'supervisor', 'member'];
const dev = memberSpeaker('mem-dev');
const eli = memberSpeaker('mem-eli');

/**
 * Events for clinicians only: guidance, everything from which talk time or attendance could be read,
 * flags and the crisis protocol, and the supervisor's cues.
 */
const CLINICIANS_ONLY: ReadonlySet<BoardEventType> = new Set<BoardEventType>([
  'agenda.guidance_set',
  'turn.started',
  'turn.ended',
  'member.connected',
  'member.disconnected',
  'admission.requested',
  'admission.admitted',
  'admission.declined',
  'attendance.corrected',
  'participation.configured',
  'crisis.configured',
  'instruments.configured',
  'flag.raised',
  'flag.acknowledged',
  'flag.followed_up',
  'flag.step_checked',
  'flag.resolved',
  'cue.sent',
  'cue.acknowledged',
  // Reach the one member they name on their own stream, never the members' shared one.
  'resource.shared_privately',
  'measure.answered'
]);

/**
 * A history touching every event type: guidance set both before and during the session, settings
 * and the crisis protocol other than the defaults, members connecting, leaving, corrected, speaking
 * and raising hands, a crisis flag worked through its checklist, and a cue.
 */
const HISTORY: readonly BoardEvent[] = [
  created(),
  configured(STRICT_SETTINGS),
  crisisConfigured(SHORT_CRISIS),
  added('a', 0),
  added('b', 1),
  added('c', 2),
  guidanceSet('a', 'Invite the quieter members first'),
  { type: 'session.rescheduled', at: T0 - 2 * MIN, scheduledFor: '2025-01-07T18:00:00.000Z' },
  { type: 'roster.changed', at: T0 - 2 * MIN, roster: [...ROSTER] },
  { type: 'admission.requested', at: T0 - MIN, requestId: 'fay-phone', memberId: 'mem-fay', secondDevice: false },
  { type: 'admission.admitted', at: T0 - MIN, requestId: 'fay-phone', memberId: 'mem-fay', replaced: null, by: 'fac-ana' },
  { type: 'admission.requested', at: T0 - MIN, requestId: 'fay-laptop', memberId: 'mem-fay', secondDevice: true },
  { type: 'admission.declined', at: T0 - MIN, requestId: 'fay-laptop', memberId: 'mem-fay', by: 'fac-ana' },
  connected('mem-fay', T0 - MIN),
  started(T0),
  connected('mem-dev', T0 + MIN),
  itemStarted('a', T0 + MIN),
  { type: 'agenda.item_edited', at: T0 + 2 * MIN, itemId: 'b', title: 'Distress tolerance' },
  guidanceSet('b', 'R. disclosed a crisis last week: check in privately', T0 + 2 * MIN),
  handRaised('mem-eli', T0 + 2 * MIN),
  handRaised('mem-dev', T0 + 2 * MIN),
  turnStarted(eli, T0 + 2 * MIN, 'a'),
  floorChanged(eli, T0 + 2 * MIN),
  handLowered('mem-eli', T0 + 2 * MIN),
  added('d', 1, { at: T0 + 3 * MIN }),
  { type: 'agenda.reordered', at: T0 + 3 * MIN, itemIds: ['a', 'b', 'd', 'c'] },
  turnStarted(facilitatorSpeaker, T0 + 3 * MIN, 'a'),
  floorChanged(facilitatorSpeaker, T0 + 3 * MIN),
  itemPaused('a', T0 + 4 * MIN),
  turnEnded(T0 + 4 * MIN),
  floorChanged(null, T0 + 4 * MIN),
  corrected('mem-fay', 'absent', T0 + 4 * MIN, 'Logged in for the wrong group'),
  flagRaised('f1', T0 + 4 * MIN, { category: 'safety-risk', severity: 'crisis', memberIds: ['mem-dev'], note: 'Disclosed a plan to self-harm', itemId: 'a' }),
  flagAcknowledged('f1', T0 + 4 * MIN, 'sup-cleo'),
  stepChecked('f1', 'call', 'Call the on-call psychiatrist', T0 + 5 * MIN),
  cueSent('q1', 'Check in with Dev at the break', T0 + 5 * MIN),
  cueAcknowledged('q1', T0 + 5 * MIN),
  { type: 'resource.shared', at: T0 + 5 * MIN, shareId: 'r1', title: 'Crisis line', body: 'Call or text 988', url: null },
  { type: 'resource.shared_privately', at: T0 + 5 * MIN, shareId: 'r2', memberId: 'mem-dev', title: 'For Dev', body: 'The plan we made', url: 'https://example.org/plan' },
  { type: 'instruments.configured', at: T0 + 5 * MIN, instruments: [{ ...PHQ_9, key: 'sleep', title: 'Sleep', safetyItem: null }] },
  { type: 'measure.opened', at: T0 + 5 * MIN, runId: 'm1', instrument: PHQ_9 },
  { type: 'measure.answered', at: T0 + 5 * MIN, runId: 'm1', memberId: 'mem-dev', answers: [2, 2, 1, 3, 0, 2, 1, 0, 1] },
  { type: 'measure.answered', at: T0 + 5 * MIN, runId: 'm1', memberId: 'mem-eli', answers: [0, 1, 0, 1, 0, 0, 0, 0, 0] },
  { type: 'measure.closed', at: T0 + 5 * MIN, runId: 'm1' },
  itemResumed('a', T0 + 5 * MIN),
  itemExtended('a', 5, T0 + 6 * MIN),
  itemCompleted('a', T0 + 7 * MIN),
  itemStarted('b', T0 + 7 * MIN),
  turnStarted(dev, T0 + 7 * MIN, 'b'),
  floorChanged(dev, T0 + 7 * MIN),
  handLowered('mem-dev', T0 + 7 * MIN),
  itemSkipped('d', T0 + 8 * MIN),
  { type: 'agenda.item_removed', at: T0 + 8 * MIN, itemId: 'c' },
  handRaised('mem-fay', T0 + 8 * MIN),
  disconnected('mem-dev', T0 + 8 * MIN),
  itemCompleted('b', T0 + 9 * MIN),
  turnEnded(T0 + 9 * MIN),
  floorChanged(null, T0 + 9 * MIN),
  ended(T0 + 9 * MIN),
  flagFollowedUp('f1', 'Called the on-call team after the group', T0 + 20 * MIN),
  flagResolved('f1', 'Safety plan in place; seen the next day', T0 + 30 * MIN)
];

/** A session cancelled before it ran, with the reason for the clinicians. */
const CANCELLED: readonly BoardEvent[] = [
  created(),
  configured(),
  crisisConfigured(),
  { type: 'session.cancelled', at: T0 },
  { type: 'session.cancel_reason', at: T0, reason: 'Facilitator in hospital' }
];

/** Confidentiality is by whole events: members never receive guidance, turn history or attendance. */
describe('visibleTo', () => {
  it('tells members a session is cancelled, never why', () => {
    const board = fold(initialState, CANCELLED);
    const view = project(board, 'member');
    expect(view.status).toBe('cancelled');
    expect(JSON.stringify(view)).not.toContain('hospital');
    expect(JSON.stringify(CANCELLED.filter((e) => visibleTo(e, 'member')))).not.toContain('hospital');
    expect(project(board, 'supervisor')).toMatchObject({ status: 'cancelled', cancelReason: 'Facilitator in hospital' });
  });

  it('the history used here touches every event type', () => {
    const types = new Set([...HISTORY, ...CANCELLED].map((e) => e.type));
    expect([...types].sort()).toEqual(Object.keys(EVENT_AUDIENCE).sort());
  });

  it('sends guidance to clinicians only', () => {
    const e = guidanceSet('a', 'private');
    expect(visibleTo(e, 'facilitator')).toBe(true);
    expect(visibleTo(e, 'supervisor')).toBe(true);
    expect(visibleTo(e, 'member')).toBe(false);
  });

  it.each([
    ['turn.started', turnStarted(dev, T0, 'a')],
    ['turn.ended', turnEnded(T0)],
    ['member.connected', connected('mem-dev', T0)],
    ['member.disconnected', disconnected('mem-dev', T0)],
    ['attendance.corrected', corrected('mem-dev', 'late', T0)],
    ['participation.configured', configured(STRICT_SETTINGS)],
    ['crisis.configured', crisisConfigured()],
    ['flag.raised', flagRaised('f1', T0)],
    ['flag.acknowledged', flagAcknowledged('f1', T0)],
    ['flag.followed_up', flagFollowedUp('f1', 'Called', T0)],
    ['flag.step_checked', stepChecked('f1', 'safety', 'Ensure immediate safety', T0)],
    ['flag.resolved', flagResolved('f1', 'Safe', T0)],
    ['cue.sent', cueSent('q1', 'Slow down', T0)],
    ['cue.acknowledged', cueAcknowledged('q1', T0)]
  ] as const)('sends %s to clinicians only', (_type, e) => {
    expect(visibleTo(e, 'facilitator')).toBe(true);
    expect(visibleTo(e, 'supervisor')).toBe(true);
    expect(visibleTo(e, 'member')).toBe(false);
  });

  it.each([
    ['floor.changed to a member', floorChanged(dev, T0)],
    ['floor.changed to the facilitators', floorChanged(facilitatorSpeaker, T0)],
    ['floor.changed to nobody', floorChanged(null, T0)],
    ['hand.raised', handRaised('mem-dev', T0)],
    ['hand.lowered', handLowered('mem-dev', T0)]
  ] as const)('sends %s to everyone', (_name, e) => {
    for (const role of ROLES) expect(visibleTo(e, role), role).toBe(true);
  });

  it('sends every other event to every role', () => {
    for (const e of HISTORY) {
      for (const role of ROLES) {
        const expected = role !== 'member' || !CLINICIANS_ONLY.has(e.type);
        expect(visibleTo(e, role), `${e.type} to ${role}`).toBe(expected);
      }
    }
  });

  it('sends a privately shared resource and a member\'s answers to no member on the shared stream, and names the one member each is for', () => {
    const e = HISTORY.find((x) => x.type === 'resource.shared_privately')!;
    expect(visibleTo(e, 'member')).toBe(false);
    expect(privateTo(e)).toBe('mem-dev');
    const answers: readonly BoardEvent[] = HISTORY.filter((x) => x.type === 'measure.answered');
    expect(answers.map((a) => [visibleTo(a, 'member'), privateTo(a)])).toEqual([
      [false, 'mem-dev'],
      [false, 'mem-eli']
    ]);
    for (const other of HISTORY) if (other !== e && !answers.includes(other)) expect(privateTo(other), other.type).toBeNull();
    expect(PRIVATE_EVENT_TYPES).toEqual(['resource.shared_privately', 'measure.answered']);
  });

  it('shows each member the questions of a measure and their own answers only; clinicians every answer, scored', () => {
    const full = fold(initialState, HISTORY);
    const shared = project(full, 'member');
    expect(shared.measures.map((m) => [m.instrument.key, m.responses.length])).toEqual([['phq-9', 0]]);
    const dev = project(full, { role: 'member', memberId: 'mem-dev' });
    expect(dev.measures[0]!.responses.map((r) => r.memberId)).toEqual(['mem-dev']);
    expect(project(full, { role: 'member', memberId: 'mem-fay' }).measures[0]!.responses).toEqual([]);
    const clinicians = project(full, 'supervisor').measures[0]!.responses;
    expect(clinicians.map((r) => [r.memberId, r.total, r.band, r.concern])).toEqual([
      ['mem-dev', 12, 'Moderate', true],
      ['mem-eli', 2, 'Minimal', false]
    ]);
  });

  it('shows each member the resources for the group and for them alone, and another member\u2019s to nobody else', () => {
    const full = fold(initialState, HISTORY);
    expect(project(full, 'member').resources.map((r) => r.shareId)).toEqual(['r1']);
    expect(project(full, { role: 'member', memberId: 'mem-dev' }).resources.map((r) => r.shareId)).toEqual(['r1', 'r2']);
    expect(project(full, { role: 'member', memberId: 'mem-eli' }).resources.map((r) => r.shareId)).toEqual(['r1']);
    expect(project(full, 'facilitator').resources.map((r) => r.shareId)).toEqual(['r1', 'r2']);
  });

  it('supervisors receive everything facilitators do', () => {
    for (const type of Object.keys(EVENT_AUDIENCE) as BoardEventType[]) {
      expect(EVENT_AUDIENCE[type].includes('supervisor'), type).toBe(EVENT_AUDIENCE[type].includes('facilitator'));
    }
  });
});

describe('project', () => {
  const full = fold(initialState, HISTORY);

  it('the history leaves something private to hide', () => {
    expect(full.turns.length).toBe(3);
    expect(full.present).toEqual(['mem-dev', 'mem-eli']);
    expect(full.settings).toEqual(STRICT_SETTINGS);
    expect(Object.keys(full.attendance).sort()).toEqual(['mem-dev', 'mem-fay']);
    expect(full.flags).toHaveLength(1);
    expect(full.flags[0]).toMatchObject({ steps: [{ stepId: 'call' }], resolved: { outcome: 'Safety plan in place; seen the next day' } });
    expect(full.cues).toHaveLength(1);
    expect(full.crisis).toEqual(SHORT_CRISIS);
  });

  it('gives members no guidance field on any item', () => {
    const view = project(full, 'member');
    expect(view.items.length).toBe(full.items.length);
    for (const item of view.items) expect(Object.keys(item)).not.toContain('guidance');
    expect(JSON.stringify(view)).not.toContain('crisis last week');
  });

  it('gives members no turn history, attendance, settings, flags, cues or crisis protocol: the fields are not there at all', () => {
    const view = project(full, 'member');
    for (const field of ['turns', 'present', 'settings', 'attendance', 'flags', 'cues', 'crisis']) expect(Object.keys(view)).not.toContain(field);
    const json = JSON.stringify(view);
    for (const secret of ['quietFraction', 'self-harm', 'Safety plan', 'Check in with Dev', 'on-call', 'wrong group', 'intervals']) {
      expect(json).not.toContain(secret);
    }
    // On the client the view becomes a full board again with those fields empty.
    const board = boardFromView(view);
    expect(board.turns).toEqual([]);
    expect(board.present).toEqual([]);
    expect(board.settings).toEqual(DEFAULT_PARTICIPATION_SETTINGS);
    expect(board.attendance).toEqual({});
    expect(board.flags).toEqual([]);
    expect(board.cues).toEqual([]);
    expect(board.crisis).toEqual(DEFAULT_CRISIS_PROTOCOL);
    expect(board.items.every((i) => i.guidance === '')).toBe(true);
  });

  it('hides the turn history while a turn is running too, but shows who holds the floor', () => {
    const during = fold(initialState, HISTORY.slice(0, HISTORY.findIndex((e) => e.type === 'item.paused')));
    expect(during.turns.length).toBe(2);
    const view = project(during, 'member');
    expect('turns' in view).toBe(false);
    expect(view.floor).toEqual({ speaker: facilitatorSpeaker, since: T0 + 3 * MIN });
    expect(view.hands).toEqual([{ memberId: 'mem-dev', at: T0 + 2 * MIN }]);
  });

  it('keeps everything else a member may see: roster, floor and hands included', () => {
    const view = project(full, 'member');
    expect(view.items.map((i) => i.id)).toEqual(full.items.map((i) => i.id));
    expect(view.items[0]).toMatchObject({ status: 'done', extendedMinutes: 5, accumulatedMs: 5 * MIN });
    expect(view.roster).toEqual(full.roster);
    expect(view.hands).toEqual([{ memberId: 'mem-fay', at: T0 + 8 * MIN }]);
    expect(view.floor).toBeNull();
    const hidden = {
      items: [],
      turns: [],
      present: [],
      settings: DEFAULT_PARTICIPATION_SETTINGS,
      attendance: {},
      flags: [],
      cues: [],
      crisis: DEFAULT_CRISIS_PROTOCOL,
      cancelReason: null,
      waiting: [],
      admitted: {},
      resources: [],
      measures: [],
      instruments: []
    };
    expect({ ...view, ...hidden }).toEqual({ ...full, ...hidden });
    // Resources: the group's only (the one shared with Dev alone is for Dev's view).
    expect(view.resources).toEqual(full.resources.filter((r) => r.to === null));
    // Measures: the questions, without anyone's answers.
    expect(view.measures).toEqual(full.measures.map((m) => ({ ...m, responses: [] })));
  });

  it('gives clinicians the whole board, guidance, turns, attendance, settings, flags, cues and crisis protocol included', () => {
    for (const role of ['facilitator', 'supervisor'] as const) {
      expect(project(full, role)).toEqual(full);
      expect(project(full, role)).toMatchObject({ flags: full.flags, cues: full.cues, attendance: full.attendance, crisis: SHORT_CRISIS });
      expect(project(full, role).items[0]).toMatchObject({ guidance: 'Invite the quieter members first' });
    }
  });

  it.each(ROLES)('folding only what %s may receive gives the same view as projecting the full board', (role) => {
    const seen = fold(initialState, HISTORY.filter((e) => visibleTo(e, role)));
    expect(project(seen, role)).toEqual(project(full, role));
  });

  it('the member-visible fold also matches at every step of the history', () => {
    for (let n = 0; n <= HISTORY.length; n++) {
      const prefix = HISTORY.slice(0, n);
      const seen = fold(initialState, prefix.filter((e) => visibleTo(e, 'member')));
      expect(project(seen, 'member'), `after ${n} events`).toEqual(project(fold(initialState, prefix), 'member'));
    }
  });
});
