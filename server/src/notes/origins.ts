import type { NotesConnection } from './NotesDoc.ts';

/**
 * Where a change to a notes document came from, as the transaction's origin: a connection here,
 * another instance (through the relay), or Postgres (rows read while loading or saving). Each tells
 * the document what else to do with the change: relay it, save it, or neither.
 */
export type NotesOrigin =
  | { readonly source: 'connection'; readonly conn: NotesConnection }
  | { readonly source: 'relay' }
  | { readonly source: 'storage' };

/** Changes from another instance: applied here and sent to this instance's connections, never relayed again. */
export const FROM_RELAY: NotesOrigin = { source: 'relay' };
/** Rows read from Postgres: already stored, so not unsaved. */
export const FROM_STORAGE: NotesOrigin = { source: 'storage' };

/** The origin tag of a transaction, if it is one of ours. */
export function originOf(origin: unknown): NotesOrigin | null {
  return typeof origin === 'object' && origin !== null && 'source' in origin ? (origin as NotesOrigin) : null;
}
