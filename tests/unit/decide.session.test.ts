import { describe, expect, it } from 'vitest';
import { Command, ErrorCode, LIMITS, project, visibleTo, type CrisisProtocol, type ParticipationSettings, type RosterEntry } from '@hearth/shared';
import {
  CRISIS,
  MIN,
  ROSTER,
  SETTINGS,
  SHORT_CRISIS,
  STRICT_SETTINGS,
  T0,
  added,
  coFacilitator,
  configured,
  connected,
  created,
  crisisConfigured,
  facilitatorSpeaker,
  floorChanged,
  given,
  handRaised,
  itemCompleted,
  itemPaused,
  itemStarted,
  live,
  liveOnA,
  memberSpeaker,
  over,
  scheduled,
  started,
  turnEnded,
  turnStarted
} from './givenWhenThen.ts';

/** The participation and crisis parts of a create with nobody on the roster yet. */
const noRoster = (): { roster: RosterEntry[]; settings: ParticipationSettings; crisis: CrisisProtocol } => ({
  roster: [],
  settings: SETTINGS,
  crisis: CRISIS
});

/** The session's life: scheduled → live → ended, and the guards between. */
describe('session.create', () => {
  it('creates the session (its time in UTC), its roster, settings and crisis protocol, then its agenda, items in the order given', () => {
    const state = given()
      .when(
        {
          type: 'session.create',
          title: '  Tuesday group  ',
          scheduledFor: '2025-01-07T18:00:00+01:00',
          agenda: [
            { itemId: 'in', title: 'Check-in', kind: 'check-in', plannedMinutes: 10 },
            { itemId: 'out', title: 'Check-out', kind: 'check-out', plannedMinutes: 5 }
          ],
          roster: [...ROSTER],
          settings: STRICT_SETTINGS,
          crisis: SHORT_CRISIS
        },
        undefined,
        T0
      )
      .then(
        { type: 'session.created', at: T0, title: 'Tuesday group', scheduledFor: '2025-01-07T17:00:00.000Z', roster: [...ROSTER] },
        { type: 'participation.configured', at: T0, settings: STRICT_SETTINGS },
        { type: 'crisis.configured', at: T0, protocol: SHORT_CRISIS },
        { type: 'agenda.item_added', at: T0, itemId: 'in', title: 'Check-in', kind: 'check-in', plannedMinutes: 10, position: 0 },
        { type: 'agenda.item_added', at: T0, itemId: 'out', title: 'Check-out', kind: 'check-out', plannedMinutes: 5, position: 1 }
      );
    expect(state.roster).toEqual(ROSTER);
    expect(state.settings).toEqual(STRICT_SETTINGS);
    expect(state.crisis).toEqual(SHORT_CRISIS);
    // Nobody is here, speaking or waiting until the session says so; nothing is flagged or cued yet.
    expect(state).toMatchObject({ present: [], floor: null, turns: [], hands: [], attendance: {}, flags: [], cues: [] });
  });

  it('gives items planned with guidance (from a template) that guidance in events of their own, for clinicians only', () => {
    const state = given()
      .when(
        {
          type: 'session.create',
          title: 'Skills',
          scheduledFor: null,
          agenda: [
            { itemId: 'in', title: 'Check-in', kind: 'check-in', plannedMinutes: 10, guidance: 'Ask about the week' },
            { itemId: 'out', title: 'Check-out', kind: 'check-out', plannedMinutes: 5, guidance: '' }
          ],
          ...noRoster()
        },
        undefined,
        T0
      )
      .then(
        { type: 'session.created', at: T0, title: 'Skills', scheduledFor: null, roster: [] },
        configured(SETTINGS, T0),
        crisisConfigured(CRISIS, T0),
        { type: 'agenda.item_added', at: T0, itemId: 'in', title: 'Check-in', kind: 'check-in', plannedMinutes: 10, position: 0 },
        { type: 'agenda.item_added', at: T0, itemId: 'out', title: 'Check-out', kind: 'check-out', plannedMinutes: 5, position: 1 },
        { type: 'agenda.guidance_set', at: T0, itemId: 'in', guidance: 'Ask about the week' }
      );
    expect(state.items.map((i) => [i.id, i.guidance])).toEqual([['in', 'Ask about the week'], ['out', '']]);
  });

  it('creates an unscheduled session with an empty agenda and an empty roster', () => {
    const state = given()
      .when({ type: 'session.create', title: 'Drop-in', scheduledFor: null, agenda: [], ...noRoster() }, coFacilitator, T0)
      .then(
        { type: 'session.created', at: T0, title: 'Drop-in', scheduledFor: null, roster: [] },
        configured(SETTINGS, T0),
        crisisConfigured(CRISIS, T0)
      );
    expect(state.status).toBe('scheduled');
    expect(state.items).toEqual([]);
    expect(state.roster).toEqual([]);
  });

  it('keeps the roster in the order given', () => {
    const roster = [...ROSTER].reverse();
    const state = given()
      .when({ type: 'session.create', title: 'Group', scheduledFor: null, agenda: [], roster, settings: SETTINGS, crisis: CRISIS }, undefined, T0)
      .then(created(T0, 'Group', null, roster), configured(SETTINGS, T0), crisisConfigured(CRISIS, T0));
    expect(state.roster.map((r) => r.alias)).toEqual(['Fay', 'Eli', 'Dev']);
  });

  it('takes the crisis protocol as the command gives it, not the default', () => {
    const state = given()
      .when({ type: 'session.create', title: 'Group', scheduledFor: null, agenda: [], roster: [], settings: SETTINGS, crisis: SHORT_CRISIS }, undefined, T0)
      .then(created(T0, 'Group', null, []), configured(SETTINGS, T0), crisisConfigured(SHORT_CRISIS, T0));
    expect(state.crisis.checklist.map((s) => s.id)).toEqual(['call', 'stay']);
    expect(state.crisis.resources).toEqual(SHORT_CRISIS.resources);
  });

  it('refuses at the edge a crisis protocol with no steps or with a step id twice', () => {
    const create = (crisis: unknown) =>
      Command.safeParse({ type: 'session.create', title: 'Group', scheduledFor: null, agenda: [], roster: [], settings: SETTINGS, crisis }).success;
    const step = { id: 'x', label: 'Do it' };
    expect(create(CRISIS)).toBe(true);
    expect(create({ checklist: [], resources: [] })).toBe(false);
    expect(create({ checklist: [step, step], resources: [] })).toBe(false);
    expect(create(undefined)).toBe(false);
  });

  it('rejects a member listed twice on the roster: DUPLICATE_ID', () => {
    given()
      .when({
        type: 'session.create',
        title: 'Dup',
        scheduledFor: null,
        agenda: [],
        roster: [
          { memberId: 'mem-dev', alias: 'Dev' },
          { memberId: 'mem-dev', alias: 'Devon' }
        ],
        settings: SETTINGS,
        crisis: CRISIS
      })
      .rejects(ErrorCode.DUPLICATE_ID);
  });

  it.each([
    ['scheduled', scheduled],
    ['live', live],
    ['ended', over]
  ])('rejects a second create when the session is %s: SESSION_EXISTS', (_name, history) => {
    given(...history)
      .when({ type: 'session.create', title: 'Again', scheduledFor: null, agenda: [], ...noRoster() })
      .rejects(ErrorCode.SESSION_EXISTS);
  });

  it('rejects duplicate item ids in the agenda: ITEM_EXISTS', () => {
    given()
      .when({
        type: 'session.create',
        title: 'Dup',
        scheduledFor: null,
        agenda: [
          { itemId: 'x', title: 'One', kind: 'other', plannedMinutes: 5 },
          { itemId: 'x', title: 'Two', kind: 'other', plannedMinutes: 5 }
        ],
        ...noRoster()
      })
      .rejects(ErrorCode.ITEM_EXISTS);
  });

  it('accepts the largest agenda the schema allows', () => {
    const agenda = Array.from({ length: LIMITS.maxItems }, (_, n) => ({
      itemId: `i${n}`,
      title: `Item ${n}`,
      kind: 'other' as const,
      plannedMinutes: 1
    }));
    const { decision } = given().when({ type: 'session.create', title: 'Full', scheduledFor: null, agenda, ...noRoster() });
    expect(decision.ok && decision.events.length).toBe(LIMITS.maxItems + 3);
  });

  it('accepts the largest roster the schema allows', () => {
    const roster = Array.from({ length: LIMITS.maxRoster }, (_, n) => ({ memberId: `m${n}`, alias: `Member ${n}` }));
    const state = given()
      .when({ type: 'session.create', title: 'Full', scheduledFor: null, agenda: [], roster, settings: SETTINGS, crisis: CRISIS }, undefined, T0)
      .then(created(T0, 'Full', null, roster), configured(SETTINGS, T0), crisisConfigured(CRISIS, T0));
    expect(state.roster.length).toBe(LIMITS.maxRoster);
  });
});

