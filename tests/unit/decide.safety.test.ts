import { describe, expect, it } from 'vitest';
import { Command, DEFAULT_CRISIS_PROTOCOL, ErrorCode, SAFETY_LIMITS, type Actor, type BoardEvent, type BoardState, type Flag } from '@hearth/shared';
import {
  CRISIS,
  MIN,
  SHORT_CRISIS,
  T0,
  coFacilitator,
  configured,
  connected,
  corrected,
  created,
  crisisConfigured,
  cueAcknowledged,
  cueSent,
  disconnected,
  facilitator,
  flagAcknowledged,
  flagFollowedUp,
  flagRaised,
  flagResolved,
  gaveFloor,
  given,
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
  stepChecked,
  supervisor,
  type CommandInput
} from './givenWhenThen.ts';

const NOW = T0 + 30 * MIN;
const LATER = T0 + 120 * MIN;

/** A crisis flag about Dev, raised by Ana (`facilitator`) during item a. */
const crisisRaised = flagRaised('f1', T0 + 2 * MIN, { category: 'safety-risk', severity: 'crisis', note: 'Spoke of ending it', itemId: 'a' });
/** A moderate flag about Eli and Fay, raised by Ben (`coFacilitator`). */
const conflictRaised = flagRaised('f2', T0 + 3 * MIN, {
  category: 'interpersonal-conflict',
  severity: 'moderate',
  memberIds: [memberEli.id, memberFay.id],
  note: 'Raised voices',
  itemId: 'a',
  by: coFacilitator.id
});
const withFlags: readonly BoardEvent[] = [...liveOnA, crisisRaised, conflictRaised];
/** The same flags, the session since ended. */
const overWithFlags: readonly BoardEvent[] = [...withFlags, { type: 'session.ended', at: T0 + 90 * MIN }];
const withCue: readonly BoardEvent[] = [...liveOnA, cueSent('q1', 'Slow the round down', T0 + 4 * MIN)];

const flagOf = (state: BoardState, flagId: string): Flag | undefined => state.flags.find((f) => f.id === flagId);

/** One command of each flag and cue type, aimed at what `withFlags` + `withCue` hold. */
const SAFETY_COMMANDS: readonly CommandInput[] = [
  { type: 'flag.raise', flagId: 'f9', category: 'other', severity: 'low', memberIds: [], note: '' },
  { type: 'flag.acknowledge', flagId: 'f1' },
  { type: 'flag.follow_up', flagId: 'f1', note: 'Called' },
  { type: 'flag.check_step', flagId: 'f1', stepId: 'safety' },
  { type: 'flag.resolve', flagId: 'f1', outcome: 'Safe' },
  { type: 'cue.send', cueId: 'q9', text: 'Hello' },
  { type: 'cue.acknowledge', cueId: 'q1' }
];
const everything: readonly BoardEvent[] = [...withFlags, cueSent('q1', 'Slow the round down', T0 + 4 * MIN)];

