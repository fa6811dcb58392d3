import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PARTICIPATION_SETTINGS,
  boardFromView,
  EVENT_AUDIENCE,
  fold,
  initialState,
  project,
  visibleTo,
  type BoardEvent,
  type BoardEventType,
  type Role
} from '@hearth/shared';
import {
  MIN,
  STRICT_SETTINGS,
  T0,
  added,
  arrived,
  attendanceMarked,
  configured,
  created,
  ended,
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
  turnEnded,
  turnStarted
} from './givenWhenThen.ts';

const ROLES: readonly Role[] = ['facilitator', 'supervisor', 'member'];
const dev = memberSpeaker('mem-dev');
const eli = memberSpeaker('mem-eli');

/** Events for clinicians only: guidance, and everything from which talk time or attendance could be read. */
const CLINICIANS_ONLY: ReadonlySet<BoardEventType> = new Set([
  'agenda.guidance_set',
  'turn.started',
  'turn.ended',
  'member.arrived',
  'attendance.marked',
  'participation.configured'
]);

/**
 * A history touching every event type: guidance set both before and during the session, settings
 * changed from the defaults, members arriving, marked, speaking and raising hands.
 */
const HISTORY: readonly BoardEvent[] = [
  created(),
  configured(STRICT_SETTINGS),
  added('a', 0),
  added('b', 1),
  added('c', 2),
  guidanceSet('a', 'Invite the quieter members first'),
  arrived('mem-fay', T0 - MIN),
  started(T0),
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
  attendanceMarked('mem-fay', false, T0 + 4 * MIN),
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
  itemCompleted('b', T0 + 9 * MIN),
  turnEnded(T0 + 9 * MIN),
  floorChanged(null, T0 + 9 * MIN),
  ended(T0 + 9 * MIN)
];

/** Confidentiality is by whole events: members never receive guidance, turn history or attendance. */
describe('visibleTo', () => {
  it('the history used here touches every event type', () => {
    const types = new Set(HISTORY.map((e) => e.type));
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
    ['member.arrived', arrived('mem-dev', T0)],
    ['attendance.marked', attendanceMarked('mem-dev', true, T0)],
    ['participation.configured', configured(STRICT_SETTINGS)]
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
  });

  it('gives members no guidance field on any item', () => {
    const view = project(full, 'member');
    expect(view.items.length).toBe(full.items.length);
    for (const item of view.items) expect(Object.keys(item)).not.toContain('guidance');
    expect(JSON.stringify(view)).not.toContain('crisis last week');
  });

  it('gives members no turn history, no attendance and no settings: the fields are not there at all', () => {
    const view = project(full, 'member');
    for (const field of ['turns', 'present', 'settings']) expect(Object.keys(view)).not.toContain(field);
    expect(JSON.stringify(view)).not.toContain('quietFraction');
    // On the client the view becomes a full board again with those fields empty.
    const board = boardFromView(view);
    expect(board.turns).toEqual([]);
    expect(board.present).toEqual([]);
    expect(board.settings).toEqual(DEFAULT_PARTICIPATION_SETTINGS);
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
    const hidden = { items: [], turns: [], present: [], settings: DEFAULT_PARTICIPATION_SETTINGS };
    expect({ ...view, ...hidden }).toEqual({ ...full, ...hidden });
  });

  it('gives clinicians the whole board, guidance, turns, attendance and settings included', () => {
    for (const role of ['facilitator', 'supervisor'] as const) {
      expect(project(full, role)).toEqual(full);
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
