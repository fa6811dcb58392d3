import {
  ErrorCode,
  admissionOf,
  type Admission,
  MAX_RESUME_EVENTS,
  decide,
  evolve,
  initialState,
  privateTo,
  project,
  visibleTo,
  type Actor,
  type BoardEvent,
  type BoardState,
  type BoardView,
  type Command,
  type CommandResult,
  type EventMessage,
  type Flag,
  type Role,
  type Viewer
} from '@hearth/shared';
import { isConnectionError } from '../store/Db.ts';
import { AppendConflict, type BoardLog, type Broadcast, type BundleMessage, type Transaction } from './ports.ts';
import { HeardSessions } from './HeardSessions.ts';

export type { Broadcast };

const ROLES: readonly Role[] = ['facilitator', 'supervisor', 'member'];

/** A session's board as this instance last read it from the log. */
interface SessionCache {
  readonly state: BoardState;
  readonly seq: number;
  /** How many events members may see: members number their events 1, 2, 3 … apart from the log. */
  readonly memberSeq: number;
  /** The position, in that role's numbering, of the last event each role could see: the `prevSeq` of its next. */
  readonly lastSeqByRole: Readonly<Record<Role, number>>;
  /** How many events were for each member alone (by roster id): each member's private numbering. */
  readonly privateSeqs: Readonly<Record<string, number>>;
}

const EMPTY: SessionCache = {
  state: initialState,
  seq: 0,
  memberSeq: 0,
  lastSeqByRole: { facilitator: 0, supervisor: 0, member: 0 },
  privateSeqs: {}
};

/**
 * A role's position for a log position. Clinicians count the log itself; members count only what
 * they may see, so a jump in their numbers never betrays that clinicians did something in between.
 */
const positionOf = (cache: Pick<SessionCache, 'seq' | 'memberSeq'>, role: Role) => (role === 'member' ? cache.memberSeq : cache.seq);

/** A board as one viewer sees it, with the viewer's position (and a member's private position). */
export interface BoardViewAt {
  readonly state: BoardView;
  readonly seq: number;
  readonly privateSeq: number;
}

function viewOf(cache: SessionCache, viewer: Viewer): BoardViewAt {
  const role = typeof viewer === 'string' ? viewer : viewer.role;
  const privateSeq = typeof viewer === 'string' ? 0 : (cache.privateSeqs[viewer.memberId] ?? 0);
  return { state: project(cache.state, viewer), seq: positionOf(cache, role), privateSeq };
}


// Another instance appending between our catch-up and our insert costs one retry; this many in a
// row means the session is under a write storm, and the client is told to retry later.
const MAX_ATTEMPTS = 20;
const MAX_CACHED_SESSIONS = 2000;
/** A command is answered within this long, acknowledged or refused as UNAVAILABLE (the protocol promises 1 s). */
export const ANSWER_WITHIN_MS = 800;
/** A database that has answered nothing for this long while a command waits is taken as unreachable. */
const QUIET_MS = 500;

const unavailable = (): CommandResult => ({
  ok: false,
  error: { code: ErrorCode.UNAVAILABLE, message: 'The database does not answer; try again shortly with the same command.' }
});

/** Folds one logged event into the cache, returning the per-role (and per-member) messages it produces. */
function advance(cache: SessionCache, seq: number, event: BoardEvent, sessionId: string) {
  const lastSeqByRole = { ...cache.lastSeqByRole };
  const memberSeq = cache.memberSeq + (visibleTo(event, 'member') ? 1 : 0);
  const to = privateTo(event);
  const privateSeqs = to === null ? cache.privateSeqs : { ...cache.privateSeqs, [to]: (cache.privateSeqs[to] ?? 0) + 1 };
  const next = { state: evolve(cache.state, event), seq, memberSeq, privateSeqs };
  const messages: BundleMessage[] = [];
  for (const role of ROLES) {
    if (!visibleTo(event, role)) continue;
    const own = positionOf(next, role);
    messages.push({ role, at: seq, message: { sessionId, seq: own, prevSeq: lastSeqByRole[role], event } });
    lastSeqByRole[role] = own;
  }
  // For one member alone: their connections only, in their private numbering (1, 2, 3 … per member).
  const privateSeq = to === null ? null : { to, seq: privateSeqs[to]! };
  if (privateSeq) messages.push({ role: 'member', to: privateSeq.to, at: seq, message: { sessionId, seq: privateSeq.seq, prevSeq: privateSeq.seq - 1, event } });
  return { cache: { ...next, lastSeqByRole }, messages, memberSeq: visibleTo(event, 'member') ? memberSeq : null, privateSeq };
}