describe('flag.raise', () => {
  it('raises a flag under the current item, by whoever raised it', () => {
    const state = given(...liveOnA)
      .when({ type: 'flag.raise', flagId: 'f1', category: 'safety-risk', severity: 'crisis', memberIds: [member.id], note: '  Spoke of ending it ' }, undefined, NOW)
      .then({
        type: 'flag.raised',
        at: NOW,
        flagId: 'f1',
        category: 'safety-risk',
        severity: 'crisis',
        memberIds: [member.id],
        note: 'Spoke of ending it',
        itemId: 'a',
        by: facilitator.id
      });
    expect(state.flags).toEqual([
      {
        id: 'f1',
        category: 'safety-risk',
        severity: 'crisis',
        memberIds: [member.id],
        note: 'Spoke of ending it',
        itemId: 'a',
        raisedBy: facilitator.id,
        raisedAt: NOW,
        acknowledged: null,
        followUps: [],
        steps: [],
        resolved: null
      }
    ]);
  });

  it('records no item when none is current, and the co-facilitator as the one who raised it', () => {
    given(...live)
      .when({ type: 'flag.raise', flagId: 'f1', category: 'disruption', severity: 'low', memberIds: [], note: '' }, coFacilitator, NOW)
      .then(flagRaised('f1', NOW, { category: 'disruption', severity: 'low', memberIds: [], note: '', itemId: null, by: coFacilitator.id }));
  });

  it('names several members, in the order given, and keeps flags in the order raised', () => {
    const state = given(...liveOnA, crisisRaised)
      .when({ type: 'flag.raise', flagId: 'f2', category: 'interpersonal-conflict', severity: 'moderate', memberIds: [memberFay.id, memberEli.id], note: 'x' }, undefined, NOW)
      .then(flagRaised('f2', NOW, { category: 'interpersonal-conflict', memberIds: [memberFay.id, memberEli.id], note: 'x', itemId: 'a' }));
    expect(state.flags.map((f) => f.id)).toEqual(['f1', 'f2']);
  });

  it('rejects an id in use, even by a resolved flag: FLAG_EXISTS', () => {
    const command: CommandInput = { type: 'flag.raise', flagId: 'f1', category: 'other', severity: 'low', memberIds: [], note: '' };
    given(...withFlags).when(command).rejects(ErrorCode.FLAG_EXISTS);
    given(...withFlags, flagResolved('f1', 'Safe', T0 + 5 * MIN)).when(command).rejects(ErrorCode.FLAG_EXISTS);
  });

  it('rejects a member off the roster (MEMBER_NOT_FOUND), or a member named twice (DUPLICATE_ID)', () => {
    const raise = (memberIds: string[]): CommandInput => ({ type: 'flag.raise', flagId: 'f9', category: 'distress', severity: 'high', memberIds, note: '' });
    given(...liveOnA).when(raise([outsider.id])).rejects(ErrorCode.MEMBER_NOT_FOUND);
    given(...liveOnA).when(raise([member.id, outsider.id])).rejects(ErrorCode.MEMBER_NOT_FOUND);
    given(...liveOnA).when(raise([member.id, member.id])).rejects(ErrorCode.DUPLICATE_ID);
    given(created(T0, 'Nobody yet', null, []), configured(), crisisConfigured(), started(T0)).when(raise([member.id])).rejects(ErrorCode.MEMBER_NOT_FOUND);
  });

  it(`accepts the ${SAFETY_LIMITS.maxFlags}th flag and rejects the next: LIMIT_REACHED`, () => {
    const flags = (n: number) => Array.from({ length: n }, (_, k) => flagRaised(`f${k}`, T0 + MIN, { memberIds: [] }));
    const command: CommandInput = { type: 'flag.raise', flagId: 'last', category: 'other', severity: 'low', memberIds: [], note: '' };
    given(...liveOnA, ...flags(SAFETY_LIMITS.maxFlags - 1)).when(command, undefined, NOW).then(flagRaised('last', NOW, { category: 'other', severity: 'low', memberIds: [], note: '', itemId: 'a' }));
    given(...liveOnA, ...flags(SAFETY_LIMITS.maxFlags)).when(command).rejects(ErrorCode.LIMIT_REACHED);
  });

  it('is raised only while the session is live', () => {
    const command: CommandInput = { type: 'flag.raise', flagId: 'f9', category: 'other', severity: 'low', memberIds: [], note: '' };
    given().when(command).rejects(ErrorCode.SESSION_NOT_FOUND);
    given(...scheduled).when(command).rejects(ErrorCode.SESSION_NOT_LIVE);
    given(...over).when(command).rejects(ErrorCode.SESSION_ENDED);
  });

  it('is FORBIDDEN to members and supervisors', () => {
    const command: CommandInput = { type: 'flag.raise', flagId: 'f9', category: 'distress', severity: 'crisis', memberIds: [member.id], note: '' };
    for (const actor of [member, memberEli, supervisor]) given(...liveOnA).when(command, actor).rejects(ErrorCode.FORBIDDEN);
  });
});

