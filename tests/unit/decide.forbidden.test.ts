import { describe, expect, it } from 'vitest';
import { CHECK_IN, COMMAND_ROLES, Instrument, COMMAND_TYPES, ErrorCode, type Actor, type BoardEvent, type CommandType, type Role } from '@hearth/shared';
import {
  CRISIS,
  MIN,
  SETTINGS,
  STRICT_SETTINGS,
  T0,
  coFacilitator,
  connected,
  cueSent,
  facilitator,
  facilitatorSpeaker,
  flagRaised,
  floorChanged,
  given,
  handRaised,
  itemPaused,
  live,
  liveOnA,
  member,
  memberSpeaker,
  over,
  scheduled,
  supervisor,
  turnStarted,
  type CommandInput
} from './givenWhenThen.ts';

type Sample<K extends CommandType> = { command: Extract<CommandInput, { type: K }>; acceptedAfter: readonly BoardEvent[] };

/** Live on item a, with Dev's hand up and the facilitators holding the floor. */
const busy: readonly BoardEvent[] = [
  ...liveOnA,
  handRaised(member.id, T0 + 2 * MIN),
  turnStarted(facilitatorSpeaker, T0 + 3 * MIN, 'a'),
  floorChanged(facilitatorSpeaker, T0 + 3 * MIN)
];

/**
 * Live on item a, with a crisis flag about Dev raised by a third facilitator (so that either
 * co-facilitator and the supervisor may acknowledge it), a cue from the supervisor, and Dev connected.
 */
const safety: readonly BoardEvent[] = [
  ...liveOnA,
  flagRaised('f1', T0 + 2 * MIN, { severity: 'crisis', category: 'safety-risk', by: 'fac-cy', itemId: 'a' }),
  cueSent('q1', 'Slow down the round', T0 + 3 * MIN),
  connected(member.id, T0 + 4 * MIN)
];

/** Live on item a with the check-in open on members' phones. */
const checkingIn: readonly BoardEvent[] = [...liveOnA, { type: 'measure.opened', at: T0 + 2 * MIN, runId: 'm1', instrument: CHECK_IN }];

/** Dev's phone in the waiting room. */
const devWaiting: BoardEvent = { type: 'admission.requested', at: T0 - MIN, requestId: 'dev-phone', memberId: 'mem-dev', secondDevice: false };

/**
 * One command of every type, with a history in which it is accepted from every role allowed to send
 * it: so the FORBIDDEN below is about the role, never about a command that would have failed anyway.
 * `member` is Dev, on the roster, with their hand up in `busy`.
 */
