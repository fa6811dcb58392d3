import { fold, initialState, type BoardEvent, type BoardState, type Speaker } from '@hearth/shared';
import { describe, expect, it } from 'vitest';
import type { BoardActions } from '../../web/src/lib/board/BoardActions.ts';
import type { SendOutcome } from '../../web/src/lib/live/BoardConnection.svelte.ts';
import { FloorDesk } from '../../web/src/lib/participation/FloorDesk.svelte.ts';

const roster = [
  { memberId: 'm1', alias: 'Maple' },
  { memberId: 'm2', alias: 'River' }
];
const live = fold(initialState, [
  { type: 'session.created', at: 1, title: 'G', scheduledFor: null, roster },
  { type: 'session.started', at: 2 }
] satisfies BoardEvent[]);

/** Actions that record what was sent and answer when the test says. */
function actions() {
  const sent: string[] = [];
  const answers: ((o: SendOutcome) => void)[] = [];
  const send = (what: string) =>
    new Promise<SendOutcome>((resolve) => {
      sent.push(what);
      answers.push(resolve);
    });
  const fake = {
    giveFloor: (s: Speaker) => send(s.kind === 'member' ? `floor:${s.memberId}` : 'floor:facilitator'),
    endTurn: () => send('end'),
    giveFirstHand: () => send('first-hand'),
    lowerHand: (id: string) => send(`lower:${id}`)
  };
  const answerNext = async () => {
    await Promise.resolve();
    answers.shift()?.({ ok: true, duplicate: false });
    await new Promise((r) => setTimeout(r, 0));
  };
  return { actions: fake as unknown as BoardActions, sent, answerNext };
}

describe('FloorDesk', () => {
  it('gives the floor by key: 1–9 the roster in order, 0 the facilitators; a key with no member does nothing', async () => {
    let board: BoardState = live;
    const a = actions();
    const desk = new FloorDesk(a.actions, () => board);
    void desk.giveByKey(2);
    await a.answerNext();
    void desk.giveByKey(0);
    await a.answerNext();
    await desk.giveByKey(9);
    expect(a.sent).toEqual(['floor:m2', 'floor:facilitator']);
    board = { ...board, status: 'ended' };
    await desk.giveByKey(1);
    expect(a.sent).toHaveLength(2);
  });

  it('keeps one floor action in flight; the latest tap made meanwhile is sent once it is answered', async () => {
    const a = actions();
    const desk = new FloorDesk(a.actions, () => live);
    const first = desk.give({ kind: 'member', memberId: 'm1' });
    expect(desk.busy).toBe(true);
    void desk.give({ kind: 'member', memberId: 'm2' });
    void desk.give({ kind: 'facilitator' });
    expect(a.sent).toEqual(['floor:m1']);
    await a.answerNext();
    expect(a.sent).toEqual(['floor:m1', 'floor:facilitator']);
    await a.answerNext();
    await first;
    expect(desk.busy).toBe(false);
  });

  it('sends nothing that would change nothing: the floor to whoever holds it, no hands, no turn to end', async () => {
    const a = actions();
    const speaking: BoardState = { ...live, floor: { speaker: { kind: 'member', memberId: 'm1' }, since: 3 } };
    await new FloorDesk(a.actions, () => speaking).give({ kind: 'member', memberId: 'm1' });
    await new FloorDesk(a.actions, () => live).giveFirstHand();
    await new FloorDesk(a.actions, () => live).end();
    expect(a.sent).toEqual([]);
  });
});
