import { describe, expect, it } from 'vitest';
import { ErrorCode, type Actor, type BoardEvent } from '@hearth/shared';
import {
  MIN,
  SETTINGS,
  STRICT_SETTINGS,
  T0,
  coFacilitator,
  configured,
  connected,
  corrected,
  created,
  disconnected,
  facilitator,
  facilitatorSpeaker,
  floorChanged,
  gaveFloor,
  given,
  handLowered,
  handRaised,
  itemCompleted,
  itemStarted,
  live,
  liveOnA,
  member,
  memberEli,
  memberFay,
  memberSpeaker,
  outsider,
  over,
  scheduled,
  started,
  supervisor,
  turnEnded,
  type CommandInput
} from './givenWhenThen.ts';

const NOW = T0 + 30 * MIN;
const dev = memberSpeaker(member.id);
const eli = memberSpeaker(memberEli.id);
const fay = memberSpeaker(memberFay.id);

/** Live on item a; Eli raised a hand at +2 min, then Dev at +3 min. */
const handsUp: readonly BoardEvent[] = [...liveOnA, handRaised(memberEli.id, T0 + 2 * MIN), handRaised(member.id, T0 + 3 * MIN)];
/** Live on item a; Eli has held the floor since +2 min. */
const eliSpeaking: readonly BoardEvent[] = [...liveOnA, ...gaveFloor(eli, T0 + 2 * MIN, 'a')];
/** Live on item a; the facilitators have held the floor since +2 min. */
const facilitatorSpeaking: readonly BoardEvent[] = [...liveOnA, ...gaveFloor(facilitatorSpeaker, T0 + 2 * MIN, 'a')];

/** The session must exist, have started and not have ended. */
function liveSessionGuards(command: CommandInput, actor: Actor = facilitator): void {
  it('rejects before the session exists: SESSION_NOT_FOUND', () => {
    given().when(command, actor).rejects(ErrorCode.SESSION_NOT_FOUND);
  });
  it('rejects before the session starts: SESSION_NOT_LIVE', () => {
    given(...scheduled).when(command, actor).rejects(ErrorCode.SESSION_NOT_LIVE);
  });
  it('rejects after the session ended: SESSION_ENDED', () => {
    given(...over).when(command, actor).rejects(ErrorCode.SESSION_ENDED);
  });
}

/** The session must exist and not have ended; before it starts is fine. */
function openSessionGuards(command: CommandInput, actor: Actor = facilitator): void {
  it('rejects before the session exists: SESSION_NOT_FOUND', () => {
    given().when(command, actor).rejects(ErrorCode.SESSION_NOT_FOUND);
  });
  it('rejects after the session ended: SESSION_ENDED', () => {
    given(...over).when(command, actor).rejects(ErrorCode.SESSION_ENDED);
  });
}

/** Roles other than the ones allowed are refused before anything else is looked at. */
function forbiddenTo(command: CommandInput, actors: readonly Actor[], history: readonly BoardEvent[]): void {
  it(`is FORBIDDEN to ${actors.map((a) => a.role).join(' and ')}s`, () => {
    for (const actor of actors) given(...history).when(command, actor).rejects(ErrorCode.FORBIDDEN);
  });
}