describe('flag.acknowledge', () => {
  it('is acknowledged by the co-facilitator', () => {
    const state = given(...withFlags).when({ type: 'flag.acknowledge', flagId: 'f1' }, coFacilitator, NOW).then(flagAcknowledged('f1', NOW, coFacilitator.id));
    expect(flagOf(state, 'f1')?.acknowledged).toEqual({ by: coFacilitator.id, at: NOW, solo: false });
    expect(flagOf(state, 'f2')?.acknowledged).toBeNull();
  });

  it('is acknowledged by the supervisor', () => {
    given(...withFlags).when({ type: 'flag.acknowledge', flagId: 'f2' }, supervisor, NOW).then(flagAcknowledged('f2', NOW, supervisor.id));
  });

  it('is acknowledged after the session ended, and after it was resolved', () => {
    given(...overWithFlags).when({ type: 'flag.acknowledge', flagId: 'f1' }, coFacilitator, LATER).then(flagAcknowledged('f1', LATER, coFacilitator.id));
    given(...withFlags, flagResolved('f2', 'Talked it through', T0 + 5 * MIN))
      .when({ type: 'flag.acknowledge', flagId: 'f2' }, facilitator, NOW)
      .then(flagAcknowledged('f2', NOW, facilitator.id));
  });

  it('rejects whoever raised the flag within the protocol\'s wait: OWN_FLAG', () => {
    // f1 raised at T0 + 2 min, f2 at T0 + 3 min; the default wait is 60 s.
    given(...withFlags).when({ type: 'flag.acknowledge', flagId: 'f1' }, facilitator, T0 + 2 * MIN + 59_999).rejects(ErrorCode.OWN_FLAG);
    given(...withFlags).when({ type: 'flag.acknowledge', flagId: 'f2' }, coFacilitator, T0 + 3 * MIN + 1000).rejects(ErrorCode.OWN_FLAG);
  });

  it('lets the raiser acknowledge it after the wait with nobody else, recorded as solo', () => {
    const at = T0 + 3 * MIN;
    const state = given(...withFlags)
      .when({ type: 'flag.acknowledge', flagId: 'f1' }, facilitator, at)
      .then({ type: 'flag.acknowledged', at, flagId: 'f1', by: facilitator.id, solo: true });
    expect(flagOf(state, 'f1')?.acknowledged).toEqual({ by: facilitator.id, at, solo: true });
  });

  it('waits as long as the session\'s protocol says', () => {
    const slow: BoardEvent = { type: 'crisis.configured', at: T0, protocol: { ...DEFAULT_CRISIS_PROTOCOL, soloAcknowledgeAfterSeconds: 300 } };
    given(...withFlags, slow).when({ type: 'flag.acknowledge', flagId: 'f1' }, facilitator, T0 + 6 * MIN).rejects(ErrorCode.OWN_FLAG);
    given(...withFlags, slow)
      .when({ type: 'flag.acknowledge', flagId: 'f1' }, facilitator, T0 + 7 * MIN)
      .then({ type: 'flag.acknowledged', at: T0 + 7 * MIN, flagId: 'f1', by: facilitator.id, solo: true });
  });

  it('rejects a second acknowledgement, from anyone: NOTHING_CHANGED', () => {
    const acked = [...withFlags, flagAcknowledged('f1', T0 + 5 * MIN, coFacilitator.id)];
    for (const actor of [coFacilitator, supervisor, facilitator]) given(...acked).when({ type: 'flag.acknowledge', flagId: 'f1' }, actor).rejects(ErrorCode.NOTHING_CHANGED);
  });

  it('rejects an unknown flag: FLAG_NOT_FOUND', () => {
    given(...withFlags).when({ type: 'flag.acknowledge', flagId: 'f9' }, coFacilitator).rejects(ErrorCode.FLAG_NOT_FOUND);
  });

  it('rejects before the session starts: SESSION_NOT_LIVE (SESSION_NOT_FOUND before it exists)', () => {
    given(...scheduled).when({ type: 'flag.acknowledge', flagId: 'f1' }, coFacilitator).rejects(ErrorCode.SESSION_NOT_LIVE);
    given().when({ type: 'flag.acknowledge', flagId: 'f1' }, coFacilitator).rejects(ErrorCode.SESSION_NOT_FOUND);
  });

  it('is FORBIDDEN to members', () => {
    given(...withFlags).when({ type: 'flag.acknowledge', flagId: 'f1' }, member).rejects(ErrorCode.FORBIDDEN);
  });
});

