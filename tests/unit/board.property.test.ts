import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  BoardEvent,
  COMMAND_TYPES,
  Command,
  DEFAULT_PARTICIPATION_SETTINGS,
  ErrorCode,
  ItemKind,
  LIMITS,
  decide,
  fold,
  initialState,
  project,
  timerOf,
  visibleTo,
  type Actor,
  type BoardState,
  type CommandType,
  type ParticipationSettings,
  type RosterEntry,
  type Speaker
} from '@hearth/shared';
import { MIN, T0, coFacilitator, facilitator, supervisor } from './givenWhenThen.ts';

/** A small pool, so generated item ids keep hitting items that exist (and sometimes ones that don't). */
const POOL = ['a', 'b', 'c', 'd'] as const;
const itemId = fc.constantFrom(...POOL);
const title = fc.constantFrom('Check-in', 'Skills', 'Open process', '  Padded  ', 'Check-out');
const kind = fc.constantFrom(...ItemKind.options);
const minutes = fc.integer({ min: 1, max: LIMITS.maxPlannedMinutes });
const newItem = fc.record({ itemId, title, kind, plannedMinutes: minutes });

/**
 * Members who may be on the roster. A roster is drawn from these, so members acting or named by a
 * command are mostly on it and sometimes not (MEMBER_NOT_FOUND stays reachable).
 */
const MEMBERS = ['mem-dev', 'mem-eli', 'mem-fay', 'mem-gus'] as const;
const memberId = fc.constantFrom(...MEMBERS);
const rosterEntry: fc.Arbitrary<RosterEntry> = memberId.map((id) => ({ memberId: id, alias: id.slice(4) }));
/** Rosters in any order (so "present in roster order" means something); now and then with a duplicate. */
const roster: fc.Arbitrary<RosterEntry[]> = fc.oneof(
  { weight: 4, arbitrary: fc.uniqueArray(rosterEntry, { selector: (r) => r.memberId, maxLength: MEMBERS.length }) },
  { weight: 1, arbitrary: fc.array(rosterEntry, { maxLength: MEMBERS.length + 1 }) }
);
const settings: fc.Arbitrary<ParticipationSettings> = fc.oneof(
  fc.constant(DEFAULT_PARTICIPATION_SETTINGS),
  fc.record({
    quietFraction: fc.constantFrom(0.05, 0.3, 1),
    quietAfterMinutes: fc.integer({ min: 1, max: 240 }),
    silentMinutes: fc.integer({ min: 1, max: 240 }),
    dominanceMultiple: fc.constantFrom(1.1, 2.5, 10)
  })
);
const speaker: fc.Arbitrary<Speaker> = fc.oneof(
  { weight: 3, arbitrary: memberId.map((id): Speaker => ({ kind: 'member', memberId: id })) },
  { weight: 1, arbitrary: fc.constant<Speaker>({ kind: 'facilitator' }) }
);

/** One arbitrary per command variant; the mapped type makes a new command type fail to compile here. */
const COMMANDS: { [K in CommandType]: fc.Arbitrary<Extract<Command, { type: K }>> } = {
  'session.create': fc.record({
    type: fc.constant('session.create'),
    title,
    scheduledFor: fc.constantFrom(null, '2025-01-07T18:00:00Z', '2025-01-07T18:00:00+01:00'),
    agenda: fc.array(newItem, { maxLength: 4 }),
    roster,
    settings
  }),
  'session.start': fc.constant({ type: 'session.start' }),
  'session.end': fc.constant({ type: 'session.end' }),
  'agenda.add': fc.record(
    { type: fc.constant('agenda.add'), item: newItem, position: fc.nat({ max: 6 }) },
    { requiredKeys: ['type', 'item'] }
  ),
  'agenda.edit': fc.record(
    { type: fc.constant('agenda.edit'), itemId, title, kind, plannedMinutes: fc.integer({ min: 1, max: 12 }) },
    { requiredKeys: ['type', 'itemId'] }
  ),
  'agenda.remove': fc.record({ type: fc.constant('agenda.remove'), itemId }),
  'agenda.reorder': fc.record({ type: fc.constant('agenda.reorder'), itemIds: fc.shuffledSubarray([...POOL]) }),
  'agenda.set_guidance': fc.record({
    type: fc.constant('agenda.set_guidance'),
    itemId,
    guidance: fc.constantFrom('', 'Go slowly', 'Watch for withdrawal')
  }),
  'item.start': fc.record({ type: fc.constant('item.start'), itemId }),
  'item.next': fc.constant({ type: 'item.next' }),
  'item.pause': fc.record({ type: fc.constant('item.pause'), itemId }),
  'item.resume': fc.record({ type: fc.constant('item.resume'), itemId }),
  'item.extend': fc.record({
    type: fc.constant('item.extend'),
    itemId,
    minutes: fc.integer({ min: 1, max: LIMITS.maxExtendMinutes })
  }),
  'item.complete': fc.record({ type: fc.constant('item.complete'), itemId }),
  'item.skip': fc.record({ type: fc.constant('item.skip'), itemId }),
  'turn.start': fc.record({ type: fc.constant('turn.start'), speaker }),
  'turn.end': fc.constant({ type: 'turn.end' }),
  'hand.raise': fc.constant({ type: 'hand.raise' }),
  'hand.lower': fc.record({ type: fc.constant('hand.lower'), memberId }, { requiredKeys: ['type'] }),
  'floor.give_first_hand': fc.constant({ type: 'floor.give_first_hand' }),
  'member.arrive': fc.constant({ type: 'member.arrive' }),
  'attendance.mark': fc.record({ type: fc.constant('attendance.mark'), memberId, present: fc.boolean() }),
  'participation.configure': fc.record({ type: fc.constant('participation.configure'), settings })
};

