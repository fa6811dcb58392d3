import { describe, expect, it } from 'vitest';
import { EVENT_AUDIENCE, fold, initialState, project, visibleTo, type BoardEvent, type Role } from '@hearth/shared';
import {
  MIN,
  T0,
  added,
  ended,
  guidanceSet,
  itemCompleted,
  itemExtended,
  itemPaused,
  itemResumed,
  itemSkipped,
  itemStarted,
  liveOnA
} from './givenWhenThen.ts';

const ROLES: readonly Role[] = ['facilitator', 'supervisor', 'member'];

/** A history touching every event type, guidance set both before and during the session. */
const HISTORY: readonly BoardEvent[] = [
  ...liveOnA.slice(0, 4),
  guidanceSet('a', 'Invite the quieter members first'),
  ...liveOnA.slice(4),
  { type: 'agenda.item_edited', at: T0 + 2 * MIN, itemId: 'b', title: 'Distress tolerance' },
  guidanceSet('b', 'R. disclosed a crisis last week: check in privately', T0 + 2 * MIN),
  added('d', 1, { at: T0 + 3 * MIN }),
  { type: 'agenda.reordered', at: T0 + 3 * MIN, itemIds: ['a', 'b', 'd', 'c'] },
  itemPaused('a', T0 + 4 * MIN),
  itemResumed('a', T0 + 5 * MIN),
  itemExtended('a', 5, T0 + 6 * MIN),
  itemCompleted('a', T0 + 7 * MIN),
  itemStarted('b', T0 + 7 * MIN),
  itemSkipped('d', T0 + 8 * MIN),
  { type: 'agenda.item_removed', at: T0 + 8 * MIN, itemId: 'c' },
  itemCompleted('b', T0 + 9 * MIN),
  ended(T0 + 9 * MIN)
];

/** Confidentiality is by whole events: members never receive the clinicians' guidance. */
describe('visibleTo', () => {
  it('sends guidance to clinicians only', () => {
    const e = guidanceSet('a', 'private');
    expect(visibleTo(e, 'facilitator')).toBe(true);
    expect(visibleTo(e, 'supervisor')).toBe(true);
    expect(visibleTo(e, 'member')).toBe(false);
  });

  it('sends every other event to every role', () => {
    const types = new Set(HISTORY.map((e) => e.type));
    expect([...types].sort()).toEqual(Object.keys(EVENT_AUDIENCE).sort());
    for (const e of HISTORY.filter((e) => e.type !== 'agenda.guidance_set')) {
      for (const role of ROLES) expect(visibleTo(e, role), `${e.type} to ${role}`).toBe(true);
    }
  });
});

describe('project', () => {
  const full = fold(initialState, HISTORY);

  it('gives members no guidance field on any item', () => {
    const view = project(full, 'member');
    expect(view.items.length).toBe(full.items.length);
    for (const item of view.items) expect(Object.keys(item)).not.toContain('guidance');
    expect(JSON.stringify(view)).not.toContain('crisis last week');
  });

  it('keeps everything else a member may see', () => {
    const view = project(full, 'member');
    expect(view.items.map((i) => i.id)).toEqual(full.items.map((i) => i.id));
    expect(view.items[0]).toMatchObject({ status: 'done', extendedMinutes: 5, accumulatedMs: 5 * MIN });
    expect({ ...view, items: [] }).toEqual({ ...full, items: [] });
  });

  it('gives clinicians the whole board, guidance included', () => {
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
      expect(project(seen, 'member')).toEqual(project(fold(initialState, prefix), 'member'));
    }
  });
});
