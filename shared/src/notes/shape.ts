import type { RosterEntry } from '../board/commands.ts';

/**
 * The shape of a session's notes document. The Y.Doc holds one Y.XmlFragment per section: the
 * general section, and one per member on the session's roster. A member's section is a root of its
 * own, so it becomes that member's part of the record as it stands, without parsing headings out
 * of one long text, and the editor can show it beside the member's alias.
 */
export const GENERAL_SECTION = 'general';

/** Every member section's name starts with this; the rest is the roster member id. */
export const MEMBER_SECTION_PREFIX = 'member:';

/** The Y.XmlFragment name of one member's section. */
export function sectionName(memberId: string): string {
  return `${MEMBER_SECTION_PREFIX}${memberId}`;
}

/** The member id a section name belongs to, or null for the general section or any other name. */
export function memberOfSection(name: string): string | null {
  return name.startsWith(MEMBER_SECTION_PREFIX) && name.length > MEMBER_SECTION_PREFIX.length
    ? name.slice(MEMBER_SECTION_PREFIX.length)
    : null;
}

/** Every section of a session's notes, in order: general first, then the roster's order. */
export function notesSections(roster: readonly RosterEntry[]): string[] {
  return [GENERAL_SECTION, ...roster.map((r) => sectionName(r.memberId))];
}

/** Another member's alias found in a member's section. */
export interface AliasMention {
  readonly memberId: string;
  readonly alias: string;
  /** Where the alias starts in the text (UTF-16 index) and how long the match is. */
  readonly index: number;
  readonly length: number;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Other members' aliases written in one member's section: whole words, any case. A member's
 * section becomes that member's part of the record, so naming someone else in it is worth a gentle
 * cue in the editor. Pure; an alias that sits inside a longer alias's match (say "Sam" inside
 * "Sam K") is not reported on its own, and the member's own alias is never reported.
 */
export function aliasMentions(text: string, roster: readonly RosterEntry[], ownMemberId: string): AliasMention[] {
  const found: AliasMention[] = [];
  for (const { memberId, alias } of roster) {
    const trimmed = alias.trim();
    if (!trimmed) continue;
    // \b is ASCII-only even with the u flag: letters and digits of any script bound a word here.
    const re = new RegExp(`(?<![\\p{L}\\p{N}_])${escapeRegExp(trimmed)}(?![\\p{L}\\p{N}_])`, 'giu');
    for (const m of text.matchAll(re)) found.push({ memberId, alias, index: m.index, length: m[0].length });
  }
  const inside = (a: AliasMention, b: AliasMention) =>
    a !== b && b.index <= a.index && a.index + a.length <= b.index + b.length && b.length > a.length;
  return found
    .filter((a) => !found.some((b) => inside(a, b)))
    .filter((a) => a.memberId !== ownMemberId)
    .sort((a, b) => a.index - b.index || b.length - a.length);
}