const SAMPLES: { [K in CommandType]: Sample<K> } = {
  'session.create': {
    command: { type: 'session.create', title: 'Group', scheduledFor: null, agenda: [], roster: [{ memberId: 'mem-dev', alias: 'Dev' }], settings: SETTINGS, crisis: CRISIS },
    acceptedAfter: []
  },
  'session.start': { command: { type: 'session.start' }, acceptedAfter: scheduled },
  'session.end': { command: { type: 'session.end' }, acceptedAfter: liveOnA },
  'session.reschedule': { command: { type: 'session.reschedule', scheduledFor: '2025-01-14T18:00:00Z' }, acceptedAfter: scheduled },
  'session.cancel': { command: { type: 'session.cancel', reason: 'Snow closure' }, acceptedAfter: scheduled },
  'roster.set': { command: { type: 'roster.set', roster: [{ memberId: 'mem-new', alias: 'New' }] }, acceptedAfter: scheduled },
  'crisis.configure': { command: { type: 'crisis.configure', crisis: { ...CRISIS, resources: [] } }, acceptedAfter: scheduled },
  'instruments.configure': { command: { type: 'instruments.configure', instruments: [{ ...Instrument.parse(CHECK_IN), items: [{ id: 'arriving', text: 'How is your week landing?' }] }] }, acceptedAfter: scheduled },
  'agenda.add': {
    command: { type: 'agenda.add', item: { itemId: 'd', title: 'New', kind: 'other', plannedMinutes: 5 } },
    acceptedAfter: liveOnA
  },
  'agenda.edit': { command: { type: 'agenda.edit', itemId: 'b', title: 'Renamed' }, acceptedAfter: liveOnA },
  'agenda.remove': { command: { type: 'agenda.remove', itemId: 'b' }, acceptedAfter: liveOnA },
  'agenda.reorder': { command: { type: 'agenda.reorder', itemIds: ['c', 'b', 'a'] }, acceptedAfter: liveOnA },
  'agenda.set_guidance': { command: { type: 'agenda.set_guidance', itemId: 'b', guidance: 'Private' }, acceptedAfter: liveOnA },
  'item.start': { command: { type: 'item.start', itemId: 'b' }, acceptedAfter: liveOnA },
  'item.next': { command: { type: 'item.next' }, acceptedAfter: liveOnA },
  'item.pause': { command: { type: 'item.pause', itemId: 'a' }, acceptedAfter: liveOnA },
  'item.resume': { command: { type: 'item.resume', itemId: 'a' }, acceptedAfter: [...liveOnA, itemPaused('a', T0 + 2 * MIN)] },
  'item.extend': { command: { type: 'item.extend', itemId: 'a', minutes: 5 }, acceptedAfter: liveOnA },
  'item.complete': { command: { type: 'item.complete', itemId: 'a' }, acceptedAfter: liveOnA },
  'item.skip': { command: { type: 'item.skip', itemId: 'b' }, acceptedAfter: liveOnA },
  'turn.start': { command: { type: 'turn.start', speaker: memberSpeaker('mem-eli') }, acceptedAfter: busy },
  'turn.end': { command: { type: 'turn.end' }, acceptedAfter: busy },
  'hand.raise': { command: { type: 'hand.raise' }, acceptedAfter: liveOnA },
  // Dev's own id: a member may name their own hand, a facilitator must name one.
  'hand.lower': { command: { type: 'hand.lower', memberId: 'mem-dev' }, acceptedAfter: busy },
  'floor.give_first_hand': { command: { type: 'floor.give_first_hand' }, acceptedAfter: busy },
  'member.connect': { command: { type: 'member.connect' }, acceptedAfter: liveOnA },
  'member.disconnect': { command: { type: 'member.disconnect' }, acceptedAfter: safety },
  'admission.request': { command: { type: 'admission.request', requestId: 'dev-phone', automatic: false }, acceptedAfter: scheduled },
  'admission.admit': { command: { type: 'admission.admit', requestId: 'dev-phone' }, acceptedAfter: [...scheduled, devWaiting] },
  'admission.decline': { command: { type: 'admission.decline', requestId: 'dev-phone' }, acceptedAfter: [...scheduled, devWaiting] },
  'attendance.correct': { command: { type: 'attendance.correct', memberId: 'mem-dev', status: 'late', reason: 'Joined after check-in' }, acceptedAfter: liveOnA },
  'participation.configure': { command: { type: 'participation.configure', settings: STRICT_SETTINGS }, acceptedAfter: liveOnA },
  'flag.raise': {
    command: { type: 'flag.raise', flagId: 'f2', category: 'distress', severity: 'high', memberIds: ['mem-dev'], note: 'Left the call abruptly' },
    acceptedAfter: safety
  },
  'flag.acknowledge': { command: { type: 'flag.acknowledge', flagId: 'f1' }, acceptedAfter: safety },
  'flag.follow_up': { command: { type: 'flag.follow_up', flagId: 'f1', note: 'Called after the group' }, acceptedAfter: safety },
  'flag.check_step': { command: { type: 'flag.check_step', flagId: 'f1', stepId: 'safety' }, acceptedAfter: safety },
  'flag.resolve': { command: { type: 'flag.resolve', flagId: 'f1', outcome: 'Safety plan reviewed' }, acceptedAfter: safety },
  'cue.send': { command: { type: 'cue.send', cueId: 'q2', text: 'Invite Fay in' }, acceptedAfter: safety },
  'cue.acknowledge': { command: { type: 'cue.acknowledge', cueId: 'q1' }, acceptedAfter: safety },
  'resource.share': {
    command: { type: 'resource.share', shareId: 'r1', title: 'Crisis line', body: 'Call or text 988', url: null, memberId: 'mem-dev' },
    acceptedAfter: liveOnA
  },
  'measure.open': { command: { type: 'measure.open', runId: 'm2', instrument: 'phq-9' }, acceptedAfter: liveOnA },
  'measure.answer': { command: { type: 'measure.answer', runId: 'm1', answers: [7] }, acceptedAfter: checkingIn },
  'measure.close': { command: { type: 'measure.close', runId: 'm1' }, acceptedAfter: checkingIn }
};

/**
 * Who may send what, written out rather than read from COMMAND_ROLES so that a change to the table
 * is a deliberate change here too. Members act only on their own hand and their own presence (the
 * server sends the latter for them); supervisors acknowledge and follow up flags and send cues, and
 * are the only ones who send cues; nothing else changes the board but the facilitators.
 */
