import type { Measures, MemberMeasure } from './measures.ts';

/** What a nudge is about; one member may get both a dominance and a silence nudge. */
export type NudgeKind = 'dominant' | 'silent' | 'low-share';

/** A plain-words hint for the facilitators, e.g. "Maple hasn't spoken in 20 min". Never sent to members. */
export interface Nudge {
  readonly kind: NudgeKind;
  readonly memberId: string;
  readonly text: string;
}

/**
 * The nudges the measures call for, most pressing first: dominant members (largest share first), then
 * silent ones (longest silence first), then low shares (smallest first); ties keep roster order. The
 * flags were decided by `computeMeasures` with the group's settings, so this only puts them in words
 * and cannot disagree with them. Percentages are rounded ("under 1%" rather than a misleading 0%),
 * minutes are whole minutes elapsed.
 */
export function nudges(measures: Measures, aliasOf: (memberId: string) => string): Nudge[] {
  const fair = percent(measures.fairShare);
  const dominant: MemberMeasure[] = [];
  const silent: MemberMeasure[] = [];
  const low: MemberMeasure[] = [];
  for (const m of measures.members) {
    if (m.dominant) dominant.push(m);
    if (m.quiet === 'silent') silent.push(m);
    else if (m.quiet === 'low-share') low.push(m);
  }
  // Array.prototype.sort is stable, so equal keys stay in roster order.
  dominant.sort((a, b) => b.share - a.share);
  silent.sort((a, b) => b.silentMs - a.silentMs);
  low.sort((a, b) => a.share - b.share);

  const out: Nudge[] = [];
  for (const m of dominant) {
    const text = `${aliasOf(m.memberId)} holds ${percent(m.share)} of the talk — fair share is ${fair}`;
    out.push({ kind: 'dominant', memberId: m.memberId, text });
  }
  for (const m of silent) {
    const text =
      m.lastSpokeAt === null
        ? `${aliasOf(m.memberId)} hasn't spoken yet`
        : `${aliasOf(m.memberId)} hasn't spoken in ${Math.floor(m.silentMs / 60_000)} min`;
    out.push({ kind: 'silent', memberId: m.memberId, text });
  }
  for (const m of low) {
    const had = m.talkMs > 0 ? `has had ${percent(m.share)} of the talk` : 'has had none of the talk';
    out.push({ kind: 'low-share', memberId: m.memberId, text: `${aliasOf(m.memberId)} ${had} — fair share is ${fair}` });
  }
  return out;
}

/** A share as a whole percentage; a share above zero never reads as "0%". */
function percent(share: number): string {
  const p = Math.round(share * 100);
  return p === 0 && share > 0 ? 'under 1%' : `${p}%`;
}