describe('turn.start', () => {
  it('gives the floor to a member: a turn under the current item, and the floor change', () => {
    const state = given(...liveOnA).when({ type: 'turn.start', speaker: eli }, undefined, NOW).then(...gaveFloor(eli, NOW, 'a'));
    expect(state.turns).toEqual([{ speaker: eli, start: NOW, end: null, itemId: 'a' }]);
    expect(state.floor).toEqual({ speaker: eli, since: NOW });
  });

  it('records no item when none is current', () => {
    const state = given(...live).when({ type: 'turn.start', speaker: eli }, coFacilitator, NOW).then(...gaveFloor(eli, NOW, null));
    expect(state.turns[0]?.itemId).toBeNull();
  });

  it('records the item current at the time, not the first one', () => {
    given(...liveOnA, itemCompleted('a', T0 + 5 * MIN), itemStarted('b', T0 + 5 * MIN))
      .when({ type: 'turn.start', speaker: fay }, undefined, NOW)
      .then(...gaveFloor(fay, NOW, 'b'));
  });

  it('gives the floor to the facilitators, who are not counted as present', () => {
    const state = given(...liveOnA)
      .when({ type: 'turn.start', speaker: facilitatorSpeaker }, undefined, NOW)
      .then(...gaveFloor(facilitatorSpeaker, NOW, 'a'));
    expect(state.floor).toEqual({ speaker: facilitatorSpeaker, since: NOW });
    expect(state.present).toEqual([]);
  });

  it('makes a member who speaks present, in roster order', () => {
    const state = given(...liveOnA, connected(memberFay.id, T0 + 2 * MIN))
      .when({ type: 'turn.start', speaker: dev }, undefined, NOW)
      .then(...gaveFloor(dev, NOW, 'a'));
    expect(state.present).toEqual([member.id, memberFay.id]);
  });

  it('keeps a member who speaks again present once, not twice', () => {
    const state = given(...eliSpeaking, turnEnded(T0 + 4 * MIN), floorChanged(null, T0 + 4 * MIN))
      .when({ type: 'turn.start', speaker: eli }, undefined, NOW)
      .then(...gaveFloor(eli, NOW, 'a'));
    expect(state.present).toEqual([memberEli.id]);
    expect(state.turns.map((t) => [t.start, t.end])).toEqual([[T0 + 2 * MIN, T0 + 4 * MIN], [NOW, null]]);
  });

  it('tapping a member whose hand is up starts their turn and lowers their hand', () => {
    const state = given(...handsUp)
      .when({ type: 'turn.start', speaker: dev }, undefined, NOW)
      .then(...gaveFloor(dev, NOW, 'a'), handLowered(member.id, NOW));
    expect(state.hands).toEqual([{ memberId: memberEli.id, at: T0 + 2 * MIN }]);
    expect(state.floor?.speaker).toEqual(dev);
  });

  it('leaves hands alone when the facilitators take the floor', () => {
    const state = given(...handsUp)
      .when({ type: 'turn.start', speaker: facilitatorSpeaker }, undefined, NOW)
      .then(...gaveFloor(facilitatorSpeaker, NOW, 'a'));
    expect(state.hands.map((h) => h.memberId)).toEqual([memberEli.id, member.id]);
  });

  it('starting a turn while another is open closes the open one where the new one begins', () => {
    // decide emits no turn.ended here: evolve closes the open turn itself when the next one starts.
    const state = given(...eliSpeaking).when({ type: 'turn.start', speaker: dev }, undefined, NOW).then(...gaveFloor(dev, NOW, 'a'));
    expect(state.turns).toEqual([
      { speaker: eli, start: T0 + 2 * MIN, end: NOW, itemId: 'a' },
      { speaker: dev, start: NOW, end: null, itemId: 'a' }
    ]);
    expect(state.floor).toEqual({ speaker: dev, since: NOW });
  });

  it('hands the floor from a member to the facilitators and back', () => {
    const state = given(...eliSpeaking)
      .when({ type: 'turn.start', speaker: facilitatorSpeaker }, undefined, NOW)
      .then(...gaveFloor(facilitatorSpeaker, NOW, 'a'));
    given(...eliSpeaking, ...gaveFloor(facilitatorSpeaker, NOW, 'a'))
      .when({ type: 'turn.start', speaker: eli }, undefined, NOW + MIN)
      .then(...gaveFloor(eli, NOW + MIN, 'a'));
    expect(state.turns.map((t) => t.end)).toEqual([NOW, null]);
  });

  it('rejects the member who already holds the floor: NOTHING_CHANGED', () => {
    given(...eliSpeaking).when({ type: 'turn.start', speaker: eli }).rejects(ErrorCode.NOTHING_CHANGED);
  });

  it('rejects the facilitators when they already hold the floor, whichever of them asks: NOTHING_CHANGED', () => {
    given(...facilitatorSpeaking).when({ type: 'turn.start', speaker: facilitatorSpeaker }, coFacilitator).rejects(ErrorCode.NOTHING_CHANGED);
  });

  it('rejects a member not on the roster: MEMBER_NOT_FOUND', () => {
    given(...liveOnA).when({ type: 'turn.start', speaker: memberSpeaker(outsider.id) }).rejects(ErrorCode.MEMBER_NOT_FOUND);
    given(created(T0, 'Nobody yet', null, []), configured(), started(T0))
      .when({ type: 'turn.start', speaker: dev })
      .rejects(ErrorCode.MEMBER_NOT_FOUND);
  });

  liveSessionGuards({ type: 'turn.start', speaker: eli });
  forbiddenTo({ type: 'turn.start', speaker: dev }, [member, supervisor], liveOnA);
});

