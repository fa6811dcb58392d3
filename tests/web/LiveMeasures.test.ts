import { fold, initialState, type BoardEvent, type BoardState } from '@hearth/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LiveMeasures } from '../../web/src/lib/participation/LiveMeasures.svelte.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 11, 1, 17, 0);
const roster = [
  { memberId: 'm1', alias: 'Maple' },
  { memberId: 'm2', alias: 'River' }
];
const board = (events: BoardEvent[]): BoardState =>
  fold(initialState, [{ type: 'session.created', at: T0 - MIN, title: 'G', scheduledFor: null, roster }, ...events]);
const started: BoardEvent[] = [
  { type: 'session.started', at: T0 },
  { type: 'member.connected', at: T0, memberId: 'm1' },
  { type: 'member.connected', at: T0, memberId: 'm2' }
];

describe('LiveMeasures', () => {
  beforeEach(() => void vi.useFakeTimers({ now: T0 + 10 * MIN }));
  afterEach(() => void vi.useRealTimers());

  it('has no measures before the session starts', () => {
    const m = new LiveMeasures(() => ({ board: board([]), offsetMs: 0 }));
    expect(m.measures).toBeNull();
    expect(m.now).toBeNull();
    expect(m.trend).toEqual([]);
  });

  it('measures the whole session up to now on the server clock, an even split as balanced', () => {
    const b = board([
      ...started,
      { type: 'turn.started', at: T0, speaker: { kind: 'member', memberId: 'm1' }, itemId: null },
      { type: 'turn.started', at: T0 + 5 * MIN, speaker: { kind: 'member', memberId: 'm2' }, itemId: null }
    ]);
    const m = new LiveMeasures(() => ({ board: b, offsetMs: 0 }));
    expect(m.now).toBe(T0 + 10 * MIN);
    expect(m.measures?.balanceIndex).toBeCloseTo(1, 5);
    // A server clock two minutes ahead of this device moves "now" with it.
    expect(new LiveMeasures(() => ({ board: b, offsetMs: 2 * MIN })).now).toBe(T0 + 12 * MIN);
  });

  it('stops the clock at the end of an ended session', () => {
    const b = board([...started, { type: 'session.ended', at: T0 + 3 * MIN }]);
    expect(new LiveMeasures(() => ({ board: b, offsetMs: 0 })).now).toBe(T0 + 3 * MIN);
  });

  it('narrows to a started item, and falls back to the session for one that is not on the agenda', () => {
    const b = board([
      ...started,
      { type: 'agenda.item_added', at: T0, itemId: 'i1', title: 'Check-in', kind: 'check-in', plannedMinutes: 10, position: 0 },
      { type: 'item.started', at: T0, itemId: 'i1' }
    ]);
    const m = new LiveMeasures(() => ({ board: b, offsetMs: 0 }));
    expect(m.scopeItems.map((i) => i.id)).toEqual(['i1']);
    m.scope = { itemId: 'i1' };
    expect(m.scope).toEqual({ itemId: 'i1' });
    m.scope = { itemId: 'gone' };
    expect(m.scope).toBe('session');
  });

  it('nudges about the silent member over the whole session, by alias', () => {
    const b = board([...started, { type: 'turn.started', at: T0, speaker: { kind: 'member', memberId: 'm1' }, itemId: null }]);
    vi.setSystemTime(T0 + 40 * MIN);
    const m = new LiveMeasures(() => ({ board: b, offsetMs: 0 }));
    expect(m.nudges.map((n) => n.text).join(' ')).toContain('River');
  });
});
