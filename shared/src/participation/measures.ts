import { balanceIndex, gini } from './balance.ts';
import type { ParticipationSettings, Turn } from './types.ts';

const MINUTE_MS = 60_000;

/** Why a member counts as quiet: too small a share, or no word for too long. Silence wins when both hold. */
export type QuietReason = 'low-share' | 'silent';

/** One present member's participation, as of the moment the measures were taken. */
export interface MemberMeasure {
  readonly memberId: string;
  /** Sum of their turns' durations, each cut at `now` (a running turn counts up to `now`). */
  readonly talkMs: number;
  /** Turns begun at or before `now`, zero-length ones included. */
  readonly turns: number;
  /** talkMs / totalMemberTalkMs; 0 for everyone while no member has spoken. */
  readonly share: number;
  /** When their latest turn ended (`now` while they hold the floor); null if they have not spoken. */
  readonly lastSpokeAt: number | null;
  /** Time since lastSpokeAt, or since `sessionStartedAt` if they have not spoken: what a silence nudge reads. */
  readonly silentMs: number;
  readonly quiet: QuietReason | null;
  readonly dominant: boolean;
}

/** The measures of a session, or of one agenda item of it. Only facilitators and supervisors see these. */
export interface Measures {
  /** One per present member, in the order `present` gave them. */
  readonly members: readonly MemberMeasure[];
  readonly totalMemberTalkMs: number;
  /** Facilitators' talk is kept apart: it never enters the members' shares or the balance figures. */
  readonly facilitatorTalkMs: number;
  readonly facilitatorTurns: number;
  /** 1 / number of members present (0 when nobody is present). */
  readonly fairShare: number;
  /** Normalized entropy of the members' talk times; null while no member has spoken. */
  readonly balanceIndex: number | null;
  /** Gini coefficient of the members' talk times; null while no member has spoken. */
  readonly gini: number | null;
}

export interface MeasuresInput {
  readonly turns: readonly Turn[];
  /** Member ids of the roster present: the denominator. Members present who never spoke count as zero. */
  readonly present: readonly string[];
  /** The moment the measures are taken at. Turns are cut here; turns begun later are left out. */
  readonly now: number;
  /** Where the quiet/dominance grace period and a never-heard member's silence count from. */
  readonly sessionStartedAt: number;
  readonly settings: ParticipationSettings;
  /**
   * Only the turns begun while this agenda item was current (a turn belongs wholly to the item current
   * when it began). `null` selects turns begun with no item current; absent selects every turn.
   */
  readonly itemId?: string | null;
}

/**
 * Talk time, turns and shares per present member, the facilitators' talk apart, the balance index,
 * the Gini coefficient and the quiet/dominance flags — in one pass over the turns. The measures are
 * those "as of `now`", so replaying a finished session at an earlier `now` gives what the board
 * showed then. Formulas, thresholds and edge cases: docs/participation.md.
 */
export function computeMeasures(input: MeasuresInput): Measures {
  const { turns, now, sessionStartedAt, settings, itemId } = input;

  // Duplicate ids in the roster would double-count a member in the denominator; the first one stands.
  const slot = new Map<string, number>();
  const ids: string[] = [];
  for (const id of input.present) {
    if (!slot.has(id)) {
      slot.set(id, ids.length);
      ids.push(id);
    }
  }
  const n = ids.length;
  const talk = new Float64Array(n);
  const count = new Uint32Array(n);
  const last = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
  // Summed in turn order, not roster order, so reordering the roster cannot move a share by a rounding.
  let total = 0;
  let facilitatorTalkMs = 0;
  let facilitatorTurns = 0;

  for (let i = 0; i < turns.length; i++) {
    const turn = turns[i]!;
    if (itemId !== undefined && turn.itemId !== itemId) continue;
    const start = turn.start;
    if (start > now) continue;
    const end = turn.end === null || turn.end > now ? now : turn.end;
    const ms = end > start ? end - start : 0;
    const speaker = turn.speaker;
    if (speaker.kind === 'facilitator') {
      facilitatorTalkMs += ms;
      facilitatorTurns++;
      continue;
    }
    const m = slot.get(speaker.memberId);
    if (m === undefined) continue;
    talk[m] = talk[m]! + ms;
    total += ms;
    count[m] = count[m]! + 1;
    const spoke = end > start ? end : start;
    if (spoke > last[m]!) last[m] = spoke;
  }

  const fairShare = n > 0 ? 1 / n : 0;
  const anyoneSpoke = total > 0;
  // The first speaker of the day holds 100%: share-based flags wait out the grace period.
  const graceOver = now - sessionStartedAt >= settings.quietAfterMinutes * MINUTE_MS;
  const lowBelow = settings.quietFraction * fairShare;
  const dominantAbove = settings.dominanceMultiple * fairShare;
  const silentAfterMs = settings.silentMinutes * MINUTE_MS;

  const members: MemberMeasure[] = [];
  for (let m = 0; m < n; m++) {
    const talkMs = talk[m]!;
    const share = anyoneSpoke ? talkMs / total : 0;
    const lastSpokeAt = count[m]! > 0 ? last[m]! : null;
    const silentMs = Math.max(0, now - (lastSpokeAt ?? sessionStartedAt));
    // Low share needs someone to have spoken: with no member talk yet, shares compare nothing.
    const quiet: QuietReason | null =
      silentMs >= silentAfterMs ? 'silent' : graceOver && anyoneSpoke && share < lowBelow ? 'low-share' : null;
    members.push({
      memberId: ids[m]!,
      talkMs,
      turns: count[m]!,
      share,
      lastSpokeAt,
      silentMs,
      quiet,
      dominant: graceOver && anyoneSpoke && share > dominantAbove
    });
  }

  return {
    members,
    totalMemberTalkMs: total,
    facilitatorTalkMs,
    facilitatorTurns,
    fairShare,
    balanceIndex: balanceIndex(talk),
    gini: gini(talk)
  };
}