const F: readonly Role[] = ['facilitator'];
const ALLOWED: Record<CommandType, readonly Role[]> = {
  'session.create': F,
  'session.start': F,
  'session.end': F,
  'session.reschedule': F,
  'session.cancel': F,
  'roster.set': F,
  'crisis.configure': F,
  'instruments.configure': F,
  'agenda.add': F,
  'agenda.edit': F,
  'agenda.remove': F,
  'agenda.reorder': F,
  'agenda.set_guidance': F,
  'item.start': F,
  'item.next': F,
  'item.pause': F,
  'item.resume': F,
  'item.extend': F,
  'item.complete': F,
  'item.skip': F,
  'turn.start': F,
  'turn.end': F,
  'hand.raise': ['member'],
  'hand.lower': ['member', 'facilitator'],
  'floor.give_first_hand': F,
  'member.connect': ['member'],
  'member.disconnect': ['member'],
  'admission.request': ['member'],
  'admission.admit': F,
  'admission.decline': F,
  'attendance.correct': F,
  'participation.configure': F,
  'flag.raise': F,
  'flag.acknowledge': ['facilitator', 'supervisor'],
  'flag.follow_up': ['facilitator', 'supervisor'],
  'flag.check_step': F,
  'flag.resolve': F,
  'cue.send': ['supervisor'],
  'cue.acknowledge': F,
  'resource.share': F,
  'measure.open': F,
  'measure.answer': ['member'],
  'measure.close': F
};
const allowed = (type: CommandType): readonly Role[] => ALLOWED[type];

const ACTORS: Record<Role, readonly Actor[]> = { facilitator: [facilitator, coFacilitator], supervisor: [supervisor], member: [member] };
const ROLES: readonly Role[] = ['facilitator', 'supervisor', 'member'];

const HISTORIES: ReadonlyArray<readonly [string, readonly BoardEvent[]]> = [
  ['no session', []],
  ['scheduled', scheduled],
  ['live', live],
  ['live with a current item', liveOnA],
  ['live with a hand up and the floor held', busy],
  ['live with a flag, a cue and a member connected', safety],
  ['ended', over]
];

describe('who may change the board', () => {
  it('has a sample for every command type', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual([...COMMAND_TYPES].sort());
  });

  it('COMMAND_ROLES is the table written out here', () => {
    for (const type of COMMAND_TYPES) expect([...COMMAND_ROLES[type]].sort(), type).toEqual([...allowed(type)].sort());
  });

  it('supervisors may only acknowledge and follow up flags and send cues', () => {
    const theirs = COMMAND_TYPES.filter((type) => COMMAND_ROLES[type].includes('supervisor'));
    expect([...theirs].sort()).toEqual(['cue.send', 'flag.acknowledge', 'flag.follow_up']);
  });

  it('members may only act on their own hand, presence, admission and answers; nobody but members sends their presence or answers', () => {
    const theirs = COMMAND_TYPES.filter((type) => COMMAND_ROLES[type].includes('member'));
    expect([...theirs].sort()).toEqual(['admission.request', 'hand.lower', 'hand.raise', 'measure.answer', 'member.connect', 'member.disconnect']);
    for (const type of ['member.connect', 'member.disconnect', 'hand.raise', 'admission.request', 'measure.answer'] as const) expect(COMMAND_ROLES[type]).toEqual(['member']);
  });

  describe.each(COMMAND_TYPES.map((type) => [type, SAMPLES[type]] as const))('%s', (type, sample) => {
    const may = allowed(type);
    const mayNot = ROLES.filter((r) => !may.includes(r));

    it.each(may)('is accepted from a %s', (role) => {
      for (const actor of ACTORS[role]) {
        const { decision } = given(...sample.acceptedAfter).when(sample.command, actor);
        expect(decision.ok, `${actor.id}: ${JSON.stringify(decision)}`).toBe(true);
      }
    });

    it('is FORBIDDEN to every other role, where an allowed one would succeed', () => {
      for (const role of mayNot) {
        for (const actor of ACTORS[role]) given(...sample.acceptedAfter).when(sample.command, actor).rejects(ErrorCode.FORBIDDEN);
      }
    });

    it.each(HISTORIES)('is FORBIDDEN to every other role when %s', (_name, history) => {
      for (const role of mayNot) {
        for (const actor of ACTORS[role]) given(...history).when(sample.command, actor).rejects(ErrorCode.FORBIDDEN);
      }
    });
  });
});
