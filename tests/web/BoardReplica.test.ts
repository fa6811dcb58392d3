import { DEFAULT_CRISIS_PROTOCOL, DEFAULT_PARTICIPATION_SETTINGS, PROTOCOL_VERSION, initialState, project, type BoardEvent, type EventMessage, type JoinResult } from '@hearth/shared';
import { describe, expect, it } from 'vitest';
import { BoardReplica, type JoinedResult } from '../../web/src/lib/live/BoardReplica.svelte.ts';

const SESSION = '5f0c1f5e-1111-4a4a-8a8a-000000000001';
const created: BoardEvent = { type: 'session.created', at: 1, title: 'Group', scheduledFor: null, roster: [] };
const added = (itemId: string, at: number): BoardEvent => ({ type: 'agenda.item_added', at, itemId, title: itemId, kind: 'other', plannedMinutes: 10, position: 0 });

const msg = (seq: number, prevSeq: number, event: BoardEvent): EventMessage => ({ sessionId: SESSION, seq, prevSeq, event });

/** A snapshot answer of a board with one item, at log position `seq`. */
function snapshot(seq: number): JoinedResult {
  const state = { ...initialState, status: 'scheduled' as const, title: 'Group', settings: DEFAULT_PARTICIPATION_SETTINGS, crisis: DEFAULT_CRISIS_PROTOCOL };
  const result: JoinResult = { ok: true, protocol: PROTOCOL_VERSION, sessionId: SESSION, role: 'member', seq, serverTime: 0, mode: 'snapshot', state: project(state, 'member') };
  return result as JoinedResult;
}

const resume = (seq: number, events: EventMessage[]): JoinedResult =>
  ({ ok: true, protocol: PROTOCOL_VERSION, sessionId: SESSION, role: 'member', seq, serverTime: 0, mode: 'resume', events }) as JoinedResult;

describe('BoardReplica', () => {
  it('ignores events before its first snapshot, then applies them in order', () => {
    const r = new BoardReplica();
    expect(r.receive(msg(1, 0, created))).toBe('ignored');
    expect(r.board).toBeNull();
    expect(r.applyJoin(snapshot(1))).toBe(true);
    expect(r.seq).toBe(1);
    expect(r.receive(msg(2, 1, added('a', 2)))).toBe('applied');
    expect(r.board?.items.map((i) => i.id)).toEqual(['a']);
    expect(r.seq).toBe(2);
  });

  it('ignores a repeat of what it already has', () => {
    const r = new BoardReplica();
    r.applyJoin(snapshot(3));
    expect(r.receive(msg(3, 2, added('a', 2)))).toBe('ignored');
    expect(r.board?.items).toEqual([]);
  });

  it('reports a gap when the previous event for its role never came, and keeps the event for the resume', () => {
    const r = new BoardReplica();
    r.applyJoin(snapshot(1));
    expect(r.receive(msg(3, 2, added('b', 3)))).toBe('gap');
    expect(r.seq).toBe(1);
    // The resume brings the missing event; the kept one follows.
    expect(r.applyJoin(resume(2, [msg(2, 1, added('a', 2))]))).toBe(true);
    expect(r.seq).toBe(3);
    expect(r.board?.items.map((i) => i.id).sort()).toEqual(['a', 'b']);
  });

  it('holds what arrives during a join and applies it after the answer, dropping what the answer already had', () => {
    const r = new BoardReplica();
    r.applyJoin(snapshot(1));
    r.hold();
    expect(r.receive(msg(2, 1, added('a', 2)))).toBe('held');
    expect(r.receive(msg(3, 2, added('b', 3)))).toBe('held');
    // The answer already contains seq 2; only seq 3 is applied on top.
    expect(r.applyJoin(resume(2, [msg(2, 1, added('a', 2))]))).toBe(true);
    expect(r.seq).toBe(3);
    expect(r.board?.items.map((i) => i.id).sort()).toEqual(['a', 'b']);
  });

  it('answers false when a held event still leaves a gap after the join', () => {
    const r = new BoardReplica();
    r.applyJoin(snapshot(1));
    r.hold();
    r.receive(msg(5, 4, added('e', 5)));
    expect(r.applyJoin(resume(2, [msg(2, 1, added('a', 2))]))).toBe(false);
    expect(r.seq).toBe(2);
  });

  it("rebuilds a full board from a member's view, with the clinician-only fields empty", () => {
    const r = new BoardReplica();
    r.applyJoin(snapshot(1));
    expect(r.board?.flags).toEqual([]);
    expect(r.board?.turns).toEqual([]);
    expect(r.board?.crisis).toEqual(DEFAULT_CRISIS_PROTOCOL);
  });
});
