/** Splits a typed roster into aliases: one per line or comma-separated, blanks dropped. */
export function parseAliases(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((a) => a.trim())
    .filter((a) => a.length > 0);
}