describe('session.start', () => {
  it('starts a scheduled session', () => {
    const state = given(...scheduled).when({ type: 'session.start' }, undefined, T0 + 2 * MIN).then({ type: 'session.started', at: T0 + 2 * MIN });
    expect(state.status).toBe('live');
    expect(state.startedAt).toBe(T0 + 2 * MIN);
  });

  it('closes the attendance of members still connected: they are recorded as leaving at the end', () => {
    const at = T0 + 60 * MIN;
    const state = given(...live, connected('mem-dev', T0 + MIN), connected('mem-eli', T0 + 2 * MIN))
      .when({ type: 'session.end' }, undefined, at)
      .then({ type: 'member.disconnected', at, memberId: 'mem-dev' }, { type: 'member.disconnected', at, memberId: 'mem-eli' }, { type: 'session.ended', at });
    expect(state.attendance['mem-dev']?.intervals).toEqual([{ from: T0 + MIN, to: at }]);
    expect(state.present).toEqual(['mem-dev', 'mem-eli']);
  });

  it('starts an agenda item with the session when the facilitator names one', () => {
    const at = T0 + 2 * MIN;
    const state = given(...scheduled).when({ type: 'session.start', itemId: 'a' }, undefined, at).then({ type: 'session.started', at }, { type: 'item.started', at, itemId: 'a' });
    expect(state.currentItemId).toBe('a');
    expect(state.items.map((i) => i.status)).toEqual(['current', 'pending', 'pending']);
  });

  it('refuses to start with an item that is not on the agenda, and stays scheduled', () => {
    given(...scheduled).when({ type: 'session.start', itemId: 'nope' }).rejects(ErrorCode.ITEM_NOT_FOUND);
  });

  it('rejects before the session exists: SESSION_NOT_FOUND', () => {
    given().when({ type: 'session.start' }).rejects(ErrorCode.SESSION_NOT_FOUND);
  });

  it.each([
    ['live', live],
    ['ended', over]
  ])('rejects a %s session: SESSION_NOT_SCHEDULED', (_name, history) => {
    given(...history).when({ type: 'session.start' }).rejects(ErrorCode.SESSION_NOT_SCHEDULED);
  });
});