describe('turn.end', () => {
  it('ends the open turn and clears the floor for everyone', () => {
    const state = given(...eliSpeaking).when({ type: 'turn.end' }, undefined, NOW).then(turnEnded(NOW), floorChanged(null, NOW));
    expect(state.turns).toEqual([{ speaker: eli, start: T0 + 2 * MIN, end: NOW, itemId: 'a' }]);
    expect(state.floor).toBeNull();
    // Speaking made Eli present; the turn ending does not undo that.
    expect(state.present).toEqual([memberEli.id]);
  });

  it('ends the facilitators\u2019 turn, from the other co-facilitator', () => {
    given(...facilitatorSpeaking).when({ type: 'turn.end' }, coFacilitator, NOW).then(turnEnded(NOW), floorChanged(null, NOW));
  });

  it('rejects when nobody holds the floor: NOTHING_CHANGED', () => {
    given(...liveOnA).when({ type: 'turn.end' }).rejects(ErrorCode.NOTHING_CHANGED);
    given(...eliSpeaking, turnEnded(T0 + 4 * MIN), floorChanged(null, T0 + 4 * MIN)).when({ type: 'turn.end' }).rejects(ErrorCode.NOTHING_CHANGED);
  });

  liveSessionGuards({ type: 'turn.end' });
  forbiddenTo({ type: 'turn.end' }, [member, supervisor], eliSpeaking);
});

describe('hand.raise', () => {
  it('raises the sending member\u2019s own hand', () => {
    const state = given(...liveOnA).when({ type: 'hand.raise' }, member, NOW).then(handRaised(member.id, NOW));
    expect(state.hands).toEqual([{ memberId: member.id, at: NOW }]);
  });

  it('queues hands first raised first, whatever the roster order', () => {
    const state = given(...liveOnA, handRaised(memberFay.id, T0 + 2 * MIN))
      .when({ type: 'hand.raise' }, member, NOW)
      .then(handRaised(member.id, NOW));
    expect(state.hands.map((h) => h.memberId)).toEqual([memberFay.id, member.id]);
  });

  it('lets the member holding the floor raise a hand', () => {
    given(...eliSpeaking).when({ type: 'hand.raise' }, memberEli, NOW).then(handRaised(memberEli.id, NOW));
  });

  it('rejects a hand already up: NOTHING_CHANGED', () => {
    given(...handsUp).when({ type: 'hand.raise' }, member).rejects(ErrorCode.NOTHING_CHANGED);
  });

  it('rejects a member not on the roster: MEMBER_NOT_FOUND', () => {
    given(...liveOnA).when({ type: 'hand.raise' }, outsider).rejects(ErrorCode.MEMBER_NOT_FOUND);
  });

  liveSessionGuards({ type: 'hand.raise' }, member);
  forbiddenTo({ type: 'hand.raise' }, [facilitator, coFacilitator, supervisor], liveOnA);
});