/** Commands an ended session still takes: they change what its record says. */
const AFTER_THE_GROUP: ReadonlySet<string> = new Set(['attendance.correct', 'flag.acknowledge', 'flag.follow_up', 'flag.check_step', 'flag.resolve']);

/**
 * Runs the live board: decides commands against the session's state, appends the events through
 * the Postgres sequencer, and broadcasts each event to the roles that may see it. Commands of one
 * session are handled one at a time in this instance; other instances are caught up from the log.
 */
export class BoardService {
  private readonly caches = new Map<string, SessionCache>();
  private readonly queues = new Map<string, Promise<unknown>>();
  /** Sessions with a command that outlived its answer (the database did not answer in time). */
  private readonly stalled = new Set<string>();
  /** The sessions whose appends by other instances this one hears, and so whose cache it may trust. */
  readonly heard = new HeardSessions();

  constructor(
    private readonly log: BoardLog,
    private readonly broadcast: Broadcast,
    private readonly now: () => number = Date.now,
    /** What the board's own state does not know: whether the session's record is final. */
    private readonly recordFinal: (sessionId: string) => Promise<boolean> = async () => false,
    private readonly options: {
      readonly answerWithinMs: number;
      /** Told of every answer and how long it took (the instance's metrics). */
      readonly observe?: (result: CommandResult, seconds: number) => void;
    } = { answerWithinMs: ANSWER_WITHIN_MS }
  ) {}

  /** Runs `fn` after every earlier task of the same session in this instance. */
  private serial<T>(sessionId: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.queues.get(sessionId) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const settled = run.catch(() => undefined);
    this.queues.set(sessionId, settled);
    void settled.then(() => {
      if (this.queues.get(sessionId) === settled) this.queues.delete(sessionId);
    });
    return run;
  }

  /** Brings the cached board up to the end of the log. */
  private async catchUp(sessionId: string): Promise<SessionCache> {
    let cache = this.caches.get(sessionId) ?? EMPTY;
    const read = this.heard.reading(sessionId);
    for (const { seq, event } of await this.log.since(sessionId, cache.seq)) {
      cache = advance(cache, seq, event, sessionId).cache;
    }
    read();
    this.remember(sessionId, cache);
    this.broadcast.caughtUp(sessionId, cache.seq);
    return cache;
  }

  private remember(sessionId: string, cache: SessionCache): void {
    this.caches.delete(sessionId);
    this.caches.set(sessionId, cache);
    if (this.caches.size > MAX_CACHED_SESSIONS) {
      const oldest = this.caches.keys().next().value;
      if (oldest !== undefined) this.caches.delete(oldest);
    }
  }

  /**
   * Decides and appends one command. Acknowledges only after the events are committed; a command id
   * seen before is answered from the log without deciding again. `before` runs inside the append
   * transaction (the session row for a session's first command).
   *
   * Answered within `answerWithinMs` whatever the database does: while it is away, when it has
   * stopped answering, or while an earlier command of the session still waits for it, with
   * UNAVAILABLE (retryable with the same id: a command whose write was still under way is then found
   * as a duplicate), so retries never pile up behind the session's queue. A database that answers,
   * however busy, is waited for.
   */
  execute(
    sessionId: string,
    commandId: string,
    command: Command,
    actor: Actor,
    before?: (tx: Transaction) => Promise<void>
  ): Promise<CommandResult> {
    const answer =
      this.log.available === false || this.stalled.has(sessionId)
        ? Promise.resolve(unavailable())
        : this.withinDeadline(sessionId, this.serial(sessionId, () => this.decideAndAppend(sessionId, commandId, command, actor, before)));
    const { observe } = this.options;
    if (observe) {
      const t0 = performance.now();
      void answer.then((result) => observe(result, (performance.now() - t0) / 1000), () => undefined);
    }
    return answer;
  }

