import { describe, expect, it } from 'vitest';
import { COMMAND_TYPES, ErrorCode, type BoardEvent, type CommandType } from '@hearth/shared';
import {
  MIN,
  T0,
  coFacilitator,
  facilitator,
  given,
  itemPaused,
  live,
  liveOnA,
  member,
  over,
  scheduled,
  supervisor,
  type CommandInput
} from './givenWhenThen.ts';

type Sample<K extends CommandType> = { command: Extract<CommandInput, { type: K }>; acceptedAfter: readonly BoardEvent[] };

/**
 * One command of every type, with a history in which a facilitator's copy is accepted: so the
 * FORBIDDEN below is about the role, never about a command that would have failed anyway.
 */
const SAMPLES: { [K in CommandType]: Sample<K> } = {
  'session.create': { command: { type: 'session.create', title: 'Group', scheduledFor: null, agenda: [] }, acceptedAfter: [] },
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
  'item.skip': { command: { type: 'item.skip', itemId: 'b' }, acceptedAfter: liveOnA }
};

const HISTORIES: ReadonlyArray<readonly [string, readonly BoardEvent[]]> = [
  ['no session', []],
  ['scheduled', scheduled],
  ['live', live],
  ['live with a current item', liveOnA],
  ['ended', over]
];

describe('who may change the board', () => {
  it('has a sample for every command type', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual([...COMMAND_TYPES].sort());
  });

  describe.each(COMMAND_TYPES.map((type) => [type, SAMPLES[type]] as const))('%s', (_type, sample) => {
    it('is accepted from either co-facilitator', () => {
      for (const actor of [facilitator, coFacilitator]) {
        expect(given(...sample.acceptedAfter).when(sample.command, actor).decision.ok).toBe(true);
      }
    });

    it('is FORBIDDEN to members and supervisors, where a facilitator would succeed', () => {
      for (const actor of [member, supervisor]) {
        given(...sample.acceptedAfter).when(sample.command, actor).rejects(ErrorCode.FORBIDDEN);
      }
    });

    it.each(HISTORIES)('is FORBIDDEN to members and supervisors when %s', (_name, history) => {
      for (const actor of [member, supervisor]) {
        given(...history).when(sample.command, actor).rejects(ErrorCode.FORBIDDEN);
      }
    });
  });
});