describe('hand.lower', () => {
  it('lowers the sending member\u2019s own hand when no member is named', () => {
    const state = given(...handsUp).when({ type: 'hand.lower' }, member, NOW).then(handLowered(member.id, NOW));
    expect(state.hands.map((h) => h.memberId)).toEqual([memberEli.id]);
  });

  it('lowers the member\u2019s own hand when they name themselves', () => {
    given(...handsUp).when({ type: 'hand.lower', memberId: memberEli.id }, memberEli, NOW).then(handLowered(memberEli.id, NOW));
  });

  it('lowers the hand a facilitator names, keeping the others in order', () => {
    const state = given(...handsUp, handRaised(memberFay.id, T0 + 4 * MIN))
      .when({ type: 'hand.lower', memberId: member.id }, coFacilitator, NOW)
      .then(handLowered(member.id, NOW));
    expect(state.hands.map((h) => h.memberId)).toEqual([memberEli.id, memberFay.id]);
  });

  it('rejects a member lowering someone else\u2019s hand: FORBIDDEN', () => {
    given(...handsUp).when({ type: 'hand.lower', memberId: memberEli.id }, member).rejects(ErrorCode.FORBIDDEN);
    // Even with their own hand down, naming another's is refused as a matter of permission.
    given(...handsUp).when({ type: 'hand.lower', memberId: member.id }, memberFay).rejects(ErrorCode.FORBIDDEN);
  });

  it('rejects a member whose hand is not up: NOTHING_CHANGED', () => {
    given(...handsUp).when({ type: 'hand.lower' }, memberFay).rejects(ErrorCode.NOTHING_CHANGED);
    given(...liveOnA).when({ type: 'hand.lower' }, member).rejects(ErrorCode.NOTHING_CHANGED);
  });

  it('rejects a facilitator naming a hand that is not up: NOTHING_CHANGED', () => {
    given(...handsUp).when({ type: 'hand.lower', memberId: memberFay.id }).rejects(ErrorCode.NOTHING_CHANGED);
    given(...handsUp).when({ type: 'hand.lower', memberId: outsider.id }).rejects(ErrorCode.NOTHING_CHANGED);
  });

  it('rejects a facilitator naming no member: MEMBER_NOT_FOUND', () => {
    given(...handsUp).when({ type: 'hand.lower' }).rejects(ErrorCode.MEMBER_NOT_FOUND);
  });

  it('rejects before the session starts, when no hand can be up: NOTHING_CHANGED', () => {
    given(...scheduled).when({ type: 'hand.lower' }, member).rejects(ErrorCode.NOTHING_CHANGED);
  });

  it('rejects after the session ended, even a hand left up: SESSION_ENDED', () => {
    given(...handsUp, { type: 'session.ended', at: T0 + 50 * MIN }).when({ type: 'hand.lower' }, member).rejects(ErrorCode.SESSION_ENDED);
  });

  openSessionGuards({ type: 'hand.lower' }, member);
  openSessionGuards({ type: 'hand.lower', memberId: member.id });
  forbiddenTo({ type: 'hand.lower', memberId: member.id }, [supervisor], handsUp);
});

describe('floor.give_first_hand', () => {
  it('gives the floor to the first hand raised and lowers it', () => {
    const state = given(...handsUp)
      .when({ type: 'floor.give_first_hand' }, undefined, NOW)
      .then(...gaveFloor(eli, NOW, 'a'), handLowered(memberEli.id, NOW));
    expect(state.floor).toEqual({ speaker: eli, since: NOW });
    expect(state.hands.map((h) => h.memberId)).toEqual([member.id]);
    expect(state.present).toEqual([memberEli.id]);
  });

  it('goes by the order hands went up, not the roster order', () => {
    given(...liveOnA, handRaised(memberFay.id, T0 + 2 * MIN), handRaised(member.id, T0 + 3 * MIN))
      .when({ type: 'floor.give_first_hand' }, coFacilitator, NOW)
      .then(...gaveFloor(fay, NOW, 'a'), handLowered(memberFay.id, NOW));
  });

  it('takes the floor from whoever holds it, closing their turn', () => {
    const state = given(...facilitatorSpeaking, handRaised(member.id, T0 + 3 * MIN))
      .when({ type: 'floor.give_first_hand' }, undefined, NOW)
      .then(...gaveFloor(dev, NOW, 'a'), handLowered(member.id, NOW));
    expect(state.turns).toEqual([
      { speaker: facilitatorSpeaker, start: T0 + 2 * MIN, end: NOW, itemId: 'a' },
      { speaker: dev, start: NOW, end: null, itemId: 'a' }
    ]);
  });

  it('after a lowered hand, gives the floor to the next one up', () => {
    given(...handsUp, handLowered(memberEli.id, T0 + 4 * MIN))
      .when({ type: 'floor.give_first_hand' }, undefined, NOW)
      .then(...gaveFloor(dev, NOW, 'a'), handLowered(member.id, NOW));
  });

  it('only lowers the hand of a member who already holds the floor: their turn goes on', () => {
    const state = given(...eliSpeaking, handRaised(memberEli.id, T0 + 4 * MIN))
      .when({ type: 'floor.give_first_hand' }, undefined, NOW)
      .then(handLowered(memberEli.id, NOW));
    expect(state.turns.filter((t) => t.end === null)).toHaveLength(1);
    expect(state.floor?.speaker).toEqual(eli);
  });

  it('rejects when no hand is up: NO_HANDS', () => {
    given(...liveOnA).when({ type: 'floor.give_first_hand' }).rejects(ErrorCode.NO_HANDS);
    given(...handsUp, handLowered(memberEli.id, T0 + 4 * MIN), handLowered(member.id, T0 + 4 * MIN))
      .when({ type: 'floor.give_first_hand' })
      .rejects(ErrorCode.NO_HANDS);
  });

  liveSessionGuards({ type: 'floor.give_first_hand' });
  forbiddenTo({ type: 'floor.give_first_hand' }, [member, supervisor], handsUp);
});

