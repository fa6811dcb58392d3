import { z } from 'zod';
import { aliasMentions } from '../notes/shape.ts';
import { Id, type Frozen } from '../roles.ts';
import type { RecordContent } from './record.ts';

/**
 * What blocks signing until a clinician deals with it: another member named in a member's note
 * (edit it, or mark the mention as not a reference to that member, with a reason); two members'
 * narratives the same or nearly so (cloned text is a known audit finding); a member whose
 * attendance nobody confirmed (never connected, never marked); a flag still open.
 */
export const RecordGuard = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('names-another-member'),
      memberId: Id,
      mentionedMemberId: Id,
      alias: z.string(),
      where: z.enum(['narrative', 'flag'])
    })
    .strict(),
  z.object({ kind: z.literal('similar-narratives'), memberIds: z.tuple([Id, Id]), similarity: z.number() }).strict(),
  z.object({ kind: z.literal('attendance-unconfirmed'), memberId: Id }).strict(),
  z.object({ kind: z.literal('open-flag'), flagId: Id }).strict()
]);
export type RecordGuard = Frozen<z.infer<typeof RecordGuard>>;

/** A clinician's word that a mention of an alias in a member's note does not refer to that member. */
export const MentionOverride = z
  .object({
    memberId: Id,
    mentionedMemberId: Id,
    reason: z.string().trim().min(1).max(300)
  })
  .strict();
export type MentionOverride = Frozen<z.infer<typeof MentionOverride>>;

/** Narratives at least this alike (word trigrams in common) are near copies. */
export const SIMILARITY_LIMIT = 0.8;

const words = (text: string): string[] => text.toLowerCase().normalize('NFKC').split(/[^\p{L}\p{N}]+/u).filter(Boolean);

/** How alike two texts are: 1 for the same words, else the Jaccard index of their word trigrams. */
export function similarity(a: string, b: string): number {
  const wa = words(a);
  const wb = words(b);
  if (wa.length === 0 || wb.length === 0) return 0;
  if (wa.join(' ') === wb.join(' ')) return 1;
  const grams = (w: string[]) => new Set(w.length < 3 ? [w.join(' ')] : w.slice(2).map((_, i) => `${w[i]} ${w[i + 1]} ${w[i + 2]}`));
  const ga = grams(wa);
  const gb = grams(wb);
  let shared = 0;
  for (const g of ga) if (gb.has(g)) shared++;
  return shared / (ga.size + gb.size - shared);
}

/** Every guard the record's content raises, given the overrides recorded for it. */
export function recordGuards(content: RecordContent, overrides: readonly MentionOverride[]): RecordGuard[] {
  const roster = content.members.map((m) => ({ memberId: m.memberId, alias: m.alias }));
  const waived = (memberId: string, mentioned: string) => overrides.some((o) => o.memberId === memberId && o.mentionedMemberId === mentioned);
  const guards: RecordGuard[] = [];
  for (const note of content.members) {
    const seen = new Set<string>();
    const texts: [string, 'narrative' | 'flag'][] = [[note.narrative ?? '', 'narrative'], ...note.flags.map((f): [string, 'flag'] => [f.note, 'flag'])];
    for (const [text, where] of texts) {
      for (const m of aliasMentions(text, roster, note.memberId)) {
        const key = `${m.memberId}:${where}`;
        if (seen.has(key) || waived(note.memberId, m.memberId)) continue;
        seen.add(key);
        guards.push({ kind: 'names-another-member', memberId: note.memberId, mentionedMemberId: m.memberId, alias: m.alias, where });
      }
    }
  }
  const told = content.members.filter((m) => m.narrative !== null && words(m.narrative).length > 0);
  for (let i = 0; i < told.length; i++) {
    for (let j = i + 1; j < told.length; j++) {
      const s = similarity(told[i]!.narrative!, told[j]!.narrative!);
      if (s >= SIMILARITY_LIMIT) guards.push({ kind: 'similar-narratives', memberIds: [told[i]!.memberId, told[j]!.memberId], similarity: Math.round(s * 100) / 100 });
    }
  }
  for (const m of content.members) {
    const a = m.attendance;
    if (a.status === 'absent' && a.correction === null && a.firstJoin === null) guards.push({ kind: 'attendance-unconfirmed', memberId: m.memberId });
  }
  for (const f of content.session.flags) if (f.resolved === null) guards.push({ kind: 'open-flag', flagId: f.flagId });
  return guards;
}
