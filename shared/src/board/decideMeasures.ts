import { ErrorCode } from '../errors.ts';
import type { Actor } from '../roles.ts';
import { answersProblem, MEASURE_LIMITS, safetyAnswer, sessionInstruments, type Instrument } from '../measures/instruments.ts';
import type { Command } from './commands.ts';
import type { BoardEvent } from './events.ts';
import { accept, liveSession, reject, type Decision } from './decision.ts';
import { openMeasure, type BoardState, type MeasureRun } from './state.ts';

const MEASURE_TYPES = ['measure.open', 'measure.answer', 'measure.close'] as const;

/** Commands that open, answer and close measures on members' phones. */
export type MeasureCommand = Extract<Command, { type: (typeof MEASURE_TYPES)[number] }>;

export function isMeasureCommand(command: Command): command is MeasureCommand {
  return (MEASURE_TYPES as readonly string[]).includes(command.type);
}

/**
 * Who a flag raised from a member's answers is by: no clinician, so any clinician of the session
 * acknowledges it (the rule that a flag is acknowledged by someone other than its raiser holds).
 */
export const MEASURE_FLAG_RAISER = 'hearth:measure';

/** The instruments a session can open: the built-in ones (or the group's wording of them), then its own. */
export function instrumentsOf(state: BoardState): readonly Instrument[] {
  return sessionInstruments(state.instruments);
}

function existingRun(state: BoardState, runId: string): MeasureRun | Decision {
  return state.measures.find((m) => m.runId === runId) ?? reject(ErrorCode.MEASURE_NOT_FOUND, 'No such measure in this session.');
}

/** A flag id for the safety flag of one member's answers to one run: deterministic, unique in the session. */
function safetyFlagId(state: BoardState, runId: string, memberId: string): string {
  const run = state.measures.findIndex((m) => m.runId === runId);
  const member = state.roster.findIndex((r) => r.memberId === memberId);
  const base = `measure-${run}-${member}`;
  let id = base;
  for (let n = 2; state.flags.some((f) => f.id === id); n++) id = `${base}-${n}`;
  return id;
}

/** The clinicians-only safety flag an answer to a safety item (PHQ-9 question 9) raises, if it does. */
function safetyFlag(state: BoardState, run: MeasureRun, memberId: string, answers: readonly (number | null)[], at: number): BoardEvent[] {
  const found = safetyAnswer(run.instrument, answers as (number | null)[]);
  if (!found) return [];
  const item = run.instrument.items.find((i) => i.id === run.instrument.safetyItem?.itemId);
  return [
    {
      type: 'flag.raised',
      at,
      flagId: safetyFlagId(state, run.runId, memberId),
      category: 'safety-risk',
      severity: found.crisis ? 'crisis' : 'high',
      memberIds: [memberId],
      note: `${run.instrument.title}: “${item?.text ?? ''}” answered “${found.label}”. Follow the risk-assessment steps.`,
      itemId: state.currentItemId,
      by: MEASURE_FLAG_RAISER
    }
  ];
}

/**
 * Decides measures. One is open at a time (a member's phone shows one); it is open to every member
 * of the roster, each of whom answers once. An answer to a safety item above its lowest point raises a
 * safety flag in the same append: the member's own stream carries only their answers.
 */
export function decideMeasures(state: BoardState, command: MeasureCommand, actor: Actor, at: number): Decision {
  switch (command.type) {
    case 'measure.open': {
      const closed = liveSession(state);
      if (closed) return closed;
      if (state.measures.some((m) => m.runId === command.runId)) return reject(ErrorCode.MEASURE_EXISTS, 'A measure with this id exists in this session.');
      if (state.measures.length >= MEASURE_LIMITS.maxRuns) return reject(ErrorCode.LIMIT_REACHED, `A session holds at most ${MEASURE_LIMITS.maxRuns} measures.`);
      const open = openMeasure(state);
      if (open) return reject(ErrorCode.MEASURE_OPEN, `${open.instrument.title} is still open on members' phones; close it first.`);
      const instrument = instrumentsOf(state).find((i) => i.key === command.instrument);
      if (!instrument) return reject(ErrorCode.INSTRUMENT_NOT_FOUND, `No instrument "${command.instrument}" in this session.`);
      return accept({ type: 'measure.opened', at, runId: command.runId, instrument });
    }
    case 'measure.answer': {
      const closed = liveSession(state);
      if (closed) return closed;
      const run = existingRun(state, command.runId);
      if ('ok' in run) return run;
      if (run.closedAt !== null) return reject(ErrorCode.MEASURE_CLOSED, 'This measure is closed.');
      if (!state.roster.some((r) => r.memberId === actor.id)) return reject(ErrorCode.MEMBER_NOT_FOUND, 'You are not on this session\'s roster.');
      if (run.responses.some((r) => r.memberId === actor.id)) return reject(ErrorCode.ALREADY_ANSWERED, 'You have answered this already.');
      const problem = answersProblem(run.instrument, command.answers);
      if (problem) return reject(ErrorCode.ANSWERS_INVALID, problem);
      return accept(
        { type: 'measure.answered', at, runId: run.runId, memberId: actor.id, answers: command.answers },
        ...safetyFlag(state, run, actor.id, command.answers, at)
      );
    }
    case 'measure.close': {
      if (state.status === 'new') return reject(ErrorCode.SESSION_NOT_FOUND, 'This session does not exist yet.');
      const run = existingRun(state, command.runId);
      if ('ok' in run) return run;
      if (run.closedAt !== null) return reject(ErrorCode.NOTHING_CHANGED, 'This measure is closed already.');
      return accept({ type: 'measure.closed', at, runId: run.runId });
    }
  }
}
