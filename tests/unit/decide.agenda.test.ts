import { describe, expect, it } from 'vitest';
import { ErrorCode, LIMITS, type BoardEvent } from '@hearth/shared';
import {
  MIN,
  T0,
  added,
  created,
  given,
  guidanceSet,
  itemCompleted,
  live,
  liveOnA,
  over,
  scheduled,
  type CommandInput
} from './givenWhenThen.ts';

const NOW = T0 + 30 * MIN;
const ids = (events: readonly BoardEvent[]) => given(...events).state.items.map((i) => i.id);

/** Closed-session guards every agenda command shares: no session yet, or the session is over. */
function closedSessionGuards(command: CommandInput): void {
  it('rejects before the session exists: SESSION_NOT_FOUND', () => {
    given().when(command).rejects(ErrorCode.SESSION_NOT_FOUND);
  });
  it('rejects after the session ended: SESSION_ENDED', () => {
    given(...over).when(command).rejects(ErrorCode.SESSION_ENDED);
  });
}

describe('agenda.add', () => {
  const item = { itemId: 'd', title: 'Role play', kind: 'skill-practice', plannedMinutes: 20 } as const;

  it('appends to the end by default, before the session starts', () => {
    const state = given(...scheduled)
      .when({ type: 'agenda.add', item: { ...item, title: '  Role play ' } }, undefined, NOW)
      .then({ type: 'agenda.item_added', at: NOW, ...item, position: 3 });
    expect(state.items.map((i) => i.id)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('inserts at a given position, during a live session', () => {
    const state = given(...liveOnA)
      .when({ type: 'agenda.add', item, position: 1 }, undefined, NOW)
      .then({ type: 'agenda.item_added', at: NOW, ...item, position: 1 });
    expect(state.items.map((i) => i.id)).toEqual(['a', 'd', 'b', 'c']);
    expect(state.currentItemId).toBe('a');
  });

  it('clamps a position past the end to the end', () => {
    given(...scheduled)
      .when({ type: 'agenda.add', item, position: 99 }, undefined, NOW)
      .then({ type: 'agenda.item_added', at: NOW, ...item, position: 3 });
  });

  it('rejects an id already on the agenda: ITEM_EXISTS', () => {
    given(...scheduled)
      .when({ type: 'agenda.add', item: { ...item, itemId: 'b' } })
      .rejects(ErrorCode.ITEM_EXISTS);
  });

  it(`rejects a ${LIMITS.maxItems + 1}th item: AGENDA_FULL`, () => {
    const full = [created(), ...Array.from({ length: LIMITS.maxItems }, (_, n) => added(`i${n}`, n))];
    given(...full).when({ type: 'agenda.add', item }).rejects(ErrorCode.AGENDA_FULL);
  });

  closedSessionGuards({ type: 'agenda.add', item });
});

describe('agenda.edit', () => {
  it('changes only the fields given', () => {
    const state = given(...scheduled)
      .when({ type: 'agenda.edit', itemId: 'b', title: 'Mindfulness' }, undefined, NOW)
      .then({ type: 'agenda.item_edited', at: NOW, itemId: 'b', title: 'Mindfulness' });
    expect(state.items[1]).toMatchObject({ title: 'Mindfulness', kind: 'other', plannedMinutes: 10 });
  });

  it('changes every field at once, on the current item of a live session', () => {
    const state = given(...liveOnA)
      .when({ type: 'agenda.edit', itemId: 'a', title: 'Check-in', kind: 'check-in', plannedMinutes: 15 }, undefined, NOW)
      .then({ type: 'agenda.item_edited', at: NOW, itemId: 'a', title: 'Check-in', kind: 'check-in', plannedMinutes: 15 });
    expect(state.items[0]).toMatchObject({ title: 'Check-in', kind: 'check-in', plannedMinutes: 15, status: 'current' });
  });

  it('accepts when one field changes even if another given field is the same', () => {
    given(...scheduled)
      .when({ type: 'agenda.edit', itemId: 'a', title: 'Item a', plannedMinutes: 12 }, undefined, NOW)
      .then({ type: 'agenda.item_edited', at: NOW, itemId: 'a', title: 'Item a', plannedMinutes: 12 });
  });

  it('rejects an edit that changes nothing: NOTHING_CHANGED', () => {
    given(...scheduled)
      .when({ type: 'agenda.edit', itemId: 'a', title: 'Item a', kind: 'other', plannedMinutes: 10 })
      .rejects(ErrorCode.NOTHING_CHANGED);
  });

  it('rejects an edit with no fields: NOTHING_CHANGED', () => {
    given(...scheduled).when({ type: 'agenda.edit', itemId: 'a' }).rejects(ErrorCode.NOTHING_CHANGED);
  });

  it('rejects an unknown item: ITEM_NOT_FOUND', () => {
    given(...scheduled).when({ type: 'agenda.edit', itemId: 'zz', title: 'X' }).rejects(ErrorCode.ITEM_NOT_FOUND);
  });

  closedSessionGuards({ type: 'agenda.edit', itemId: 'a', title: 'X' });
});

describe('agenda.remove', () => {
  it('removes a pending item', () => {
    const state = given(...scheduled)
      .when({ type: 'agenda.remove', itemId: 'b' }, undefined, NOW)
      .then({ type: 'agenda.item_removed', at: NOW, itemId: 'b' });
    expect(state.items.map((i) => i.id)).toEqual(['a', 'c']);
  });

  it('removes an item that is done, leaving the current one current', () => {
    const state = given(...liveOnA, itemCompleted('a', T0 + 5 * MIN), { type: 'item.started', at: T0 + 5 * MIN, itemId: 'b' })
      .when({ type: 'agenda.remove', itemId: 'a' }, undefined, NOW)
      .then({ type: 'agenda.item_removed', at: NOW, itemId: 'a' });
    expect(state.currentItemId).toBe('b');
  });

  it('rejects removing the current item: ITEM_IS_CURRENT', () => {
    given(...liveOnA).when({ type: 'agenda.remove', itemId: 'a' }).rejects(ErrorCode.ITEM_IS_CURRENT);
  });

  it('rejects an unknown item: ITEM_NOT_FOUND', () => {
    given(...scheduled).when({ type: 'agenda.remove', itemId: 'zz' }).rejects(ErrorCode.ITEM_NOT_FOUND);
  });

  closedSessionGuards({ type: 'agenda.remove', itemId: 'a' });
});

describe('agenda.reorder', () => {
  it('puts the items in the new order', () => {
    const state = given(...scheduled)
      .when({ type: 'agenda.reorder', itemIds: ['c', 'a', 'b'] }, undefined, NOW)
      .then({ type: 'agenda.reordered', at: NOW, itemIds: ['c', 'a', 'b'] });
    expect(state.items.map((i) => i.id)).toEqual(['c', 'a', 'b']);
  });

  it('reorders during a live session without touching the current item', () => {
    const state = given(...liveOnA)
      .when({ type: 'agenda.reorder', itemIds: ['b', 'c', 'a'] }, undefined, NOW)
      .then({ type: 'agenda.reordered', at: NOW, itemIds: ['b', 'c', 'a'] });
    expect(state.currentItemId).toBe('a');
    expect(state.items[2]?.status).toBe('current');
  });

  it.each([
    ['an item is missing', ['a', 'b']],
    ['an item is listed twice', ['a', 'b', 'b']],
    ['an item is listed twice in place of another', ['a', 'a', 'c']],
    ['an unknown item is listed', ['a', 'b', 'zz']],
    ['an extra item is listed', ['a', 'b', 'c', 'zz']]
  ])('rejects an order in which %s: BAD_ORDER', (_why, itemIds) => {
    given(...scheduled).when({ type: 'agenda.reorder', itemIds }).rejects(ErrorCode.BAD_ORDER);
  });

  it('rejects the order it already has: NOTHING_CHANGED', () => {
    given(...scheduled).when({ type: 'agenda.reorder', itemIds: ['a', 'b', 'c'] }).rejects(ErrorCode.NOTHING_CHANGED);
  });

  it('rejects reordering an empty agenda: NOTHING_CHANGED', () => {
    given(created()).when({ type: 'agenda.reorder', itemIds: [] }).rejects(ErrorCode.NOTHING_CHANGED);
  });

  closedSessionGuards({ type: 'agenda.reorder', itemIds: ['c', 'b', 'a'] });
});

describe('agenda.set_guidance', () => {
  it('sets the clinicians\u2019 guidance on an item', () => {
    const state = given(...scheduled)
      .when({ type: 'agenda.set_guidance', itemId: 'b', guidance: 'Watch for R. withdrawing' }, undefined, NOW)
      .then({ type: 'agenda.guidance_set', at: NOW, itemId: 'b', guidance: 'Watch for R. withdrawing' });
    expect(state.items[1]?.guidance).toBe('Watch for R. withdrawing');
  });

  it('clears guidance that was set', () => {
    given(...live, guidanceSet('a', 'Go slowly'))
      .when({ type: 'agenda.set_guidance', itemId: 'a', guidance: '' }, undefined, NOW)
      .then({ type: 'agenda.guidance_set', at: NOW, itemId: 'a', guidance: '' });
  });

  it('rejects the guidance the item already has: NOTHING_CHANGED', () => {
    given(...live, guidanceSet('a', 'Go slowly'))
      .when({ type: 'agenda.set_guidance', itemId: 'a', guidance: 'Go slowly' })
      .rejects(ErrorCode.NOTHING_CHANGED);
    given(...scheduled).when({ type: 'agenda.set_guidance', itemId: 'a', guidance: '' }).rejects(ErrorCode.NOTHING_CHANGED);
  });

  it('rejects an unknown item: ITEM_NOT_FOUND', () => {
    given(...scheduled).when({ type: 'agenda.set_guidance', itemId: 'zz', guidance: 'x' }).rejects(ErrorCode.ITEM_NOT_FOUND);
  });

  closedSessionGuards({ type: 'agenda.set_guidance', itemId: 'a', guidance: 'x' });
});

describe('the fixtures', () => {
  it('build the agenda they claim to', () => {
    expect(ids(scheduled)).toEqual(['a', 'b', 'c']);
  });
});