describe('flag.follow_up', () => {
  it('appends follow-ups in order, from either facilitator or the supervisor, the raiser included', () => {
    let state = given(...withFlags).when({ type: 'flag.follow_up', flagId: 'f1', note: ' Stayed after group ' }, facilitator, NOW).then(flagFollowedUp('f1', 'Stayed after group', NOW, facilitator.id));
    const history = [...withFlags, flagFollowedUp('f1', 'Stayed after group', NOW, facilitator.id)];
    state = given(...history).when({ type: 'flag.follow_up', flagId: 'f1', note: 'Spoke with the on-call' }, supervisor, NOW + MIN).then(flagFollowedUp('f1', 'Spoke with the on-call', NOW + MIN, supervisor.id));
    expect(flagOf(state, 'f1')?.followUps).toEqual([
      { note: 'Stayed after group', by: facilitator.id, at: NOW },
      { note: 'Spoke with the on-call', by: supervisor.id, at: NOW + MIN }
    ]);
  });

  it('follows up after the session ended, and after the flag was resolved', () => {
    given(...overWithFlags).when({ type: 'flag.follow_up', flagId: 'f2', note: 'Met both' }, coFacilitator, LATER).then(flagFollowedUp('f2', 'Met both', LATER, coFacilitator.id));
    given(...overWithFlags, flagResolved('f2', 'Repaired', LATER))
      .when({ type: 'flag.follow_up', flagId: 'f2', note: 'Still fine a week on' }, facilitator, LATER + MIN)
      .then(flagFollowedUp('f2', 'Still fine a week on', LATER + MIN));
  });

  it('refuses an empty note at the edge', () => {
    expect(Command.safeParse({ type: 'flag.follow_up', flagId: 'f1', note: '   ' }).success).toBe(false);
  });

  it('rejects an unknown flag: FLAG_NOT_FOUND', () => {
    given(...withFlags).when({ type: 'flag.follow_up', flagId: 'f9', note: 'x' }).rejects(ErrorCode.FLAG_NOT_FOUND);
  });

  it('rejects before the session starts: SESSION_NOT_LIVE', () => {
    given(...scheduled).when({ type: 'flag.follow_up', flagId: 'f1', note: 'x' }).rejects(ErrorCode.SESSION_NOT_LIVE);
  });

  it('is FORBIDDEN to members', () => {
    given(...withFlags).when({ type: 'flag.follow_up', flagId: 'f1', note: 'x' }, member).rejects(ErrorCode.FORBIDDEN);
  });
});

