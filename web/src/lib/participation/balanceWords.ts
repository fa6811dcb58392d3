/**
 * The balance index in plain words. The cut-offs are a reading aid, not clinical thresholds: the
 * index is normalized entropy, so 0.9 is already a clearly lopsided split for a small group (for
 * four members, 40/30/20/10 gives about 0.92), and anything under 0.5 means one or two voices
 * carried the session.
 */
export function balanceWords(index: number | null): string {
  if (index === null) return 'nobody has spoken yet';
  if (index >= 0.95) return 'even';
  if (index >= 0.85) return 'fairly even';
  if (index >= 0.6) return 'uneven';
  return 'very uneven';
}
