import type { RosterEntry, Speaker } from '@hearth/shared';

/** A member's alias from the roster; a placeholder if the roster no longer lists them. */
export function aliasOf(roster: readonly RosterEntry[], memberId: string): string {
  return roster.find((r) => r.memberId === memberId)?.alias ?? 'A member';
}

/**
 * Who holds the floor, in the words every view uses: the member's alias, "A facilitator" (the two
 * co-facilitators are not told apart to members), or "Open floor" when nobody does.
 */
export function speakerName(roster: readonly RosterEntry[], speaker: Speaker | null): string {
  if (!speaker) return 'Open floor';
  return speaker.kind === 'facilitator' ? 'A facilitator' : aliasOf(roster, speaker.memberId);
}

/** Whether two speakers are the same one (any facilitator counts as "the facilitator"). */
export function sameSpeaker(a: Speaker | null, b: Speaker | null): boolean {
  if (!a || !b) return a === b;
  if (a.kind === 'facilitator') return b.kind === 'facilitator';
  return b.kind === 'member' && a.memberId === b.memberId;
}