describe('flag.check_step', () => {
  it('records the step with its label from the protocol, who checked it and when, into the flag\u2019s history', () => {
    const state = given(...withFlags)
      .when({ type: 'flag.check_step', flagId: 'f1', stepId: 'on-call' }, coFacilitator, NOW)
      .then(stepChecked('f1', 'on-call', 'Contact the on-call clinician', NOW, coFacilitator.id));
    expect(flagOf(state, 'f1')?.steps).toEqual([{ stepId: 'on-call', label: 'Contact the on-call clinician', by: coFacilitator.id, at: NOW }]);
  });

  it('takes labels from the session\u2019s own protocol, and steps in any order', () => {
    const history = [created(), configured(), crisisConfigured(SHORT_CRISIS), started(T0), crisisRaised];
    given(...history).when({ type: 'flag.check_step', flagId: 'f1', stepId: 'stay' }, undefined, NOW).then(stepChecked('f1', 'stay', 'Stay with the member', NOW));
    // The default protocol's steps are not this session's.
    given(...history).when({ type: 'flag.check_step', flagId: 'f1', stepId: 'safety' }).rejects(ErrorCode.STEP_NOT_FOUND);
  });

  it('checks steps after the session ended while the flag is open', () => {
    given(...overWithFlags).when({ type: 'flag.check_step', flagId: 'f1', stepId: 'document' }, undefined, LATER).then(stepChecked('f1', 'document', 'Document what happened and what was done', LATER));
  });

  it('rejects a step already checked, by anyone: NOTHING_CHANGED', () => {
    const checked = [...withFlags, stepChecked('f1', 'safety', 'Ensure immediate safety', T0 + 5 * MIN, coFacilitator.id)];
    given(...checked).when({ type: 'flag.check_step', flagId: 'f1', stepId: 'safety' }).rejects(ErrorCode.NOTHING_CHANGED);
  });

  it('rejects a flag that is not a crisis: NOT_CRISIS', () => {
    given(...withFlags).when({ type: 'flag.check_step', flagId: 'f2', stepId: 'safety' }).rejects(ErrorCode.NOT_CRISIS);
  });

  it('rejects a step not in the checklist: STEP_NOT_FOUND', () => {
    given(...withFlags).when({ type: 'flag.check_step', flagId: 'f1', stepId: 'call' }).rejects(ErrorCode.STEP_NOT_FOUND);
  });

  it('rejects a resolved flag: FLAG_RESOLVED', () => {
    given(...withFlags, flagResolved('f1', 'Safe', T0 + 5 * MIN)).when({ type: 'flag.check_step', flagId: 'f1', stepId: 'safety' }).rejects(ErrorCode.FLAG_RESOLVED);
  });

  it('rejects an unknown flag: FLAG_NOT_FOUND', () => {
    given(...withFlags).when({ type: 'flag.check_step', flagId: 'f9', stepId: 'safety' }).rejects(ErrorCode.FLAG_NOT_FOUND);
  });

  it('rejects before the session starts: SESSION_NOT_LIVE', () => {
    given(...scheduled).when({ type: 'flag.check_step', flagId: 'f1', stepId: 'safety' }).rejects(ErrorCode.SESSION_NOT_LIVE);
  });

  it('is FORBIDDEN to members and supervisors', () => {
    for (const actor of [member, supervisor]) given(...withFlags).when({ type: 'flag.check_step', flagId: 'f1', stepId: 'safety' }, actor).rejects(ErrorCode.FORBIDDEN);
  });
});

describe('flag.resolve', () => {
  it('resolves a flag with its outcome, acknowledged or not, by whoever raised it too', () => {
    const state = given(...withFlags).when({ type: 'flag.resolve', flagId: 'f1', outcome: ' Safety plan made ' }, facilitator, NOW).then(flagResolved('f1', 'Safety plan made', NOW));
    expect(flagOf(state, 'f1')?.resolved).toEqual({ outcome: 'Safety plan made', by: facilitator.id, at: NOW });
    expect(flagOf(state, 'f2')?.resolved).toBeNull();
  });

  it('resolves after the session ended', () => {
    given(...overWithFlags).when({ type: 'flag.resolve', flagId: 'f2', outcome: 'Repaired' }, coFacilitator, LATER).then(flagResolved('f2', 'Repaired', LATER, coFacilitator.id));
  });

  it('rejects a second resolution: FLAG_RESOLVED', () => {
    given(...overWithFlags, flagResolved('f2', 'Repaired', LATER)).when({ type: 'flag.resolve', flagId: 'f2', outcome: 'Again' }).rejects(ErrorCode.FLAG_RESOLVED);
  });

  it('rejects an unknown flag: FLAG_NOT_FOUND', () => {
    given(...withFlags).when({ type: 'flag.resolve', flagId: 'f9', outcome: 'x' }).rejects(ErrorCode.FLAG_NOT_FOUND);
  });

  it('rejects before the session starts: SESSION_NOT_LIVE', () => {
    given(...scheduled).when({ type: 'flag.resolve', flagId: 'f1', outcome: 'x' }).rejects(ErrorCode.SESSION_NOT_LIVE);
  });

  it('is FORBIDDEN to members and supervisors', () => {
    for (const actor of [member, supervisor]) given(...withFlags).when({ type: 'flag.resolve', flagId: 'f1', outcome: 'x' }, actor).rejects(ErrorCode.FORBIDDEN);
  });
});

