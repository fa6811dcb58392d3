import type { Measures, RosterEntry } from '@hearth/shared';
import { aliasOf } from './speakerName.ts';

/** One row of the balance panel: a present member's share, talk and turns, with their flag in words. */
export interface ShareBar {
  readonly memberId: string;
  readonly alias: string;
  readonly share: number;
  readonly talkMs: number;
  readonly turns: number;
  /** "dominant", "quiet" or null, as the measures decided with the group's settings. */
  readonly flag: 'dominant' | 'quiet' | null;
}

/** The measures' members in roster order (the order of `present`), named by alias. */
export function shareBars(measures: Measures, roster: readonly RosterEntry[]): ShareBar[] {
  return measures.members.map((m) => ({
    memberId: m.memberId,
    alias: aliasOf(roster, m.memberId),
    share: m.share,
    talkMs: m.talkMs,
    turns: m.turns,
    flag: m.dominant ? 'dominant' : m.quiet ? 'quiet' : null
  }));
}
