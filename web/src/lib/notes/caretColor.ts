/**
 * Caret colours: 6-digit hex only (y-prosemirror appends an alpha byte for the selection), each dark
 * enough for the white name label on it to pass WCAG AA.
 */
const CARET_COLORS = ['#1f5f5b', '#8a3b12', '#5b3f8c', '#1d4f91', '#7a2e5a', '#2f6632', '#6b4f00', '#9b2c2c'] as const;

/** The same colour for the same clinician on every board. */
export function caretColor(accountId: string): string {
  let hash = 0;
  for (const ch of accountId) hash = (hash * 31 + ch.codePointAt(0)!) >>> 0;
  return CARET_COLORS[hash % CARET_COLORS.length]!;
}

/**
 * Whether a colour from another client's awareness is safe to draw: y-prosemirror puts it straight
 * into a style attribute, so anything but #rrggbb is refused rather than trusted.
 */
export function isCaretColor(value: unknown): value is string {
  return typeof value === 'string' && /^#[0-9a-fA-F]{6}$/.test(value);
}
