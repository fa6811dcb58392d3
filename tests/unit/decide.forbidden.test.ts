import { describe, expect, it } from 'vitest';
import { COMMAND_ROLES, COMMAND_TYPES, ErrorCode, type Actor, type BoardEvent, type CommandType, type Role } from '@hearth/shared';
import {
  MIN,
  SETTINGS,
  STRICT_SETTINGS,
  T0,
  coFacilitator,
  facilitator,
  facilitatorSpeaker,
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
 * One command of every type, with a history in which it is accepted from every role allowed to send
 * it: so the FORBIDDEN below is about the role, never about a command that would have failed anyway.
 * `member` is Dev, on the roster, with their hand up in `busy`.
 */
const SAMPLES: { [K in CommandType]: Sample<K> } = {
  'session.create': {
    command: { type: 'session.create', title: 'Group', scheduledFor: null, agenda: [], roster: [{ memberId: 'mem-dev', alias: 'Dev' }], settings: SETTINGS },
    acceptedAfter: []
  },
  'session.start': { command: { type: 'session.start' }, acceptedAfter: scheduled },
  'session.end': { command: { type: 'session.end' }, acceptedAfter: liveOnA },
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
  'member.arrive': { command: { type: 'member.arrive' }, acceptedAfter: liveOnA },
  'attendance.mark': { command: { type: 'attendance.mark', memberId: 'mem-dev', present: true }, acceptedAfter: liveOnA },
  'participation.configure': { command: { type: 'participation.configure', settings: STRICT_SETTINGS }, acceptedAfter: liveOnA }
};

/**
 * Who may send what, written out rather than read from COMMAND_ROLES so that a change to the table
 * is a deliberate change here too. Members act only on their own hand and their own arrival;
 * supervisors watch and send nothing.
 */
const MEMBER_COMMANDS: ReadonlySet<CommandType> = new Set(['hand.raise', 'hand.lower', 'member.arrive']);
const FACILITATOR_BARRED: ReadonlySet<CommandType> = new Set(['hand.raise', 'member.arrive']);
function allowed(type: CommandType): readonly Role[] {
  const roles: Role[] = [];
  if (!FACILITATOR_BARRED.has(type)) roles.push('facilitator');
  if (MEMBER_COMMANDS.has(type)) roles.push('member');
  return roles;
}

const ACTORS: Record<Role, readonly Actor[]> = { facilitator: [facilitator, coFacilitator], supervisor: [supervisor], member: [member] };
const ROLES: readonly Role[] = ['facilitator', 'supervisor', 'member'];

const HISTORIES: ReadonlyArray<readonly [string, readonly BoardEvent[]]> = [
  ['no session', []],
  ['scheduled', scheduled],
  ['live', live],
  ['live with a current item', liveOnA],
  ['live with a hand up and the floor held', busy],
  ['ended', over]
];

describe('who may change the board', () => {
  it('has a sample for every command type', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual([...COMMAND_TYPES].sort());
  });

  it('COMMAND_ROLES is the table written out here', () => {
    for (const type of COMMAND_TYPES) expect([...COMMAND_ROLES[type]].sort(), type).toEqual([...allowed(type)].sort());
  });

  it('supervisors may send nothing at all', () => {
    for (const type of COMMAND_TYPES) expect(COMMAND_ROLES[type], type).not.toContain('supervisor');
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