describe('roster.set', () => {
  it('replaces the roster of a session that has not started', () => {
    const roster = [{ memberId: 'mem-new', alias: 'Gus' }, ...ROSTER.slice(1)];
    const state = given(...scheduled).when({ type: 'roster.set', roster }, undefined, T0).then({ type: 'roster.changed', at: T0, roster });
    expect(state.roster).toEqual(roster);
  });

  it('leaves a session that started with the roster it ran with, and refuses repeats and duplicates', () => {
    given(...live).when({ type: 'roster.set', roster: [] }).rejects(ErrorCode.SESSION_NOT_SCHEDULED);
    given(...scheduled).when({ type: 'roster.set', roster: [...ROSTER] }).rejects(ErrorCode.NOTHING_CHANGED);
    given(...scheduled).when({ type: 'roster.set', roster: [ROSTER[0]!, ROSTER[0]!] }).rejects(ErrorCode.DUPLICATE_ID);
  });
});

describe('session.reschedule and session.cancel', () => {
  it('moves a scheduled session to another time, in UTC, or to none', () => {
    const state = given(...scheduled).when({ type: 'session.reschedule', scheduledFor: '2025-01-14T18:00:00+01:00' }, undefined, T0).then({ type: 'session.rescheduled', at: T0, scheduledFor: '2025-01-14T17:00:00.000Z' });
    expect(state.scheduledFor).toBe('2025-01-14T17:00:00.000Z');
    const moved = [...scheduled, { type: 'session.rescheduled', at: T0, scheduledFor: '2025-01-14T17:00:00.000Z' } as const];
    expect(given(...moved).when({ type: 'session.reschedule', scheduledFor: null }, undefined, T0).then({ type: 'session.rescheduled', at: T0, scheduledFor: null }).scheduledFor).toBeNull();
  });

  it('cancels a scheduled session: everyone learns it is cancelled, only clinicians why', () => {
    const state = given(...scheduled)
      .when({ type: 'session.cancel', reason: 'Facilitator ill' }, undefined, T0)
      .then({ type: 'session.cancelled', at: T0 }, { type: 'session.cancel_reason', at: T0, reason: 'Facilitator ill' });
    expect(state).toMatchObject({ status: 'cancelled', cancelledAt: T0, cancelReason: 'Facilitator ill' });
    expect(visibleTo({ type: 'session.cancelled', at: T0 }, 'member')).toBe(true);
    expect(visibleTo({ type: 'session.cancel_reason', at: T0, reason: 'x' }, 'member')).toBe(false);
    expect('cancelReason' in project(state, 'member')).toBe(false);
  });

  it('closes a cancelled board: no start, no agenda change, no second cancel', () => {
    const cancelled = [...scheduled, { type: 'session.cancelled', at: T0 } as const];
    given(...cancelled).when({ type: 'session.start' }).rejects(ErrorCode.SESSION_NOT_SCHEDULED);
    given(...cancelled).when({ type: 'agenda.remove', itemId: 'a' }).rejects(ErrorCode.SESSION_CANCELLED);
    given(...cancelled).when({ type: 'session.cancel', reason: 'again' }).rejects(ErrorCode.SESSION_CANCELLED);
    given(...cancelled).when({ type: 'session.reschedule', scheduledFor: null }).rejects(ErrorCode.SESSION_CANCELLED);
  });

  it('refuses once the session started or ended, a time it already has, a reason left empty, and anyone but a facilitator', () => {
    given(...live).when({ type: 'session.cancel', reason: 'late' }).rejects(ErrorCode.SESSION_NOT_SCHEDULED);
    given(...over).when({ type: 'session.reschedule', scheduledFor: null }).rejects(ErrorCode.SESSION_ENDED);
    given(...scheduled).when({ type: 'session.reschedule', scheduledFor: null }).rejects(ErrorCode.NOTHING_CHANGED);
    expect(Command.safeParse({ type: 'session.cancel', reason: '   ' }).success).toBe(false);
    given(...scheduled).when({ type: 'session.cancel', reason: 'x' }, { role: 'supervisor', id: 'sup' }).rejects(ErrorCode.FORBIDDEN);
  });
});