describe('member.connect', () => {
  it('opens a connected interval for the sending member and makes them present', () => {
    const state = given(...liveOnA).when({ type: 'member.connect' }, member, NOW).then(connected(member.id, NOW));
    expect(state.attendance[member.id]).toEqual({ intervals: [{ from: NOW, to: null }], correction: null });
    expect(state.present).toEqual([member.id]);
  });

  it('records a member who joins before the session starts', () => {
    const state = given(...scheduled).when({ type: 'member.connect' }, memberFay, NOW).then(connected(memberFay.id, NOW));
    expect(state.present).toEqual([memberFay.id]);
  });

  it('keeps present in roster order, whatever the order of connection', () => {
    const state = given(...liveOnA, connected(memberFay.id, T0 + MIN))
      .when({ type: 'member.connect' }, member, NOW)
      .then(connected(member.id, NOW));
    expect(state.present).toEqual([member.id, memberFay.id]);
  });

  it('opens a second interval for a member who left and came back', () => {
    const state = given(...liveOnA, connected(member.id, T0 + MIN), disconnected(member.id, T0 + 5 * MIN))
      .when({ type: 'member.connect' }, member, NOW)
      .then(connected(member.id, NOW));
    expect(state.attendance[member.id]?.intervals).toEqual([
      { from: T0 + MIN, to: T0 + 5 * MIN },
      { from: NOW, to: null }
    ]);
  });

  it('rejects a member already connected: NOTHING_CHANGED', () => {
    given(...liveOnA, connected(member.id, T0 + MIN)).when({ type: 'member.connect' }, member).rejects(ErrorCode.NOTHING_CHANGED);
  });

  it('accepts a member who is present without a connection: speaking or a correction is not a connection', () => {
    given(...liveOnA, corrected(member.id, 'present', T0 + MIN)).when({ type: 'member.connect' }, member, NOW).then(connected(member.id, NOW));
    given(...eliSpeaking).when({ type: 'member.connect' }, memberEli, NOW).then(connected(memberEli.id, NOW));
  });

  it('leaves a member corrected to absent absent: the correction decides', () => {
    const state = given(...liveOnA, corrected(member.id, 'absent', T0 + MIN, 'Camera off, no answer'))
      .when({ type: 'member.connect' }, member, NOW)
      .then(connected(member.id, NOW));
    expect(state.present).toEqual([]);
  });

  it('rejects a member not on the roster: MEMBER_NOT_FOUND', () => {
    given(...liveOnA).when({ type: 'member.connect' }, outsider).rejects(ErrorCode.MEMBER_NOT_FOUND);
  });

  openSessionGuards({ type: 'member.connect' }, member);
  forbiddenTo({ type: 'member.connect' }, [facilitator, coFacilitator, supervisor], liveOnA);
});

