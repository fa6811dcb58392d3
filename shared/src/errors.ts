import { z } from 'zod';

/** What a client needs to know of one error code: its HTTP status and what it means. */
export interface ErrorInfo {
  /** The status `/api` answers with this code; the socket carries the code alone. */
  readonly status: number;
  /** What happened, for someone writing a client. */
  readonly meaning: string;
  /** Whether sending the same request again (same command id) may succeed. */
  readonly retry: boolean;
}

/**
 * Every error code Hearth sends, over HTTP and the socket, with its status and meaning. Clients branch
 * on the code; the message is for people. The contract documents are generated from this table.
 */
export const ERRORS = {
  // Request shape
  BAD_REQUEST: {
    status: 400,
    retry: false,
    meaning: 'The body, parameter or payload does not match its schema (unknown key, wrong type, too long, a command without a string `type`), JSON that does not parse, a path with a malformed `%` escape, a body that is not encoded as its Content-Encoding says, or a socket message sent without an acknowledgement callback.'
  },
  UNKNOWN_COMMAND: {
    status: 400,
    retry: false,
    meaning: 'The command `type`, or the socket message name, is not one this server knows: possibly a client of a newer protocol.'
  },
  PAYLOAD_TOO_LARGE: { status: 413, retry: false, meaning: 'An HTTP body over 32 KiB (as read, after its Content-Encoding), or a command over 16 KiB.' },
  UNSUPPORTED_ENCODING: {
    status: 415,
    retry: false,
    meaning: 'An HTTP body in a charset other than UTF-8, or with a Content-Encoding the server does not read: send UTF-8 JSON, as it is or in gzip, deflate or br (the answer\'s Accept-Encoding names them).'
  },
  UNSUPPORTED_PROTOCOL: {
    status: 400,
    retry: false,
    meaning: 'The client was built for another protocol version than this server serves (`join`\'s `protocol`; a join without it is a version-1 client): reload the page, or update the client.'
  },
  // Identity and access
  UNAUTHENTICATED: {
    status: 401,
    retry: false,
    meaning: 'No valid login cookie or member token (missing, unknown, expired or revoked). Also the code of `connect_error` and `revoked`.'
  },
  FORBIDDEN: {
    status: 403,
    retry: false,
    meaning: 'Authenticated, but this role may not do this: not on the group\'s staff, a member token for another session, a role not allowed to issue the command, or a server-only command sent by a client.'
  },
  BAD_ORIGIN: { status: 403, retry: false, meaning: 'The request\'s `Origin` is not an allowed origin (checked before the body is read).' },
  INVALID_CREDENTIALS: { status: 401, retry: false, meaning: 'Wrong email or password.' },
  RATE_LIMITED: {
    status: 429,
    retry: true,
    meaning: 'Too many attempts: failed sign-ins or refused passkeys, invite codes that did not work, socket connections from one address (the code of `connect_error`), or commands sent faster than a person types on one socket. Wait `retryAfterMs` (HTTP: the `Retry-After` header) and try again; a refused command changed nothing.'
  },
  NOT_FOUND: { status: 404, retry: false, meaning: 'No such session, group, invite, clinician or API route.' },
  NOT_JOINED: {
    status: 409,
    retry: true,
    meaning: 'A `command` for a session this socket has not joined (or has left): join, then send it again with the same id.'
  },
  PASSKEY_REFUSED: { status: 401, retry: false, meaning: 'The passkey answer did not verify: an unknown passkey, a challenge used, expired or of another account, a bad signature, or a deactivated account.' },
  LINK_NOT_VALID: { status: 404, retry: false, meaning: 'The set-password link is unknown, used, expired or replaced by a newer one, or its account is deactivated: ask an admin for a new link.' },
  EMAIL_TAKEN: { status: 409, retry: false, meaning: 'An account with this email exists already.' },
  ACCOUNT_DEACTIVATED: { status: 409, retry: false, meaning: 'The account is deactivated: it gets no new set-password link.' },
  OWN_ACCOUNT: { status: 409, retry: false, meaning: 'Admins do not deactivate their own account: another admin does.' },
  TEMPLATE_EXISTS: { status: 409, retry: false, meaning: 'The organization has an agenda template of that name (ignoring case): choose another name.' },
  ALIAS_TAKEN: { status: 409, retry: false, meaning: 'A member of the group (current or discharged) has this alias already, ignoring case.' },
  GROUP_CLOSED: { status: 409, retry: false, meaning: 'The group is closed and has met: adding a member needs a `reason`.' },
  ROSTER_FULL: { status: 409, retry: false, meaning: 'The roster holds 30 active members, the most it may.' },
  INVITE_NOT_VALID: {
    status: 404,
    retry: false,
    meaning: 'The personal invite code is unknown, replaced by a newer one, revoked, or its member discharged: ask the facilitator for a new one. All four answer alike, so a guess learns nothing.'
  },
  NO_OPEN_SESSION: { status: 409, retry: false, meaning: 'The member\'s group has no session to join now (none scheduled or live), or the one named is not open to this member.' },
  NOT_ADMITTED: {
    status: 403,
    retry: false,
    meaning: 'This device is not let into the session: still in the waiting room, declined, or another device was admitted with the same invite. Its page shows which.'
  },
  REQUEST_NOT_WAITING: { status: 409, retry: false, meaning: 'No one is waiting with that request: already admitted, declined, replaced by a newer one, or unknown.' },
  COMMAND_ID_TAKEN: {
    status: 409,
    retry: false,
    meaning: 'This command id was already used in the session by another account or member: choose a fresh id.'
  },
  // Board rules (rejections by the domain): the command was understood, and the board says no.
  SESSION_NOT_FOUND: { status: 409, retry: false, meaning: 'The session has no events yet (not normally seen: sessions are created with their first events).' },
  SESSION_EXISTS: { status: 409, retry: false, meaning: '`session.create` for a session that exists.' },
  SESSION_NOT_SCHEDULED: { status: 409, retry: false, meaning: '`session.start` when the session is already live or ended.' },
  SESSION_NOT_LIVE: { status: 409, retry: false, meaning: 'The command needs a live session: start it first.' },
  SESSION_ENDED: { status: 409, retry: false, meaning: 'The session has ended; its board is closed.' },
  SESSION_CANCELLED: { status: 409, retry: false, meaning: 'The session was cancelled: its board is closed.' },
  ITEM_NOT_FOUND: { status: 409, retry: false, meaning: 'No agenda item with that id.' },
  ITEM_EXISTS: { status: 409, retry: false, meaning: 'An item with that id exists (or the ids in `session.create` repeat).' },
  ITEM_IS_CURRENT: { status: 409, retry: false, meaning: 'Starting the item that is already current, or removing the current item.' },
  ITEM_NOT_CURRENT: { status: 409, retry: false, meaning: 'Pause, resume, extend or complete of an item that is not current.' },
  ITEM_NOT_RUNNING: { status: 409, retry: false, meaning: 'Pausing an item that is paused.' },
  ITEM_NOT_PAUSED: { status: 409, retry: false, meaning: 'Resuming an item that is running.' },
  ITEM_FINISHED: { status: 409, retry: false, meaning: 'Skipping an item that is done or skipped.' },
  NO_NEXT_ITEM: { status: 409, retry: false, meaning: '`item.next` with no current item and no pending item left.' },
  AGENDA_FULL: { status: 409, retry: false, meaning: 'The agenda already holds 50 items.' },
  BAD_ORDER: { status: 409, retry: false, meaning: '`agenda.reorder` does not list every item exactly once.' },
  EXTENSION_LIMIT: { status: 409, retry: false, meaning: 'The item\'s extensions would exceed 240 minutes in all.' },
  NOTHING_CHANGED: {
    status: 409,
    retry: false,
    meaning: 'The command changes nothing: an edit, order, guidance or setting that is already so; the floor already theirs; a hand already up or down; a flag or cue already acknowledged; a step already checked; attendance already so.'
  },
  DUPLICATE_ID: { status: 409, retry: false, meaning: 'A list that must name each id once names one twice (roster member ids in `session.create`, members of a flag), or an `admission.request` for a device that waits or is in already.' },
  MEMBER_NOT_FOUND: { status: 409, retry: false, meaning: 'No member with that id on the session\'s roster (or `hand.lower` by a facilitator without `memberId`).' },
  NO_HANDS: { status: 409, retry: false, meaning: '`floor.give_first_hand` with no hand up.' },
  FLAG_NOT_FOUND: { status: 409, retry: false, meaning: 'No flag with that id in this session.' },
  FLAG_EXISTS: { status: 409, retry: false, meaning: '`flag.raise` with the id of a flag that exists.' },
  FLAG_RESOLVED: { status: 409, retry: false, meaning: 'The flag is resolved: checklist steps and resolution are closed (follow-ups stay possible).' },
  OWN_FLAG: { status: 409, retry: false, meaning: 'A flag is acknowledged by someone other than who raised it: the co-facilitator or the supervisor.' },
  NOT_CRISIS: { status: 409, retry: false, meaning: 'The crisis checklist belongs to flags of severity `crisis` or category `safety-risk`.' },
  STEP_NOT_FOUND: { status: 409, retry: false, meaning: 'No step with that id in the session\'s crisis checklist.' },
  AGREEMENT_REQUIRED: { status: 409, retry: false, meaning: 'A member\'s first join (or the first since the group agreement changed) without `acceptAgreement: true`: show them the agreement from their invite, then join accepting it.' },
  INSTRUMENT_EXISTS: { status: 409, retry: false, meaning: 'The organization has an instrument of that title already (its key is made from the title): choose another title.' },
  MEASURE_EXISTS: { status: 409, retry: false, meaning: '`measure.open` with the id of a measure that exists in this session.' },
  MEASURE_OPEN: { status: 409, retry: false, meaning: '`measure.open` while another measure is open on members\' phones: close that one first.' },
  MEASURE_NOT_FOUND: { status: 409, retry: false, meaning: 'No measure with that id in this session.' },
  MEASURE_CLOSED: { status: 409, retry: false, meaning: '`measure.answer` to a measure a facilitator closed (or that closed with the session).' },
  INSTRUMENT_NOT_FOUND: { status: 409, retry: false, meaning: '`measure.open` with an instrument key the session does not have.' },
  ALREADY_ANSWERED: { status: 409, retry: false, meaning: 'The member has answered this measure already; an answer is given once.' },
  ANSWERS_INVALID: { status: 400, retry: false, meaning: '`measure.answer` whose answers do not fit the instrument: another number of answers than questions, or a value outside its scale.' },
  CUE_NOT_FOUND: { status: 409, retry: false, meaning: 'No cue with that id in this session.' },
  CUE_EXISTS: { status: 409, retry: false, meaning: '`cue.send` with the id of a cue that exists.' },
  RESOURCE_EXISTS: { status: 409, retry: false, meaning: '`resource.share` with the id of a resource already shared in this session.' },
  LIMIT_REACHED: { status: 409, retry: false, meaning: 'The session holds as many flags (100), cues (200) or shared resources (100) as it may, or the organization\'s resource library as many resources (200).' },
  // Records
  SESSION_NOT_ENDED: { status: 409, retry: false, meaning: 'A record is drawn once the session has ended: end it first.' },
  RECORD_NOT_FOUND: { status: 404, retry: false, meaning: 'The session has no record yet: take its draft first.' },
  RECORD_FINAL: { status: 409, retry: false, meaning: 'The record is final: nothing in it changes any more; add an addendum instead.' },
  RECORD_NOT_FINAL: { status: 409, retry: false, meaning: 'Only a final record takes addenda or is exported as signed.' },
  GUARDS_OPEN: { status: 409, retry: false, meaning: 'The record cannot be signed while a guard is open (another member named in a note, near-identical narratives, attendance unconfirmed, a flag open).' },
  ALREADY_SIGNED: { status: 409, retry: false, meaning: 'You already signed this record as it stands.' },
  NOT_YOURS_TO_SIGN: {
    status: 409,
    retry: false,
    meaning: 'Your signature is not one this record needs now: a supervisor co-signs after every facilitator, and only when the group asks for it.'
  },
  // Server
  BUSY: { status: 503, retry: true, meaning: 'The session\'s log is under heavy concurrent writing, or the server is shutting down: retry with the same id.' },
  NOTES_NOT_SAVED: {
    status: 503,
    retry: true,
    meaning: 'An instance holding the session\'s notes did not confirm saving them in time, so a record drawn now could miss text: try again shortly.'
  },
  UNAVAILABLE: { status: 503, retry: true, meaning: 'A service the server needs (the database) does not answer: retry shortly, with the same id.' },
  INTERNAL: { status: 500, retry: true, meaning: 'A failure of the server\'s own; nothing was changed: retry with the same id.' }
} as const satisfies Record<string, ErrorInfo>;