/** Timer and floor commands come most often, lifecycle ones least, so sequences spend their time on a live board. */
const WEIGHT = (t: CommandType): number =>
  t.startsWith('item.') ? 4 : /^(turn|hand|floor)\./.test(t) ? 3 : t.startsWith('agenda.') ? 2 : 1;
const command: fc.Arbitrary<Command> = fc.oneof(
  ...COMMAND_TYPES.map((t) => ({ weight: WEIGHT(t), arbitrary: COMMANDS[t] as fc.Arbitrary<Command> }))
);

/** Members act under their roster member id, as the server sends their commands. */
const actor: fc.Arbitrary<Actor> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(facilitator, coFacilitator) },
  { weight: 1, arbitrary: fc.constant(supervisor) },
  { weight: 2, arbitrary: memberId.map((id): Actor => ({ role: 'member', id })) }
);

/** What a member may do at all: their own hand, their own arrival. Supervisors may do nothing. */
const MEMBER_COMMANDS: ReadonlySet<CommandType> = new Set(['hand.raise', 'hand.lower', 'member.arrive']);

/** Time between commands: mostly forward (or none), occasionally a step back, as a corrected server clock can. */
const clockStep = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 10 * MIN }) },
  { weight: 1, arbitrary: fc.constant(0) },
  { weight: 1, arbitrary: fc.integer({ min: -5 * MIN, max: -1 }) }
);

/**
 * `aim` re-targets a command at what exists when it runs: commands are drawn before the state
 * exists. An item command goes to the current item (pause, resume, extend and complete only do
 * something to it); a hand.lower to the first hand up, and a member's to their own; a member's
 * hand.raise with their hand already up becomes its lowering.
 */
const step = fc.record({ command, actor, dt: clockStep, aim: fc.boolean() });

/**
 * A member's hand command is aimed at a member whose hand is up: hands are often lowered by the
 * facilitators first, so a member lowering their own would otherwise almost never be drawn.
 */
function aimedActor(who: Actor, command: Command, state: BoardState): Actor {
  const up = state.hands[0];
  return who.role === 'member' && command.type.startsWith('hand.') && up ? { role: 'member', id: up.memberId } : who;
}

function aimed(command: Command, state: BoardState, who: Actor): Command {
  if ('itemId' in command && state.currentItemId !== null) return { ...command, itemId: state.currentItemId };
  // A member whose hand is up puts it down: session.end lowers every hand, so a hand.lower that finds
  // its hand still up would otherwise be rare.
  if (command.type === 'hand.raise' && who.role === 'member' && state.hands.some((h) => h.memberId === who.id)) {
    return { type: 'hand.lower' };
  }
  if (command.type === 'hand.lower') {
    if (who.role === 'member') return { type: 'hand.lower' };
    if (state.hands[0]) return { type: 'hand.lower', memberId: state.hands[0].memberId };
  }
  return command;
}

