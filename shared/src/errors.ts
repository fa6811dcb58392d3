/**
 * Every error code Hearth sends, over HTTP and the socket. Clients branch on the code; the message
 * is for people. Documented in docs/protocol.md.
 */
export const ErrorCode = {
  // Request shape
  BAD_REQUEST: 'BAD_REQUEST',
  UNKNOWN_COMMAND: 'UNKNOWN_COMMAND',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  // Identity and access
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  BAD_ORIGIN: 'BAD_ORIGIN',
  INVALID_CREDENTIALS: 'INVALID_CREDENTIALS',
  RATE_LIMITED: 'RATE_LIMITED',
  NOT_FOUND: 'NOT_FOUND',
  NOT_JOINED: 'NOT_JOINED',
  ALIAS_NOT_ON_ROSTER: 'ALIAS_NOT_ON_ROSTER',
  // Board rules (rejections by the domain)
  SESSION_NOT_FOUND: 'SESSION_NOT_FOUND',
  SESSION_EXISTS: 'SESSION_EXISTS',
  SESSION_NOT_SCHEDULED: 'SESSION_NOT_SCHEDULED',
  SESSION_NOT_LIVE: 'SESSION_NOT_LIVE',
  SESSION_ENDED: 'SESSION_ENDED',
  ITEM_NOT_FOUND: 'ITEM_NOT_FOUND',
  ITEM_EXISTS: 'ITEM_EXISTS',
  ITEM_IS_CURRENT: 'ITEM_IS_CURRENT',
  ITEM_NOT_CURRENT: 'ITEM_NOT_CURRENT',
  ITEM_NOT_RUNNING: 'ITEM_NOT_RUNNING',
  ITEM_NOT_PAUSED: 'ITEM_NOT_PAUSED',
  ITEM_FINISHED: 'ITEM_FINISHED',
  NO_NEXT_ITEM: 'NO_NEXT_ITEM',
  AGENDA_FULL: 'AGENDA_FULL',
  BAD_ORDER: 'BAD_ORDER',
  EXTENSION_LIMIT: 'EXTENSION_LIMIT',
  NOTHING_CHANGED: 'NOTHING_CHANGED',
  MEMBER_NOT_FOUND: 'MEMBER_NOT_FOUND',
  NO_HANDS: 'NO_HANDS',
  // Server
  BUSY: 'BUSY',
  INTERNAL: 'INTERNAL'
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** An error as it crosses the wire. */
export interface WireError {
  readonly code: ErrorCode;
  readonly message: string;
}