describe('session.end', () => {
  it('ends a live session with no current item', () => {
    const state = given(...live).when({ type: 'session.end' }, undefined, T0 + 80 * MIN).then({ type: 'session.ended', at: T0 + 80 * MIN });
    expect(state.status).toBe('ended');
    expect(state.endedAt).toBe(T0 + 80 * MIN);
  });

  it('completes the current item first, so its timer stops when the session ends', () => {
    const state = given(...liveOnA)
      .when({ type: 'session.end' }, undefined, T0 + 11 * MIN)
      .then(itemCompleted('a', T0 + 11 * MIN), { type: 'session.ended', at: T0 + 11 * MIN });
    expect(state.currentItemId).toBeNull();
    expect(state.items[0]).toMatchObject({ status: 'done', runningSince: null, accumulatedMs: 10 * MIN });
  });

  it('completes a paused current item too', () => {
    given(...liveOnA, itemPaused('a', T0 + 5 * MIN))
      .when({ type: 'session.end' }, undefined, T0 + 20 * MIN)
      .then(itemCompleted('a', T0 + 20 * MIN), { type: 'session.ended', at: T0 + 20 * MIN });
  });

  it('closes the open turn and clears the floor before the session ends', () => {
    const at = T0 + 40 * MIN;
    const state = given(...liveOnA, turnStarted(memberSpeaker('mem-eli'), T0 + 30 * MIN, 'a'), floorChanged(memberSpeaker('mem-eli'), T0 + 30 * MIN))
      .when({ type: 'session.end' }, undefined, at)
      .then(itemCompleted('a', at), turnEnded(at), floorChanged(null, at), { type: 'session.ended', at });
    expect(state.floor).toBeNull();
    expect(state.turns).toEqual([{ speaker: memberSpeaker('mem-eli'), start: T0 + 30 * MIN, end: at, itemId: 'a' }]);
  });

  it('closes a facilitator\u2019s open turn too, with no item current', () => {
    const at = T0 + 40 * MIN;
    given(...live, turnStarted(facilitatorSpeaker, T0 + 5 * MIN), floorChanged(facilitatorSpeaker, T0 + 5 * MIN))
      .when({ type: 'session.end' }, undefined, at)
      .then(turnEnded(at), floorChanged(null, at), { type: 'session.ended', at });
  });

  it('emits no turn events when nobody holds the floor, and lowers every raised hand', () => {
    const at = T0 + 40 * MIN;
    const state = given(...live, turnStarted(facilitatorSpeaker, T0 + 5 * MIN), floorChanged(facilitatorSpeaker, T0 + 5 * MIN), turnEnded(T0 + 6 * MIN), floorChanged(null, T0 + 6 * MIN), handRaised('mem-dev', T0 + 7 * MIN))
      .when({ type: 'session.end' }, undefined, at)
      .then({ type: 'hand.lowered', at, memberId: 'mem-dev' }, { type: 'session.ended', at });
    expect(state.hands).toEqual([]);
  });

  it('rejects before the session exists: SESSION_NOT_FOUND', () => {
    given().when({ type: 'session.end' }).rejects(ErrorCode.SESSION_NOT_FOUND);
  });

  it('rejects a session that has not started: SESSION_NOT_LIVE', () => {
    given(...scheduled).when({ type: 'session.end' }).rejects(ErrorCode.SESSION_NOT_LIVE);
  });

  it('rejects a session that has already ended: SESSION_ENDED', () => {
    given(...over).when({ type: 'session.end' }).rejects(ErrorCode.SESSION_ENDED);
  });

  it('the whole life in one: create, start, run an item, end', () => {
    const state = given(created(), added('a', 0), started(T0), itemStarted('a', T0), itemCompleted('a', T0 + 9 * MIN))
      .when({ type: 'session.end' }, undefined, T0 + 10 * MIN)
      .then({ type: 'session.ended', at: T0 + 10 * MIN });
    expect(state.items[0]).toMatchObject({ status: 'done', accumulatedMs: 9 * MIN });
  });
});