/** Most runs open with create + start, so their steps are spent on a live board; the rest begin from nothing. */
const preamble: fc.Arbitrary<Command[]> = fc.oneof(
  { weight: 1, arbitrary: fc.constant<Command[]>([]) },
  {
    weight: 3,
    arbitrary: fc
      .uniqueArray(newItem, { selector: (i) => i.itemId, minLength: 1, maxLength: POOL.length })
      .chain((agenda) =>
        fc
          .uniqueArray(rosterEntry, { selector: (r) => r.memberId, minLength: 1, maxLength: MEMBERS.length })
          .map((members): Command[] => [
            { type: 'session.create', title: 'Group', scheduledFor: null, agenda, roster: members, settings: DEFAULT_PARTICIPATION_SETTINGS },
            { type: 'session.start' }
          ])
      )
  }
);

const scenario = fc.record({
  preamble,
  steps: fc.array(step, { minLength: 1, maxLength: 40, size: 'max' }),
  readAt: fc.array(fc.integer({ min: -10 * MIN, max: 300 * MIN }), { minLength: 1, maxLength: 4 })
});

/** Frozen states make any mutation by decide or evolve throw instead of passing unnoticed. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** The board's structural invariants, checked after every step. */
function checkInvariants(state: BoardState, now: number, readAt: readonly number[]): void {
  const current = state.items.filter((i) => i.status === 'current');
  expect(current.length).toBeLessThanOrEqual(1);
  expect(current[0]?.id ?? null).toBe(state.currentItemId);
  // Only the current item's clock may run; finished or pending items never accrue time.
  for (const i of state.items) if (i.runningSince !== null) expect(i.id).toBe(state.currentItemId);
  expect(new Set(state.items.map((i) => i.id)).size).toBe(state.items.length);
  expect(state.items.length).toBeLessThanOrEqual(LIMITS.maxItems);
  if (state.status !== 'live') expect(state.currentItemId).toBeNull();
  for (const item of state.items) {
    expect(item.accumulatedMs).toBeGreaterThanOrEqual(0);
    expect(item.extendedMinutes).toBeLessThanOrEqual(LIMITS.maxTotalExtension);
    for (const offset of readAt) {
      const t = timerOf(item, now + offset);
      expect(t.elapsedMs).toBeGreaterThanOrEqual(0);
      expect(t.remainingMs).toBeGreaterThanOrEqual(0);
      expect(t.overrunMs).toBeGreaterThanOrEqual(0);
    }
  }
  checkParticipation(state);
}

/** Turns, floor, hands and presence. */
function checkParticipation(state: BoardState): void {
  const { turns, floor, hands, present, roster } = state;
  const rosterIds = roster.map((r) => r.memberId);
  expect(new Set(rosterIds).size).toBe(rosterIds.length);

  // At most one open turn, and it is the last.
  const open = turns.flatMap((t, n) => (t.end === null ? [n] : []));
  expect(open.length).toBeLessThanOrEqual(1);
  if (open.length === 1) expect(open[0]).toBe(turns.length - 1);
  // The floor is held exactly while the last turn is open, by that turn's speaker.
  const last = turns[turns.length - 1];
  const lastOpen = last !== undefined && last.end === null;
  expect(floor !== null).toBe(lastOpen);
  if (floor && last) expect(floor.speaker).toEqual(last.speaker);
  // Ordered by start, never overlapping; none ends before it began; members who spoke were on the roster.
  for (let n = 0; n < turns.length; n++) {
    const t = turns[n]!;
    if (n > 0) expect(t.start).toBeGreaterThanOrEqual(turns[n - 1]!.start);
    // One floor: a turn begins no earlier than the one before it ended.
    if (n > 0) expect(t.start).toBeGreaterThanOrEqual(turns[n - 1]!.end ?? Number.POSITIVE_INFINITY);
    if (t.end !== null) expect(t.end).toBeGreaterThanOrEqual(t.start);
    if (t.speaker.kind === 'member') expect(rosterIds).toContain(t.speaker.memberId);
  }
  // Nobody speaks or waits before the session starts; nobody holds the floor after it ends.
  if (state.status === 'new' || state.status === 'scheduled') expect({ turns, floor, hands }).toEqual({ turns: [], floor: null, hands: [] });
  if (state.status === 'ended') expect(floor).toBeNull();

  // Hands: each member once, and only members of the roster.
  const raised = hands.map((h) => h.memberId);
  expect(new Set(raised).size).toBe(raised.length);
  for (const id of raised) expect(rosterIds).toContain(id);
  // Present: a subset of the roster, in roster order, each once.
  expect(present).toEqual(rosterIds.filter((id) => present.includes(id)));
  expect(new Set(present).size).toBe(present.length);
}