  /**
   * `run`'s answer, or UNAVAILABLE once the database has answered nothing for a while: a command that
   * waits behind others while the database keeps answering is not stuck, and waits on. The session
   * counts as stalled (its next commands answered at once) until `run` settles.
   */
  private withinDeadline(sessionId: string, run: Promise<CommandResult>): Promise<CommandResult> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<CommandResult>((resolve) => {
      const check = () => {
        const quiet = this.log.lastAnswerAt === undefined ? 0 : performance.now() - this.log.lastAnswerAt;
        if (this.log.available !== false && quiet < QUIET_MS) {
          timer = setTimeout(check, QUIET_MS - quiet);
          return;
        }
        this.stalled.add(sessionId);
        void run.catch(() => undefined).finally(() => this.stalled.delete(sessionId));
        resolve(unavailable());
      };
      timer = setTimeout(check, this.options.answerWithinMs);
    });
    return Promise.race([run, late]).finally(() => clearTimeout(timer));
  }

  private async decideAndAppend(
    sessionId: string,
    commandId: string,
    command: Command,
    actor: Actor,
    before?: (tx: Transaction) => Promise<void>
  ): Promise<CommandResult> {
    try {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        // The first attempt decides on the board as this instance last wrote or read it, without
        // reading the log: if another instance appended since, or this command id was seen before,
        // the append is refused by the sequencer (or the id's key) and the next attempt reads.
        const cached = attempt === 0 ? this.caches.get(sessionId) : undefined;
        let cache: SessionCache;
        if (cached) {
          cache = cached;
        } else {
          // Read the log before looking the id up: were it the other way round, the same id committed
          // by another instance in between would be in the state but not found, and deciding it again
          // could reject it (e.g. "unchanged") instead of answering it as a duplicate.
          cache = await this.catchUp(sessionId);
          const seen = await this.log.findCommand(sessionId, commandId);
          if (seen) {
            if (seen.actorId !== actor.id) {
              return { ok: false, error: { code: ErrorCode.COMMAND_ID_TAKEN, message: 'This command id was already used by someone else.' } };
            }
            // A member is answered in members' numbering, as of now: never a log position.
            const seq = actor.role === 'member' ? cache.memberSeq : seen.lastSeq;
            return { ok: true, seq, serverTime: this.now(), duplicate: true };
          }
        }
        // After the group, attendance and flags may still change, until the record is final: from
        // then on the record is the account of the session, and changes to it are its addenda.
        if (cache.state.status === 'ended' && AFTER_THE_GROUP.has(command.type) && (await this.recordFinal(sessionId))) {
          if (cached) continue;
          return { ok: false, error: { code: ErrorCode.RECORD_FINAL, message: 'This session\'s record is final: add an addendum to the record instead.' } };
        }
        const decision = decide(cache.state, command, actor, this.now());
        // A refusal is only ever given on the board as the log has it (and after the duplicate check).
        if (!decision.ok && cached) continue;
        if (!decision.ok) return { ok: false, error: decision.rejection };
        let next = cache;
        const outgoing: BundleMessage[] = [];
        const memberSeqs: (number | null)[] = [];
        const privateSeqs: ({ to: string; seq: number } | null)[] = [];
        for (const [n, event] of decision.events.entries()) {
          const step = advance(next, cache.seq + n + 1, event, sessionId);
          next = step.cache;
          outgoing.push(...step.messages);
          memberSeqs.push(step.memberSeq);
          privateSeqs.push(step.privateSeq);
        }
        const { state } = next;
        if (state.status === 'new') throw new Error('a decided session cannot be new');
        try {
          await this.log.append(
            {
              sessionId,
              afterSeq: cache.seq,
              events: decision.events,
              memberSeqs,
              privateSeqs,
              actor,
              commandId,
              summary: { title: state.title, status: state.status, scheduledFor: state.scheduledFor }
            },
            before
          );
        } catch (err) {
          if (err instanceof AppendConflict) continue;
          throw err;
        }
        this.remember(sessionId, next);
        this.broadcast.publish({ sessionId, afterSeq: cache.seq, seq: next.seq, messages: outgoing });
        return { ok: true, seq: positionOf(next, actor.role), serverTime: this.now(), duplicate: false };
      }
      return { ok: false, error: { code: ErrorCode.BUSY, message: 'The board is busy; try again.' } };
    } catch (err) {
      // Lost its connection on the way: not applied, or applied and found as a duplicate on retry.
      if (isConnectionError(err)) {
        this.caches.delete(sessionId);
        return unavailable();
      }
      throw err;
    }
  }

  /** Where a member's device (its token id) stands in the session's waiting room, at the end of the log. */
  admission(sessionId: string, memberId: string, requestId: string): Promise<Admission> {
    return this.serial(sessionId, async () => admissionOf((await this.catchUp(sessionId)).state, memberId, requestId));
  }

  /** The session's crisis flags as they stand at the end of the log (clinicians' alerts away from the board). */
  crisisFlags(sessionId: string): Promise<readonly Flag[]> {
    return this.serial(sessionId, async () => (await this.catchUp(sessionId)).state.flags.filter((f) => f.severity === 'crisis'));
  }

  /**
   * The board as a viewer sees it, at the end of the log, with the viewer's position; for one member
   * also their private position (what was for them alone is in the view).
   */
  view(sessionId: string, viewer: Viewer): Promise<BoardViewAt> {
    return this.serial(sessionId, async () => viewOf(await this.catchUp(sessionId), viewer));
  }

  /**
   * As `view`, without reading the log when the cached board is known to be its end: this instance
   * hears the session's appends from every other instance, read the log while hearing them, and has
   * heard nothing past the cache since. For periodic checks (attendance) that would otherwise read
   * every served session's log on a timer.
   */
  currentView(sessionId: string, viewer: Viewer): Promise<BoardViewAt> {
    return this.serial(sessionId, async () => {
      const cached = this.caches.get(sessionId);
      const current = cached && this.heard.current(sessionId, cached.seq) ? cached : await this.catchUp(sessionId);
      return viewOf(current, viewer);
    });
  }

  /**
   * What was for one member alone after their private position `lastPrivateSeq`, numbered in their
   * private numbering, or null when that position is past the end (a snapshot is then the answer).
   */
  resumePrivate(sessionId: string, memberId: string, lastPrivateSeq: number): Promise<{ events: EventMessage[]; seq: number } | null> {
    return this.serial(sessionId, async () => {
      const cache = await this.catchUp(sessionId);
      const end = cache.privateSeqs[memberId] ?? 0;
      if (lastPrivateSeq > end) return null;
      const events: EventMessage[] = [];
      for (const { seq, privateSeq, event } of await this.log.privateSince(sessionId, memberId, lastPrivateSeq)) {
        if (seq > cache.seq || privateSeq === null) break;
        events.push({ sessionId, seq: privateSeq, prevSeq: privateSeq - 1, event });
      }
      return { events, seq: end };
    });
  }

  /**
   * The events a role missed after `lastSeq` (a position in that role's numbering), or null when a
   * snapshot is the better answer (too many, or a position this log never reached).
   */
  resume(sessionId: string, role: Role, lastSeq: number): Promise<{ events: EventMessage[]; seq: number } | null> {
    return this.serial(sessionId, async () => {
      const cache = await this.catchUp(sessionId);
      const end = positionOf(cache, role);
      if (lastSeq > end || end - lastSeq > MAX_RESUME_EVENTS) return null;
      const stored = role === 'member' ? await this.log.memberSince(sessionId, lastSeq) : await this.log.since(sessionId, lastSeq);
      const events: EventMessage[] = [];
      let prevSeq = lastSeq;
      for (const { seq, memberSeq, event } of stored) {
        if (seq > cache.seq) break;
        if (!visibleTo(event, role)) continue;
        const own = role === 'member' ? (memberSeq ?? prevSeq) : seq;
        events.push({ sessionId, seq: own, prevSeq, event });
        prevSeq = own;
      }
      return { events, seq: end };
    });
  }
}