describe('member.disconnect', () => {
  const devOnline: readonly BoardEvent[] = [...liveOnA, connected(member.id, T0 + MIN)];

  it('closes the sending member\u2019s open interval; they stay present', () => {
    const state = given(...devOnline).when({ type: 'member.disconnect' }, member, NOW).then(disconnected(member.id, NOW));
    expect(state.attendance[member.id]?.intervals).toEqual([{ from: T0 + MIN, to: NOW }]);
    expect(state.present).toEqual([member.id]);
  });

  it('rejects a member who is not connected: NOTHING_CHANGED', () => {
    given(...liveOnA).when({ type: 'member.disconnect' }, member).rejects(ErrorCode.NOTHING_CHANGED);
    given(...devOnline, disconnected(member.id, T0 + 2 * MIN)).when({ type: 'member.disconnect' }, member).rejects(ErrorCode.NOTHING_CHANGED);
    // Another member's connection is not theirs.
    given(...devOnline).when({ type: 'member.disconnect' }, memberFay).rejects(ErrorCode.NOTHING_CHANGED);
  });

  it('rejects a member not on the roster: MEMBER_NOT_FOUND', () => {
    given(...liveOnA).when({ type: 'member.disconnect' }, outsider).rejects(ErrorCode.MEMBER_NOT_FOUND);
  });

  openSessionGuards({ type: 'member.disconnect' }, member);
  forbiddenTo({ type: 'member.disconnect' }, [facilitator, coFacilitator, supervisor], devOnline);
});

describe('attendance.correct', () => {
  it('records a facilitator\u2019s correction with its reason and author; the member counts as present', () => {
    const state = given(...liveOnA)
      .when({ type: 'attendance.correct', memberId: memberFay.id, status: 'late', reason: '  Joined by phone  ' }, undefined, NOW)
      .then(corrected(memberFay.id, 'late', NOW, 'Joined by phone', facilitator.id));
    expect(state.attendance[memberFay.id]).toEqual({
      intervals: [],
      correction: { status: 'late', reason: 'Joined by phone', by: facilitator.id, at: NOW }
    });
    expect(state.present).toEqual([memberFay.id]);
  });

  it('corrects before the session starts, keeping present in roster order', () => {
    const state = given(...scheduled, connected(memberFay.id, T0))
      .when({ type: 'attendance.correct', memberId: memberEli.id, status: 'present', reason: '' }, coFacilitator, NOW)
      .then(corrected(memberEli.id, 'present', NOW, '', coFacilitator.id));
    expect(state.present).toEqual([memberEli.id, memberFay.id]);
  });

  it('corrects to absent a member who connected, keeping their intervals', () => {
    const state = given(...liveOnA, connected(member.id, T0 + MIN), connected(memberFay.id, T0 + MIN))
      .when({ type: 'attendance.correct', memberId: member.id, status: 'absent', reason: 'Wrong link: another group' }, undefined, NOW)
      .then(corrected(member.id, 'absent', NOW, 'Wrong link: another group'));
    expect(state.present).toEqual([memberFay.id]);
    expect(state.attendance[member.id]?.intervals).toEqual([{ from: T0 + MIN, to: null }]);
  });

  it('corrects after the session ended, when attendance is reviewed', () => {
    given(...over)
      .when({ type: 'attendance.correct', memberId: member.id, status: 'left-early', reason: 'Left at the break' }, undefined, T0 + 100 * MIN)
      .then(corrected(member.id, 'left-early', T0 + 100 * MIN, 'Left at the break'));
  });

  it('accepts a new reason for the same status, and a new status for the same reason', () => {
    const history = [...liveOnA, corrected(member.id, 'late', T0 + MIN, 'Bus')];
    given(...history).when({ type: 'attendance.correct', memberId: member.id, status: 'late', reason: 'Train' }, undefined, NOW).then(corrected(member.id, 'late', NOW, 'Train'));
    given(...history).when({ type: 'attendance.correct', memberId: member.id, status: 'present', reason: 'Bus' }, undefined, NOW).then(corrected(member.id, 'present', NOW, 'Bus'));
  });

  it('rejects the correction already in place, whoever made it: NOTHING_CHANGED', () => {
    given(...liveOnA, corrected(member.id, 'late', T0 + MIN, 'Bus', coFacilitator.id))
      .when({ type: 'attendance.correct', memberId: member.id, status: 'late', reason: ' Bus ' })
      .rejects(ErrorCode.NOTHING_CHANGED);
  });

  it('accepts a correction that agrees with presence: it pins the status', () => {
    given(...liveOnA, connected(member.id, T0 + MIN))
      .when({ type: 'attendance.correct', memberId: member.id, status: 'present', reason: '' }, undefined, NOW)
      .then(corrected(member.id, 'present', NOW));
  });

  it('rejects a member not on the roster: MEMBER_NOT_FOUND', () => {
    given(...liveOnA).when({ type: 'attendance.correct', memberId: outsider.id, status: 'present', reason: '' }).rejects(ErrorCode.MEMBER_NOT_FOUND);
  });

  it('rejects before the session exists: SESSION_NOT_FOUND', () => {
    given().when({ type: 'attendance.correct', memberId: member.id, status: 'present', reason: '' }).rejects(ErrorCode.SESSION_NOT_FOUND);
  });

  forbiddenTo({ type: 'attendance.correct', memberId: member.id, status: 'present', reason: '' }, [member, supervisor], liveOnA);
});

