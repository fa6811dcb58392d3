import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** The canonical JSON of a value (RFC 8785, JCS): one text for one value, whatever its key order. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('nothing to canonicalize');
  return text;
}

/** SHA-256, hex. */
export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The hash a signature signs: the SHA-256 of the canonical JSON of the content. */
export const contentHash = (content: unknown): string => sha256(canonicalJson(content));

/** What an entry's hash covers: its body's hash and its place in the group's chain. */
export interface ChainLink {
  readonly groupId: string;
  readonly chainSeq: number;
  readonly kind: 'record' | 'addendum';
  readonly recordId: string;
  readonly bodyHash: string;
  readonly prevHash: string | null;
}

/** An entry's hash: chained to the previous one by `prevHash`, so changing any entry breaks every link after it. */
export const entryHash = (link: ChainLink): string => sha256(canonicalJson(link));