describe('cue.send', () => {
  it('sends the supervisor\u2019s cue to the facilitators', () => {
    const state = given(...liveOnA).when({ type: 'cue.send', cueId: 'q1', text: '  Invite Fay in  ' }, supervisor, NOW).then(cueSent('q1', 'Invite Fay in', NOW));
    expect(state.cues).toEqual([{ id: 'q1', text: 'Invite Fay in', by: supervisor.id, at: NOW, acknowledged: null }]);
  });

  it('keeps cues in the order sent', () => {
    const state = given(...withCue).when({ type: 'cue.send', cueId: 'q2', text: 'Good' }, supervisor, NOW).then(cueSent('q2', 'Good', NOW));
    expect(state.cues.map((c) => c.id)).toEqual(['q1', 'q2']);
  });

  it('rejects an id in use: CUE_EXISTS', () => {
    given(...withCue).when({ type: 'cue.send', cueId: 'q1', text: 'Again' }, supervisor).rejects(ErrorCode.CUE_EXISTS);
  });

  it(`accepts the ${SAFETY_LIMITS.maxCues}th cue and rejects the next: LIMIT_REACHED`, () => {
    const cues = (n: number) => Array.from({ length: n }, (_, k) => cueSent(`q${k}`, 'x', T0 + MIN));
    given(...liveOnA, ...cues(SAFETY_LIMITS.maxCues - 1)).when({ type: 'cue.send', cueId: 'last', text: 'x' }, supervisor, NOW).then(cueSent('last', 'x', NOW));
    given(...liveOnA, ...cues(SAFETY_LIMITS.maxCues)).when({ type: 'cue.send', cueId: 'last', text: 'x' }, supervisor).rejects(ErrorCode.LIMIT_REACHED);
  });

  it('is sent only while the session is live', () => {
    given().when({ type: 'cue.send', cueId: 'q1', text: 'x' }, supervisor).rejects(ErrorCode.SESSION_NOT_FOUND);
    given(...scheduled).when({ type: 'cue.send', cueId: 'q1', text: 'x' }, supervisor).rejects(ErrorCode.SESSION_NOT_LIVE);
    given(...over).when({ type: 'cue.send', cueId: 'q1', text: 'x' }, supervisor).rejects(ErrorCode.SESSION_ENDED);
  });

  it('refuses an empty or overlong cue at the edge', () => {
    expect(Command.safeParse({ type: 'cue.send', cueId: 'q1', text: '  ' }).success).toBe(false);
    expect(Command.safeParse({ type: 'cue.send', cueId: 'q1', text: 'x'.repeat(SAFETY_LIMITS.cueLength + 1) }).success).toBe(false);
  });

  it('is FORBIDDEN to facilitators and members: cues are the supervisor\u2019s', () => {
    for (const actor of [facilitator, coFacilitator, member]) given(...liveOnA).when({ type: 'cue.send', cueId: 'q1', text: 'x' }, actor).rejects(ErrorCode.FORBIDDEN);
  });
});

describe('cue.acknowledge', () => {
  it('is acknowledged by either facilitator', () => {
    const state = given(...withCue).when({ type: 'cue.acknowledge', cueId: 'q1' }, coFacilitator, NOW).then(cueAcknowledged('q1', NOW, coFacilitator.id));
    expect(state.cues[0]?.acknowledged).toEqual({ by: coFacilitator.id, at: NOW });
  });

  it('is acknowledged after the session ended', () => {
    given(...withCue, { type: 'session.ended', at: T0 + 90 * MIN }).when({ type: 'cue.acknowledge', cueId: 'q1' }, facilitator, LATER).then(cueAcknowledged('q1', LATER));
  });

  it('rejects a second acknowledgement: NOTHING_CHANGED', () => {
    given(...withCue, cueAcknowledged('q1', T0 + 5 * MIN)).when({ type: 'cue.acknowledge', cueId: 'q1' }, coFacilitator).rejects(ErrorCode.NOTHING_CHANGED);
  });

  it('rejects an unknown cue: CUE_NOT_FOUND', () => {
    given(...withCue).when({ type: 'cue.acknowledge', cueId: 'q9' }).rejects(ErrorCode.CUE_NOT_FOUND);
    given(...scheduled).when({ type: 'cue.acknowledge', cueId: 'q1' }).rejects(ErrorCode.CUE_NOT_FOUND);
  });

  it('rejects before the session exists: SESSION_NOT_FOUND', () => {
    given().when({ type: 'cue.acknowledge', cueId: 'q1' }).rejects(ErrorCode.SESSION_NOT_FOUND);
  });

  it('is FORBIDDEN to members and supervisors', () => {
    for (const actor of [member, supervisor]) given(...withCue).when({ type: 'cue.acknowledge', cueId: 'q1' }, actor).rejects(ErrorCode.FORBIDDEN);
  });
});