describe('participation.configure', () => {
  it('changes the group\u2019s nudge settings during the session', () => {
    const state = given(...liveOnA)
      .when({ type: 'participation.configure', settings: STRICT_SETTINGS }, undefined, NOW)
      .then({ type: 'participation.configured', at: NOW, settings: STRICT_SETTINGS });
    expect(state.settings).toEqual(STRICT_SETTINGS);
  });

  it('changes them before the session starts, and back to the defaults', () => {
    given(...scheduled, configured(STRICT_SETTINGS, T0 + MIN))
      .when({ type: 'participation.configure', settings: SETTINGS }, coFacilitator, NOW)
      .then({ type: 'participation.configured', at: NOW, settings: SETTINGS });
  });

  it('rejects settings equal to the current ones: NOTHING_CHANGED', () => {
    given(...liveOnA, configured(STRICT_SETTINGS, T0 + MIN))
      .when({ type: 'participation.configure', settings: { ...STRICT_SETTINGS } })
      .rejects(ErrorCode.NOTHING_CHANGED);
  });

  openSessionGuards({ type: 'participation.configure', settings: STRICT_SETTINGS });
  forbiddenTo({ type: 'participation.configure', settings: STRICT_SETTINGS }, [member, supervisor], liveOnA);
});

describe('a round of sharing, command by command', () => {
  it('ends with the turns in order, nobody on the floor, no hands up and the speakers present', () => {
    const log: BoardEvent[] = [...liveOnA];
    const step = (command: CommandInput, actor: Actor, at: number): void => {
      const { decision } = given(...log).when(command, actor, at);
      if (!decision.ok) throw new Error(`${command.type} rejected: ${decision.rejection.code}`);
      log.push(...decision.events);
    };
    step({ type: 'member.connect' }, memberFay, T0 + 2 * MIN);
    step({ type: 'hand.raise' }, member, T0 + 3 * MIN);
    step({ type: 'hand.raise' }, memberEli, T0 + 4 * MIN);
    step({ type: 'floor.give_first_hand' }, facilitator, T0 + 5 * MIN);
    step({ type: 'floor.give_first_hand' }, coFacilitator, T0 + 9 * MIN);
    step({ type: 'turn.start', speaker: facilitatorSpeaker }, facilitator, T0 + 12 * MIN);
    step({ type: 'session.end' }, facilitator, T0 + 14 * MIN);
    const { state } = given(...log);
    expect(state.turns).toEqual([
      { speaker: dev, start: T0 + 5 * MIN, end: T0 + 9 * MIN, itemId: 'a' },
      { speaker: eli, start: T0 + 9 * MIN, end: T0 + 12 * MIN, itemId: 'a' },
      { speaker: facilitatorSpeaker, start: T0 + 12 * MIN, end: T0 + 14 * MIN, itemId: 'a' }
    ]);
    expect(state).toMatchObject({ status: 'ended', floor: null, hands: [], present: [member.id, memberEli.id, memberFay.id] });
  });
});
