import type { RecordContent, RecordGuard, SignatureMeaning } from '@hearth/shared';

/** What a signature means, in the words of the signature block (21 CFR 11.50). */
export const MEANING_LABELS: Readonly<Record<SignatureMeaning, string>> = {
  author: 'Author',
  'co-author': 'Co-author',
  'reviewed-and-approved': 'Reviewed and approved'
};

/** What the signer attests, shown before they sign and printed with the signature. */
export const MEANING_STATEMENTS: Readonly<Record<SignatureMeaning, string>> = {
  author: 'I wrote this record and attest that it is accurate and complete.',
  'co-author': 'I co-facilitated this session and attest that this record is accurate and complete.',
  'reviewed-and-approved': 'I reviewed this record as the clinical supervisor and approve it.'
};

export const OUTCOME_LABELS = { completed: 'Completed', skipped: 'Skipped', 'not-reached': 'Not reached' } as const;

/** A date and time as a chart shows it: with the weekday and the time zone. */
export function chartTime(iso: string | null): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString([], { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' });
}

export function chartDate(iso: string | null): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleDateString([], { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });
}

export function minutes(m: number | null): string {
  if (m === null) return '—';
  return `${m} min`;
}

export function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/** A guard in a sentence, naming members by alias (clinicians see every alias). */
export function guardText(guard: RecordGuard, content: RecordContent): string {
  const alias = (id: string) => content.members.find((m) => m.memberId === id)?.alias ?? 'a member';
  switch (guard.kind) {
    case 'names-another-member':
      return guard.where === 'narrative'
        ? `${alias(guard.memberId)}'s note names ${guard.alias}. Edit the note, or mark the mention as not a reference to ${guard.alias}.`
        : `A flag in ${alias(guard.memberId)}'s note names ${guard.alias}. Mark it as not a reference, or rewrite the flag's note on the board.`;
    case 'similar-narratives':
      return `${alias(guard.memberIds[0] ?? '')}'s and ${alias(guard.memberIds[1] ?? '')}'s notes are ${guard.similarity === 1 ? 'the same' : 'nearly the same'}. Each member's note should be their own.`;
    case 'attendance-unconfirmed':
      return `${alias(guard.memberId)} never connected and nobody marked their attendance. Confirm it with a reason.`;
    case 'open-flag': {
      const flag = content.session.flags.find((f) => f.flagId === guard.flagId);
      return `A flag is still open${flag ? ` (${flag.note || flag.category})` : ''}. Resolve it before signing.`;
    }
  }
}