describe('members and flags or cues', () => {
  it.each([
    ['scheduled', scheduled],
    ['live with flags and a cue', everything],
    ['ended with flags', overWithFlags]
  ] as const)('refuse every flag and cue command from any member when %s: FORBIDDEN', (_name, history) => {
    for (const command of SAFETY_COMMANDS) {
      for (const actor of [member, memberEli, memberFay, outsider]) given(...history).when(command, actor).rejects(ErrorCode.FORBIDDEN);
    }
  });
});

describe('a crisis, command by command', () => {
  it('works through the checklist into the flag\u2019s history, then closes it', () => {
    const log: BoardEvent[] = [...liveOnA];
    const step = (command: CommandInput, actor: Actor, at: number): void => {
      const { decision } = given(...log).when(command, actor, at);
      if (!decision.ok) throw new Error(`${command.type} rejected: ${decision.rejection.code}`);
      log.push(...decision.events);
    };
    step({ type: 'flag.raise', flagId: 'f1', category: 'safety-risk', severity: 'crisis', memberIds: [member.id], note: 'Plan disclosed' }, facilitator, T0 + 5 * MIN);
    step({ type: 'flag.acknowledge', flagId: 'f1' }, supervisor, T0 + 5 * MIN + 20_000);
    CRISIS.checklist.forEach((s, n) => step({ type: 'flag.check_step', flagId: 'f1', stepId: s.id }, n % 2 ? coFacilitator : facilitator, T0 + (6 + n) * MIN));
    step({ type: 'cue.send', cueId: 'q1', text: 'Ben: keep the group going' }, supervisor, T0 + 6 * MIN);
    step({ type: 'cue.acknowledge', cueId: 'q1' }, coFacilitator, T0 + 7 * MIN);
    step({ type: 'session.end' }, facilitator, T0 + 60 * MIN);
    step({ type: 'flag.follow_up', flagId: 'f1', note: 'Seen by the on-call team' }, facilitator, T0 + 70 * MIN);
    step({ type: 'flag.resolve', flagId: 'f1', outcome: 'Safety plan in place' }, coFacilitator, T0 + 80 * MIN);

    const { state } = given(...log);
    expect(flagOf(state, 'f1')).toEqual({
      id: 'f1',
      category: 'safety-risk',
      severity: 'crisis',
      memberIds: [member.id],
      note: 'Plan disclosed',
      itemId: 'a',
      raisedBy: facilitator.id,
      raisedAt: T0 + 5 * MIN,
      acknowledged: { by: supervisor.id, at: T0 + 5 * MIN + 20_000, solo: false },
      followUps: [{ note: 'Seen by the on-call team', by: facilitator.id, at: T0 + 70 * MIN }],
      steps: CRISIS.checklist.map((s, n) => ({ stepId: s.id, label: s.label, by: n % 2 ? coFacilitator.id : facilitator.id, at: T0 + (6 + n) * MIN })),
      resolved: { outcome: 'Safety plan in place', by: coFacilitator.id, at: T0 + 80 * MIN }
    });
    expect(state.cues).toEqual([{ id: 'q1', text: 'Ben: keep the group going', by: supervisor.id, at: T0 + 6 * MIN, acknowledged: { by: coFacilitator.id, at: T0 + 7 * MIN } }]);
    given(...log).when({ type: 'flag.check_step', flagId: 'f1', stepId: 'safety' }).rejects(ErrorCode.FLAG_RESOLVED);
  });
});

