/**
 * The notes endpoint's wire contract. Notes speak the standard y-websocket protocol (y-protocols
 * sync, awareness and auth messages), so the stock `y-websocket` WebsocketProvider connects to it
 * unmodified: serverUrl `<origin>/yjs`, room name `notesDocName(sessionId)`.
 */

/** The path prefix of the notes endpoint; the room name follows it: `/yjs/notes:<sessionId>`. */
export const NOTES_PATH = '/yjs/';

/** The room (document) name of a session's notes. */
export function notesDocName(sessionId: string): string {
  return `notes:${sessionId}`;
}

/** y-websocket's top-level message types (the first varUint of every binary message). */
export const NotesMessage = {
  SYNC: 0,
  AWARENESS: 1,
  AUTH: 2,
  QUERY_AWARENESS: 3
} as const;

/**
 * Close codes of an open notes connection. 4400–4499 mirror HTTP 4xx: the stock provider stops
 * reconnecting (reconnecting cannot help); 4500–4599 mean "try again later" and it reconnects with
 * backoff. Refusals before the socket opens are plain HTTP statuses (400, 401, 403, 404).
 */
export const NotesClose = {
  /** A message that is not a valid y-websocket message. */
  BAD_REQUEST: 4400,
  /** The login ended: logged out, expired or revoked. */
  UNAUTHENTICATED: 4401,
  /** The clinician is no longer staff of the session's group. */
  FORBIDDEN: 4403,
  /** A document update that decodes but cannot be used: it would leave structures pending, or breaks the sections. */
  UNUSABLE_UPDATE: 4422,
  /** The stored notes could not be loaded; nothing was created in their place. Retried by the client. */
  LOAD_FAILED: 4500,
  /** The server is shutting down (after saving); the client reconnects, to another instance if there is one. */
  GOING_AWAY: 1001
} as const;
export type NotesClose = (typeof NotesClose)[keyof typeof NotesClose];

/** What each close code means and what the stock provider does on it: for the contract. */
export const NOTES_CLOSE_INFO: readonly { readonly code: number; readonly when: string; readonly provider: string }[] = [
  { code: NotesClose.BAD_REQUEST, when: 'A malformed message: a text frame, an unknown message type, an undecodable update.', provider: 'stops (4400–4499 are final)' },
  { code: NotesClose.UNAUTHENTICATED, when: 'The login ended: signed out (at once, on every instance), or found expired or revoked at the periodic re-check.', provider: 'stops; sign in again' },
  {
    code: NotesClose.UNUSABLE_UPDATE,
    when: 'A document update that decodes but cannot be used: it depends on changes the server never had (it would stay pending), or it adds something that is not a section of the notes (another root, text or values directly in a section). It is not applied, relayed or stored.',
    provider: 'stops (4400–4499 are final); reload to start from the server\'s notes'
  },
  { code: NotesClose.FORBIDDEN, when: 'The clinician is no longer staff of the session\'s group (periodic re-check).', provider: 'stops' },
  { code: NotesClose.LOAD_FAILED, when: 'The stored notes could not be loaded; no document was created in their place.', provider: 'retries with backoff; connects once the database answers' },
  { code: NotesClose.GOING_AWAY, when: 'The server is shutting down, after saving.', provider: 'retries (to another instance)' },
  { code: 1009, when: 'A frame over MAX_NOTES_MESSAGE_BYTES (4 MiB).', provider: 'retries' }
];

/** Refusals of the upgrade request, before any WebSocket exists: plain HTTP answers with an error body. */
export const NOTES_UPGRADE_REFUSALS: readonly { readonly status: number; readonly code: string; readonly when: string }[] = [
  { status: 400, code: 'BAD_REQUEST', when: 'The path is not `/yjs/notes:<uuid>`.' },
  { status: 401, code: 'UNAUTHENTICATED', when: 'No login cookie, or an unknown, expired or revoked one.' },
  { status: 403, code: 'BAD_ORIGIN', when: 'The `Origin` is not allowed.' },
  { status: 403, code: 'FORBIDDEN', when: 'A member (notes are never sent to members), or a clinician not on the session\'s group\'s staff.' },
  { status: 404, code: 'NOT_FOUND', when: 'No such session.' },
  { status: 503, code: 'BUSY', when: 'The server is shutting down.' }
];

/** The reason sent (y-protocols auth, permission denied) when a read-only connection tries to edit. */
export const NOTES_READ_ONLY_REASON = 'read-only: supervisors cannot edit notes';

/** The reason sent when anyone tries to edit notes that are frozen (the record's draft was taken). */
export const NOTES_FROZEN_REASON = 'read-only: the notes are frozen for the record; edit them in its review';

/** The largest WebSocket message the notes endpoint accepts, in bytes; a larger one closes the connection (1009). */
export const MAX_NOTES_MESSAGE_BYTES = 4 * 1024 * 1024;