/** The board without the two fields an accepted member command may change. */
const beyondMembersReach = ({ hands: _hands, present: _present, ...rest }: BoardState) => rest;

describe('the board under random command sequences', () => {
  it('keeps its invariants, never throws, and lets members touch only their own hand and arrival', () => {
    const accepted = new Set<CommandType>();
    const acceptedFromMembers = new Set<CommandType>();
    fc.assert(
      fc.property(scenario, ({ preamble: opening, steps, readAt }) => {
        let state = deepFreeze(initialState);
        // What a member's device holds: the fold of only the events a member receives.
        let memberState = deepFreeze(initialState);
        let clock = T0;
        const log: BoardEvent[] = [];
        const all = [...opening.map((c) => ({ command: c, actor: facilitator, dt: 0, aim: false })), ...steps];
        for (const { command: raw, actor: drawn, dt, aim } of all) {
          clock = Math.max(0, clock + dt);
          const who = aim ? aimedActor(drawn, raw, state) : drawn;
          // Commands reach decide parsed at the edge, as the server does.
          const cmd = Command.parse(aim ? aimed(raw, state, who) : raw);
          const before = structuredClone(state);
          const decision = decide(state, cmd, who, clock);
          expect(state).toEqual(before);

          // Supervisors watch; members may act only on their own hand and their own arrival.
          if (who.role === 'supervisor' || (who.role === 'member' && !MEMBER_COMMANDS.has(cmd.type))) {
            expect(decision).toMatchObject({ ok: false, rejection: { code: ErrorCode.FORBIDDEN } });
          }
          // ...and hand.raise and member.arrive are theirs alone: a facilitator acts for nobody's own hand.
          if (who.role === 'facilitator' && (cmd.type === 'hand.raise' || cmd.type === 'member.arrive')) {
            expect(decision).toMatchObject({ ok: false, rejection: { code: ErrorCode.FORBIDDEN } });
          }
          // A member naming someone else's hand is refused whenever the session is open at all.
          const othersHand = who.role === 'member' && cmd.type === 'hand.lower' && cmd.memberId !== undefined && cmd.memberId !== who.id;
          if (othersHand) {
            expect(decision.ok).toBe(false);
            if (state.status === 'scheduled' || state.status === 'live') {
              expect(decision).toMatchObject({ ok: false, rejection: { code: ErrorCode.FORBIDDEN } });
            }
          }
          if (!decision.ok) {
            expect(Object.values(ErrorCode)).toContain(decision.rejection.code);
            continue;
          }
          accepted.add(cmd.type);
          expect(decision.events.length).toBeGreaterThan(0);
          for (const e of decision.events) {
            expect(BoardEvent.parse(e)).toEqual(e);
            expect(e.at).toBe(clock);
          }
          const after = deepFreeze(fold(state, decision.events));
          if (who.role === 'member') {
            acceptedFromMembers.add(cmd.type);
            // Exactly one event, about the member's own hand or arrival, and nothing but hands or present moves.
            const own =
              cmd.type === 'hand.raise'
                ? { type: 'hand.raised', at: clock, memberId: who.id }
                : cmd.type === 'hand.lower'
                  ? { type: 'hand.lowered', at: clock, memberId: who.id }
                  : { type: 'member.arrived', at: clock, memberId: who.id };
            expect(decision.events).toEqual([own]);
            expect(beyondMembersReach(after)).toEqual(beyondMembersReach(state));
            if (cmd.type === 'member.arrive') expect(after.hands).toEqual(state.hands);
            else expect(after.present).toEqual(state.present);
          }
          state = after;
          memberState = deepFreeze(fold(memberState, decision.events.filter((e) => visibleTo(e, 'member'))));
          log.push(...decision.events);
          checkInvariants(state, clock, readAt);
          expect(project(memberState, 'member')).toEqual(project(state, 'member'));
        }
        // What a member folds from the events it receives is what it would be shown of the full board.
        const memberFold = fold(initialState, log.filter((e) => visibleTo(e, 'member')));
        expect(project(memberFold, 'member')).toEqual(project(state, 'member'));
        expect(fold(initialState, log)).toEqual(state);
      }),
      { numRuns: 500 }
    );
    // Guards against a generator that drifted into exercising nothing: every command type was accepted somewhere.
    expect([...accepted].sort()).toEqual([...COMMAND_TYPES].sort());
    expect([...acceptedFromMembers].sort()).toEqual([...MEMBER_COMMANDS].sort());
  });
});