describe('attendance from presence and corrections', () => {
  it('records each connection as an interval: connect, drop, reconnect, leave', () => {
    const log: BoardEvent[] = [...scheduled];
    const step = (type: 'member.connect' | 'member.disconnect', at: number) => {
      const { decision } = given(...log).when({ type }, member, at);
      if (!decision.ok) throw new Error(decision.rejection.code);
      expect(decision.events).toEqual([(type === 'member.connect' ? connected : disconnected)(member.id, at)]);
      log.push(...decision.events);
    };
    step('member.connect', T0 - 2 * MIN);
    log.push(started(T0));
    step('member.disconnect', T0 + 10 * MIN);
    step('member.connect', T0 + 12 * MIN);
    step('member.disconnect', T0 + 50 * MIN);
    const { state } = given(...log);
    expect(state.attendance[member.id]).toEqual({
      intervals: [
        { from: T0 - 2 * MIN, to: T0 + 10 * MIN },
        { from: T0 + 12 * MIN, to: T0 + 50 * MIN }
      ],
      correction: null
    });
    expect(state.present).toEqual([member.id]);
  });

  it('a correction overrides presence either way, and a later connection does not undo it', () => {
    const history = [...liveOnA, connected(member.id, T0 + MIN)];
    let state = given(...history).when({ type: 'attendance.correct', memberId: member.id, status: 'absent', reason: 'Another group\u2019s link' }, undefined, NOW).then(corrected(member.id, 'absent', NOW, 'Another group\u2019s link'));
    expect(state.present).toEqual([]);
    state = given(...history, corrected(member.id, 'absent', NOW), disconnected(member.id, NOW + MIN))
      .when({ type: 'member.connect' }, member, NOW + 2 * MIN)
      .then(connected(member.id, NOW + 2 * MIN));
    expect(state.present).toEqual([]);
    state = given(...liveOnA).when({ type: 'attendance.correct', memberId: memberFay.id, status: 'left-early', reason: 'By phone, left at 6' }, undefined, NOW).then(corrected(memberFay.id, 'left-early', NOW, 'By phone, left at 6'));
    expect(state.present).toEqual([memberFay.id]);
  });

  it('present is recomputed: speaking counts without a connection, a correction decides, and the latest correction wins', () => {
    const eli = memberSpeaker(memberEli.id);
    let state = given(...liveOnA).when({ type: 'turn.start', speaker: eli }, undefined, NOW).then(...gaveFloor(eli, NOW, 'a'));
    expect(state.present).toEqual([memberEli.id]);
    const spoke = [...liveOnA, ...gaveFloor(eli, NOW, 'a')];
    state = given(...spoke).when({ type: 'attendance.correct', memberId: memberEli.id, status: 'absent', reason: 'Mis-tap' }, undefined, NOW + MIN).then(corrected(memberEli.id, 'absent', NOW + MIN, 'Mis-tap'));
    expect(state.present).toEqual([]);
    state = given(...spoke, corrected(memberEli.id, 'absent', NOW + MIN, 'Mis-tap'))
      .when({ type: 'attendance.correct', memberId: memberEli.id, status: 'late', reason: 'It was Eli after all' }, coFacilitator, NOW + 2 * MIN)
      .then(corrected(memberEli.id, 'late', NOW + 2 * MIN, 'It was Eli after all', coFacilitator.id));
    expect(state.present).toEqual([memberEli.id]);
    expect(state.attendance[memberEli.id]?.correction).toEqual({ status: 'late', reason: 'It was Eli after all', by: coFacilitator.id, at: NOW + 2 * MIN });
  });

  it('a member still connected when the session ends keeps their interval open: presence after the end is not recorded', () => {
    const history = [...liveOnA, connected(member.id, T0 + MIN), { type: 'session.ended', at: T0 + 60 * MIN } as const];
    given(...history).when({ type: 'member.disconnect' }, member, T0 + 61 * MIN).rejects(ErrorCode.SESSION_ENDED);
    expect(given(...history).state.attendance[member.id]?.intervals).toEqual([{ from: T0 + MIN, to: null }]);
  });
});