export type ErrorCode = keyof typeof ERRORS;

/** Every error code by name, for code that branches on one: `ErrorCode.FORBIDDEN`. */
export const ErrorCode = Object.fromEntries(Object.keys(ERRORS).map((k) => [k, k])) as { readonly [K in ErrorCode]: K };

/** Every error code, in the table's order. */
export const ERROR_CODES = Object.keys(ERRORS) as readonly ErrorCode[];

/** An error as it crosses the wire. */
export const WireError = z
  .object({
    code: z.enum(ERROR_CODES as [ErrorCode, ...ErrorCode[]]).describe('Branch on this: one of the error codes.'),
    message: z.string().describe('For people: what went wrong and what to do.'),
    retryAfterMs: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('With `RATE_LIMITED`: how long to wait before the next attempt can succeed, in milliseconds (over HTTP the `Retry-After` header says it in seconds).')
  })
  .strict();
export type WireError = z.infer<typeof WireError>;

/** The HTTP status for a wire error code. */
export function httpStatusOf(code: ErrorCode): number {
  return ERRORS[code].status;
}

/**
 * Codes a client gives its own callers for what never reached an answer from the server: the board
 * was closed, the connection stopped for good, an action waited too long to be sent, or the server
 * never confirmed it. They never cross the wire.
 */
export const ClientErrorCode = {
  CLOSED: 'CLOSED',
  STOPPED: 'STOPPED',
  EXPIRED: 'EXPIRED',
  NO_ANSWER: 'NO_ANSWER'
} as const;
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];
