import { z } from 'zod';
import { COMMAND_DOCS } from './board/commandDocs.ts';
import { PlannedItem } from './board/commands.ts';
import { ERRORS, WireError, type ErrorCode } from './errors.ts';
import { ParticipationSettings } from './participation/types.ts';
import { CommandResult, Uuid } from './protocol.ts';
import { DateTimeInput, Id, UtcDateTime, type Frozen } from './roles.ts';
import { CrisisProtocol } from './safety/types.ts';
import {
  AddendumRequest,
  ChainVerification,
  NarrativeEdit,
  PendingRecord,
  RecordAccess,
  RecordExport,
  RecordView,
  SignRequest,
  SummaryEdit
} from './records/api.ts';
import { MentionOverride } from './records/guards.ts';
import { AddMemberRequest, Alias, DischargeRequest, GroupMember, GroupStaffMember, ReadmitRequest, SaveGroupRequest, SaveStaffRequest } from './practice/roster.ts';
import { AgendaTemplate, CreateSeriesRequest, NewAgendaTemplate, OrganizationInfo, TimeZoneRequest } from './practice/templates.ts';
import { Passkey, PasskeyChallenge, PasskeyRegistration, PasskeySignIn } from './people.ts';
import { ChangePasswordRequest, InvitePersonRequest, PasswordLinkInfo, PasswordLinkIssued, Person, SetPasswordRequest } from './people.ts';
import { INVITE_ROUTES } from './practice/inviteRoutes.ts';
import { ALERT_ROUTES } from './safety/alerts.ts';
import { RESOURCE_ROUTES } from './practice/resources.ts';
import { PROGRESS_ROUTES } from './measures/progressRoutes.ts';
import { GOAL_ROUTES, GoalRatingEdit } from './measures/goals.ts';
import { INTAKE_ROUTES } from './practice/intake.ts';
import { OWN_INSTRUMENT_ROUTES } from './measures/ownInstruments.ts';
import { DueMeasure } from './measures/schedule.ts';
import { AUDIT_ROUTES } from './audit.ts';

/** HTTP request bodies and responses of /api, and the table of routes the server serves and documents. */

export const LoginRequest = z
  .object({ email: z.string().trim().toLowerCase().email().max(254), password: z.string().min(1).max(200) })
  .strict();
export type LoginRequest = z.infer<typeof LoginRequest>;

export const CreateGroupRequest = z
  .object({
    name: z.string().trim().min(1).max(120),
    aliases: z
      .array(Alias)
      .min(1)
      .max(30)
      .refine((a) => new Set(a.map((x) => x.toLowerCase())).size === a.length, 'aliases must be unique')
      .describe('The roster: 1–30 aliases, unique ignoring case.'),
    coFacilitatorEmail: z.string().trim().toLowerCase().email().optional().describe('A clinician of your organization.'),
    supervisorEmail: z.string().trim().toLowerCase().email().optional().describe('A clinician of your organization.')
  })
  .strict();
export type CreateGroupRequest = z.infer<typeof CreateGroupRequest>;

export const CreateSessionRequest = z
  .object({
    title: z.string().trim().min(1).max(120),
    scheduledFor: DateTimeInput.nullable().describe('When it is planned (required; null for none).'),
    agenda: z.array(PlannedItem).max(50).describe('At most 50 items with unique ids; guidance (from a template) is for the clinicians only.')
  })
  .strict();
export type CreateSessionRequest = z.infer<typeof CreateSessionRequest>;


/** A command over HTTP: the same as the socket's, without the session (it is in the path). */
export const HttpCommandRequest = z
  .object({
    id: Id.describe('Idempotency key, chosen by the client: one per user action, reused for every retry of it.'),
    command: z.unknown().describe('One of the commands, discriminated by `type`.')
  })
  .strict();
export type HttpCommandRequest = z.infer<typeof HttpCommandRequest>;

/** A clinician's role in a group. */
export const StaffRole = z.enum(['facilitator', 'supervisor']);
export type StaffRole = z.infer<typeof StaffRole>;

/** A signed-in clinician. */
export const Me = z
  .object({
    id: Uuid,
    email: z.string(),
    displayName: z.string(),
    credentials: z.string(),
    admin: z.boolean().describe('Manages the organization\'s accounts (People).')
  })
  .strict();
export type Me = Frozen<z.infer<typeof Me>>;

/**
 * A request header a page sets on what it asks by itself (catching up after a reconnect), not because
 * the person did something: such a request does not count as activity, so it never keeps a login alive.
 */
export const BACKGROUND_HEADER = 'x-hearth-background';

/** How long a login lasts. */
export const LoginTimes = z
  .object({
    idleMinutes: z.number().int().positive().describe('SESSION_IDLE_MINUTES: without a request for this long the login ends, and pages lock.'),
    expiresAt: UtcDateTime.describe('The login\'s absolute end, however active.')
  })
  .strict();
export type LoginTimes = z.infer<typeof LoginTimes>;

export const SessionSummary = z
  .object({
    id: Uuid,
    groupId: Uuid,
    title: z.string(),
    status: z.enum(['scheduled', 'live', 'ended', 'cancelled']),
    scheduledFor: UtcDateTime.nullable()
  })
  .strict();
export type SessionSummary = Frozen<z.infer<typeof SessionSummary>>;

export const GroupSummary = z
  .object({
    id: Uuid,
    name: z.string(),
    role: StaffRole.describe('The signed-in clinician\'s role in this group.'),
    facilitators: z.array(z.string()).describe('Display names of the group\'s facilitators.'),
    staff: z.array(GroupStaffMember).describe('The group\'s clinicians with their roles, facilitators first.'),
    aliases: z.array(z.string()).describe('The active roster, in order.'),
    members: z.array(GroupMember).describe('Everyone ever on the roster, in order, discharged members included.'),
    closed: z.boolean().describe('A closed group takes new members only before its first session, or with a reason.'),
    maxSize: z.number().int().describe('Above this many active members Hearth warns (12 by default: the usual ceiling for billable group psychotherapy).'),
    supervisorCosign: z.boolean().describe('Whether records need the supervisor\'s co-signature.'),
    admitAutomatically: z.boolean().describe('Whether a member\'s first device comes straight in, without the waiting room.'),
    sessions: z.array(SessionSummary).describe('Newest first.')
  })
  .strict();
export type GroupSummary = Frozen<z.infer<typeof GroupSummary>>;

/** One clinician of a session's group, to put names to the account ids in flags, cues and corrections. */
export const StaffMember = z.object({ id: Uuid, displayName: z.string(), role: StaffRole }).strict();
export type StaffMember = Frozen<z.infer<typeof StaffMember>>;

/** A session as its clinicians open it. */
export const SessionInfo = z
  .object({
    session: SessionSummary,
    group: z.object({ id: Uuid, name: z.string() }).strict(),
    role: StaffRole,
    staff: z.array(StaffMember).describe('The group\'s clinicians: members never get this.'),
    due: z.array(DueMeasure).describe('Members due for each measure on the group\'s schedule, from the sessions before this one.')
  })
  .strict();
export type SessionInfo = Frozen<z.infer<typeof SessionInfo>>;


export const HealthResponse = z
  .object({
    ok: z.literal(true),
    database: z.literal('ok'),
    redis: z.enum(['ok', 'down', 'off']).describe('`off` when no REDIS_URL is set; `down` only degrades live fan-out.')
  })
  .strict();
export type HealthResponse = Frozen<z.infer<typeof HealthResponse>>;

/** The answer of a command sent over HTTP. Rejections use the error body, like every other route. */
export const HttpCommandResponse = CommandResult.options[0];

/** Error body of every failed HTTP request. */
export const ErrorBody = z.object({ error: WireError }).strict();
export type ErrorBody = Frozen<z.infer<typeof ErrorBody>>;

/** Who may call a route. `optional`: anyone; a login cookie, when sent, is used. */
export type RouteAuth = 'none' | 'clinician' | 'optional';

/** One route of /api as the server serves it and the contract documents it. */
export interface RouteSpec {
  readonly method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express form: `/api/groups/:groupId/sessions`. */
  readonly path: `/api/${string}`;
  /** The resource it belongs to: one router file each. */
  readonly tag: string;
  readonly summary: string;
  readonly description?: string;
  readonly auth: RouteAuth;
  readonly params?: z.ZodObject;
  /** The query string's parameters (strict: an unknown one is a 400). */
  readonly query?: z.ZodObject;
  readonly body?: z.ZodType;
  /** Success statuses and their bodies; `null` for no body (204). */
  readonly responses: Readonly<Record<number, z.ZodType | null>>;
  /** Error codes of this route's own (the ones every route can answer are added by `errorsOf`). */
  readonly errors: readonly ErrorCode[];
  /** The answer sets or clears the login cookie. */
  readonly cookie?: 'set' | 'clear';
  /** The success body's media type when it is not JSON: its schema is then that of the text (a download). */
  readonly produces?: 'text/csv';
}

const groupParams = z.object({ groupId: Uuid }).strict();
const sessionParams = z.object({ sessionId: Uuid }).strict();
const memberNoteParams = z.object({ sessionId: Uuid, memberId: Id }).strict();
const personParams = z.object({ accountId: Uuid }).strict();
const memberParams = z.object({ groupId: Uuid, memberId: Uuid }).strict();
const GroupAnswer = z.object({ group: GroupSummary, warnings: z.array(z.string()).describe('Things to know, such as a roster above the group\'s size.') }).strict();
const PasswordLinkToken = z.string().regex(/^[A-Za-z0-9_-]{20,100}$/).describe('The token of a set-password link.');
const passwordLinkParams = z.object({ token: PasswordLinkToken }).strict();

/** An HL7 FHIR R4 Bundle (type collection); the FHIR R4 specification gives its resources' shapes. */
export const FhirBundle = z.looseObject({
  resourceType: z.literal('Bundle'),
  type: z.literal('collection'),
  entry: z.array(z.looseObject({ fullUrl: z.string(), resource: z.looseObject({ resourceType: z.string() }) }))
});

/** Errors every record route can answer besides its own. */
const RECORD_ACCESS = ['FORBIDDEN', 'NOT_FOUND', 'RECORD_NOT_FOUND'] as const satisfies readonly ErrorCode[];

/** Every route of /api. The server binds exactly these; the OpenAPI document is generated from them. */
export const API_ROUTES = {
  health: {
    method: 'get', path: '/api/health', tag: 'health', auth: 'none',
    summary: 'Whether this instance can serve: 200 while the database answers, 503 when it does not.',
    description: 'For load balancers. Redis only degrades live fan-out, so a down Redis does not fail the check.',
    responses: { 200: HealthResponse },
    errors: ['UNAVAILABLE']
  },
  login: {
    method: 'post', path: '/api/auth/login', tag: 'auth', auth: 'none', cookie: 'set',
    summary: 'Sign a clinician in: sets the `hearth_session` cookie.',
    description: 'After 10 failed sign-ins for one email from one address within 15 minutes, further attempts get 429 until the window ends.',
    body: LoginRequest,
    responses: { 200: z.object({ me: Me }).strict() },
    errors: ['INVALID_CREDENTIALS', 'RATE_LIMITED']
  },
  logout: {
    method: 'post', path: '/api/auth/logout', tag: 'auth', auth: 'optional', cookie: 'clear',
    summary: 'End the login named by the cookie (if any), clear the cookie, and end that login\'s live connections on every instance.',
    responses: { 204: null },
    errors: []
  },
  me: {
    method: 'get', path: '/api/me', tag: 'auth', auth: 'clinician',
    summary: 'The signed-in clinician, and how long the login lasts: pages lock after `idleMinutes` without the person\'s input and sign out at `expiresAt`. A request counts as activity; an open socket does not.',
    responses: { 200: z.object({ me: Me, login: LoginTimes }).strict() },
    errors: []
  },
  listGroups: {
    method: 'get', path: '/api/groups', tag: 'groups', auth: 'clinician',
    summary: 'The groups the clinician belongs to (newest first), with their role, roster and sessions.',
    responses: { 200: z.object({ groups: z.array(GroupSummary) }).strict() },
    errors: []
  },
  createGroup: {
    method: 'post', path: '/api/groups', tag: 'groups', auth: 'clinician',
    summary: 'Create a group with the caller as facilitator.',
    body: CreateGroupRequest,
    responses: { 201: z.object({ group: GroupSummary }).strict() },
    errors: ['NOT_FOUND']
  },
  createSession: {
    method: 'post', path: '/api/groups/:groupId/sessions', tag: 'sessions', auth: 'clinician',
    summary: 'Schedule a session of a group (facilitators of the group).',
    description: 'Issues the board\'s `session.create` with the group\'s roster, nudge settings and the organization\'s crisis protocol as they stand; the session and its first events are written in one transaction.',
    params: groupParams,
    body: CreateSessionRequest,
    responses: { 201: z.object({ session: SessionSummary }).strict() },
    errors: ['FORBIDDEN', 'ITEM_EXISTS', 'BUSY']
  },
  saveGroup: {
    method: 'put', path: '/api/groups/:groupId', tag: 'groups', auth: 'clinician',
    summary: 'Edit a group (facilitators of it): name, open or closed, size, whether records need the supervisor\'s co-sign.',
    params: groupParams,
    body: SaveGroupRequest,
    responses: { 200: GroupAnswer },
    errors: ['FORBIDDEN']
  },
  saveStaff: {
    method: 'put', path: '/api/groups/:groupId/staff', tag: 'groups', auth: 'clinician',
    summary: 'Replace a group\'s staff (facilitators of it): clinicians of the organization by email, each a facilitator or the supervisor of this group; at least one facilitator.',
    description: 'A clinician taken off the staff, or given another role, has their open boards and notes of the group closed at the next credential re-check (`CREDENTIAL_RECHECK_SECONDS`).',
    params: groupParams,
    body: SaveStaffRequest,
    responses: { 200: GroupAnswer },
    errors: ['FORBIDDEN', 'NOT_FOUND']
  },
  addMember: {
    method: 'post', path: '/api/groups/:groupId/members', tag: 'groups', auth: 'clinician',
    summary: 'Add a member to the roster (facilitators); sessions not yet started take them at once.',
    description: 'A closed group that has already met needs a `reason`. Above the group\'s size the answer carries a warning; 30 is the most a roster holds.',
    params: groupParams,
    body: AddMemberRequest,
    responses: { 201: GroupAnswer },
    errors: ['FORBIDDEN', 'ALIAS_TAKEN', 'GROUP_CLOSED', 'ROSTER_FULL']
  },
  dischargeMember: {
    method: 'post', path: '/api/groups/:groupId/members/:memberId/discharge', tag: 'groups', auth: 'clinician',
    summary: 'Discharge a member on a date, with a reason (facilitators): they keep their history, leave sessions not yet started, and their alias no longer joins.',
    params: memberParams,
    body: DischargeRequest,
    responses: { 200: GroupAnswer },
    errors: ['FORBIDDEN', 'NOT_FOUND']
  },
  readmitMember: {
    method: 'post', path: '/api/groups/:groupId/members/:memberId/readmit', tag: 'groups', auth: 'clinician',
    summary: 'Re-admit a discharged member, with a reason (facilitators); sessions not yet started take them again.',
    params: memberParams,
    body: ReadmitRequest,
    responses: { 200: GroupAnswer },
    errors: ['FORBIDDEN', 'NOT_FOUND', 'ROSTER_FULL']
  },
  groupSettings: {
    method: 'get', path: '/api/groups/:groupId/settings', tag: 'groups', auth: 'clinician',
    summary: 'When to nudge about participation in this group\'s sessions (any clinician of the group).',
    params: groupParams,
    responses: { 200: z.object({ settings: ParticipationSettings }).strict() },
    errors: ['FORBIDDEN']
  },
  saveGroupSettings: {
    method: 'put', path: '/api/groups/:groupId/settings', tag: 'groups', auth: 'clinician',
    summary: 'Replace the group\'s nudge settings (facilitators of the group); sessions scheduled afterwards start with them.',
    params: groupParams,
    body: ParticipationSettings,
    responses: { 200: z.object({ settings: ParticipationSettings }).strict() },
    errors: ['FORBIDDEN']
  },
  createSeries: {
    method: 'post', path: '/api/groups/:groupId/series', tag: 'sessions', auth: 'clinician',
    summary: 'Schedule a weekly series in one step (facilitators of the group): the same agenda, the same local time, every week.',
    description: 'Times are wall-clock times in the organization\'s time zone, so 17:00 stays 17:00 across daylight-saving changes. Each session is scheduled as `createSession` does it.',
    params: groupParams,
    body: CreateSeriesRequest,
    responses: { 201: z.object({ sessions: z.array(SessionSummary) }).strict() },
    errors: ['FORBIDDEN', 'ITEM_EXISTS', 'BUSY']
  },
  organization: {
    method: 'get', path: '/api/organization', tag: 'organization', auth: 'clinician',
    summary: 'Your organization: its name and time zone.',
    responses: { 200: z.object({ organization: OrganizationInfo }).strict() },
    errors: []
  },
  saveTimeZone: {
    method: 'put', path: '/api/organization/time-zone', tag: 'organization', auth: 'clinician',
    summary: 'Set the organization\'s time zone (admins); series scheduled afterwards use it.',
    body: TimeZoneRequest,
    responses: { 200: z.object({ organization: OrganizationInfo }).strict() },
    errors: ['FORBIDDEN']
  },
  agendaTemplates: {
    method: 'get', path: '/api/organization/agenda-templates', tag: 'organization', auth: 'clinician',
    summary: 'The organization\'s agenda templates (group formats), by name, each item with kind, minutes and private guidance.',
    responses: { 200: z.object({ templates: z.array(AgendaTemplate) }).strict() },
    errors: []
  },
  saveAgendaTemplate: {
    method: 'post', path: '/api/organization/agenda-templates', tag: 'organization', auth: 'clinician',
    summary: 'Add an agenda to the organization\'s library (any clinician of it), e.g. "save this agenda as a template".',
    body: NewAgendaTemplate,
    responses: { 201: z.object({ template: AgendaTemplate }).strict() },
    errors: ['TEMPLATE_EXISTS']
  },
  deleteAgendaTemplate: {
    method: 'delete', path: '/api/organization/agenda-templates/:templateId', tag: 'organization', auth: 'clinician',
    summary: 'Remove a template from the organization\'s library (any clinician of it). Sessions scheduled from it keep their agenda.',
    params: z.object({ templateId: Uuid }).strict(),
    responses: { 204: null },
    errors: ['NOT_FOUND']
  },
  crisisProtocol: {
    method: 'get', path: '/api/organization/crisis-protocol', tag: 'organization', auth: 'clinician',
    summary: 'The organization\'s crisis checklist and referral resources.',
    responses: { 200: z.object({ protocol: CrisisProtocol }).strict() },
    errors: []
  },
  saveCrisisProtocol: {
    method: 'put', path: '/api/organization/crisis-protocol', tag: 'organization', auth: 'clinician',
    summary: 'Replace the organization\'s crisis protocol (any clinician of it); sessions scheduled afterwards carry it.',
    body: CrisisProtocol,
    responses: { 200: z.object({ protocol: CrisisProtocol }).strict() },
    errors: []
  },
  session: {
    method: 'get', path: '/api/sessions/:sessionId', tag: 'sessions', auth: 'clinician',
    summary: 'A session, its group, the caller\'s role in it and the group\'s staff (clinicians of the group).',
    params: sessionParams,
    responses: { 200: SessionInfo },
    errors: ['FORBIDDEN', 'NOT_FOUND']
  },
  command: {
    method: 'post', path: '/api/sessions/:sessionId/commands', tag: 'sessions', auth: 'clinician',
    summary: 'The board\'s commands over HTTP, for clinicians: the same as the socket\'s `command`.',
    description: 'The events are broadcast to the live sockets as usual. A board rejection answers with its code\'s status (409 for the board\'s rules) and the error body.',
    params: sessionParams,
    body: HttpCommandRequest,
    responses: { 200: HttpCommandResponse },
    errors: [
      'UNKNOWN_COMMAND', 'FORBIDDEN', 'NOT_FOUND', 'COMMAND_ID_TAKEN', 'BUSY', 'UNAVAILABLE',
      // Every rejection of the board's rules, as the commands' documentation names them.
      ...new Set(Object.values(COMMAND_DOCS).flatMap((d) => d.rejects))
    ]
  },
  // Members' personal invites and the waiting room's setting.
  ...INVITE_ROUTES,
  ...ALERT_ROUTES,
  ...RESOURCE_ROUTES,
  ...PROGRESS_ROUTES,
  ...GOAL_ROUTES,
  ...INTAKE_ROUTES,
  ...OWN_INSTRUMENT_ROUTES,
  ...AUDIT_ROUTES,
  takeRecord: {
    method: 'post', path: '/api/sessions/:sessionId/record', tag: 'records', auth: 'clinician',
    summary: 'Take the record\'s draft (facilitators, once the session has ended): the notes freeze, on every instance, and the draft is drawn from the log and the notes. Answers the record if it exists.',
    params: sessionParams,
    responses: { 200: RecordView },
    errors: ['FORBIDDEN', 'NOT_FOUND', 'SESSION_NOT_ENDED', 'NOTES_NOT_SAVED']
  },
  record: {
    method: 'get', path: '/api/sessions/:sessionId/record', tag: 'records', auth: 'clinician',
    summary: 'The record for review: its content, the guards that block signing, the signatures, its chain entry once final, its addenda (the group\'s clinicians).',
    params: sessionParams,
    responses: { 200: RecordView },
    errors: [...RECORD_ACCESS]
  },
  recordForPrint: {
    method: 'get', path: '/api/sessions/:sessionId/record/print', tag: 'records', auth: 'clinician',
    summary: 'The record, as the print view reads it (the read is audited as a print).',
    params: sessionParams,
    responses: { 200: RecordView },
    errors: [...RECORD_ACCESS]
  },
  editSummary: {
    method: 'put', path: '/api/sessions/:sessionId/record/summary', tag: 'records', auth: 'clinician',
    summary: 'Edit the group summary of a draft (facilitators). Signatures of the content before the edit are removed.',
    params: sessionParams,
    body: SummaryEdit,
    responses: { 200: RecordView },
    errors: [...RECORD_ACCESS, 'RECORD_FINAL']
  },
  editNarrative: {
    method: 'put', path: '/api/sessions/:sessionId/record/members/:memberId', tag: 'records', auth: 'clinician',
    summary: 'Edit one member\'s narrative in a draft (facilitators). Signatures of the content before the edit are removed.',
    params: memberNoteParams,
    body: NarrativeEdit,
    responses: { 200: RecordView },
    errors: [...RECORD_ACCESS, 'RECORD_FINAL', 'MEMBER_NOT_FOUND']
  },
  rateGoal: {
    method: 'put', path: '/api/sessions/:sessionId/record/members/:memberId/goals/:goalId', tag: 'records', auth: 'clinician',
    summary: 'Rate how one of a member\'s goals went in this session (facilitators, in a draft): worse, no change or better. Signatures of the content before are removed.',
    params: z.object({ sessionId: Uuid, memberId: Id, goalId: Id }).strict(),
    body: GoalRatingEdit,
    responses: { 200: RecordView },
    errors: [...RECORD_ACCESS, 'RECORD_FINAL', 'MEMBER_NOT_FOUND']
  },
  overrideMention: {
    method: 'post', path: '/api/sessions/:sessionId/record/overrides', tag: 'records', auth: 'clinician',
    summary: 'Mark a mention of another member\'s alias in a member\'s note as not a reference to that member, with a reason (facilitators).',
    params: sessionParams,
    body: MentionOverride,
    responses: { 200: RecordView },
    errors: [...RECORD_ACCESS, 'RECORD_FINAL', 'MEMBER_NOT_FOUND', 'NOTHING_CHANGED']
  },
  signRecord: {
    method: 'post', path: '/api/sessions/:sessionId/record/signatures', tag: 'records', auth: 'clinician',
    summary: 'Sign the record as it stands, with your password again: as its author (the first facilitator), a co-author (the others) or its reviewer (the supervisor, when the group asks for a co-signature). The last required signature makes it final.',
    params: sessionParams,
    body: SignRequest,
    responses: { 200: RecordView },
    errors: [...RECORD_ACCESS, 'RECORD_FINAL', 'INVALID_CREDENTIALS', 'GUARDS_OPEN', 'ALREADY_SIGNED', 'NOT_YOURS_TO_SIGN']
  },
  addAddendum: {
    method: 'post', path: '/api/sessions/:sessionId/record/addenda', tag: 'records', auth: 'clinician',
    summary: 'Add a signed addendum to a final record (the group\'s facilitators and supervisors): a new, labelled, dated entry of the chain with its reason; the original stays as it was.',
    params: sessionParams,
    body: AddendumRequest,
    responses: { 200: RecordView },
    errors: [...RECORD_ACCESS, 'RECORD_NOT_FINAL', 'INVALID_CREDENTIALS']
  },
  exportRecord: {
    method: 'get', path: '/api/sessions/:sessionId/record/export', tag: 'records', auth: 'clinician',
    summary: 'The final record as signed: the stored canonical JSON and every hash, and its addenda.',
    params: sessionParams,
    responses: { 200: RecordExport },
    errors: [...RECORD_ACCESS, 'RECORD_NOT_FINAL']
  },
  exportFhir: {
    method: 'get', path: '/api/sessions/:sessionId/record/fhir', tag: 'records', auth: 'clinician',
    summary: 'The final record as an HL7 FHIR R4 Bundle: the session and each member\'s Encounter, a DocumentReference per member note, a Provenance per signature, the members as Patients by alias and roster id only.',
    params: sessionParams,
    responses: { 200: FhirBundle },
    errors: [...RECORD_ACCESS, 'RECORD_NOT_FINAL']
  },
  recordAccess: {
    method: 'get', path: '/api/sessions/:sessionId/record/access', tag: 'records', auth: 'clinician',
    summary: 'The record\'s access history from the audit log: every view, print, export, signature, addendum and guard override, with who and when (the group\'s clinicians).',
    params: sessionParams,
    responses: { 200: z.object({ accesses: z.array(RecordAccess) }).strict() },
    errors: [...RECORD_ACCESS]
  },
  verifyRecords: {
    method: 'get', path: '/api/groups/:groupId/records/verify', tag: 'records', auth: 'clinician',
    summary: 'Recompute every hash and link of the group\'s chain of final records and addenda, and name the first break (the group\'s clinicians).',
    params: groupParams,
    responses: { 200: ChainVerification },
    errors: ['FORBIDDEN']
  },
  changePassword: {
    method: 'put', path: '/api/me/password', tag: 'auth', auth: 'clinician',
    summary: 'Change your password: the current one, then the new one. Your other logins end, on every instance.',
    body: ChangePasswordRequest,
    responses: { 204: null },
    errors: ['INVALID_CREDENTIALS']
  },
  passkeys: {
    method: 'get', path: '/api/me/passkeys', tag: 'auth', auth: 'clinician',
    summary: 'Your passkeys.',
    responses: { 200: z.object({ passkeys: z.array(Passkey) }).strict() },
    errors: []
  },
  passkeyRegistrationOptions: {
    method: 'post', path: '/api/me/passkeys/options', tag: 'auth', auth: 'clinician',
    summary: 'Begin adding a passkey: WebAuthn creation options for this account (a discoverable credential, user verification required), valid for 5 minutes.',
    responses: { 200: PasskeyChallenge },
    errors: []
  },
  addPasskey: {
    method: 'post', path: '/api/me/passkeys', tag: 'auth', auth: 'clinician',
    summary: 'Finish adding a passkey with the browser\'s answer to the creation options.',
    body: PasskeyRegistration,
    responses: { 201: z.object({ passkey: Passkey }).strict() },
    errors: ['PASSKEY_REFUSED']
  },
  passkeySignInOptions: {
    method: 'post', path: '/api/auth/passkey/options', tag: 'auth', auth: 'none',
    summary: 'Begin signing in with a passkey: WebAuthn request options (any passkey of this site), valid for 5 minutes.',
    responses: { 200: PasskeyChallenge },
    errors: []
  },
  passkeySignIn: {
    method: 'post', path: '/api/auth/passkey', tag: 'auth', auth: 'none', cookie: 'set',
    summary: 'Sign in with a passkey: the browser\'s answer to the request options. Sets the `hearth_session` cookie.',
    description: 'An unknown passkey, a spent or expired challenge, a signature that does not verify, or a deactivated account answers 401 `PASSKEY_REFUSED`. After 10 refusals from one address within 15 minutes, that address gets 429 `RATE_LIMITED` until the window ends.',
    body: PasskeySignIn,
    responses: { 200: z.object({ me: Me }).strict() },
    errors: ['PASSKEY_REFUSED', 'RATE_LIMITED']
  },
  passwordLink: {
    method: 'get', path: '/api/password-links/:token', tag: 'auth', auth: 'none',
    summary: 'What a set-password link is for: whose account, and whether it invites or resets.',
    description: 'A used, expired or replaced link, or one of a deactivated account, answers 404 `LINK_NOT_VALID`.',
    params: passwordLinkParams,
    responses: { 200: z.object({ link: PasswordLinkInfo }).strict() },
    errors: ['LINK_NOT_VALID']
  },
  usePasswordLink: {
    method: 'post', path: '/api/password-links/:token', tag: 'auth', auth: 'none', cookie: 'set',
    summary: 'Set the account\'s password with a set-password link, and sign in: sets the `hearth_session` cookie.',
    description: 'The link works once. A reset ends the account\'s other logins.',
    params: passwordLinkParams,
    body: SetPasswordRequest,
    responses: { 200: z.object({ me: Me }).strict() },
    errors: ['LINK_NOT_VALID']
  },
  listPeople: {
    method: 'get', path: '/api/organization/people', tag: 'people', auth: 'clinician',
    summary: 'The organization\'s clinicians, by name (admins of the organization).',
    responses: { 200: z.object({ people: z.array(Person) }).strict() },
    errors: ['FORBIDDEN']
  },
  invitePerson: {
    method: 'post', path: '/api/organization/people', tag: 'people', auth: 'clinician',
    summary: 'Add a colleague (admins): the account, and a one-time link for them to set their password.',
    description: 'The link is in the answer, to copy; it is also mailed to them when the server sends mail (SMTP_URL). It expires after PASSWORD_LINK_HOURS (72 by default).',
    body: InvitePersonRequest,
    responses: { 201: z.object({ person: Person, link: PasswordLinkIssued }).strict() },
    errors: ['FORBIDDEN', 'EMAIL_TAKEN']
  },
  issuePasswordLink: {
    method: 'post', path: '/api/organization/people/:accountId/password-link', tag: 'people', auth: 'clinician',
    summary: 'A new set-password link for a colleague (admins): a fresh invite, or a password reset; earlier links stop working.',
    params: personParams,
    responses: { 201: z.object({ person: Person, link: PasswordLinkIssued }).strict() },
    errors: ['FORBIDDEN', 'NOT_FOUND', 'ACCOUNT_DEACTIVATED']
  },
  deactivatePerson: {
    method: 'post', path: '/api/organization/people/:accountId/deactivate', tag: 'people', auth: 'clinician',
    summary: 'Deactivate a colleague\'s account (admins): their logins end and their board and notes connections close on every instance at once.',
    description: 'The account stays, so records keep their signer; it can no longer sign in and its links stop working. Your own account cannot be deactivated by you.',
    params: personParams,
    responses: { 200: z.object({ person: Person }).strict() },
    errors: ['FORBIDDEN', 'NOT_FOUND', 'OWN_ACCOUNT']
  },
  pendingRecords: {
    method: 'get', path: '/api/records/pending', tag: 'records', auth: 'clinician',
    summary: 'Records waiting for your signature: as an author or co-author, or as the supervisor who co-signs.',
    responses: { 200: z.object({ records: z.array(PendingRecord) }).strict() },
    errors: []
  }
} as const satisfies Record<string, RouteSpec>;

export type RouteName = keyof typeof API_ROUTES;

/**
 * Every error code a route can answer: its own, and those every route shares — a login to check,
 * a path parameter or body to parse, the Origin of a non-GET request, a failure of the server's own.
 */
export function errorsOf(route: RouteSpec): ErrorCode[] {
  const codes = new Set<ErrorCode>(route.errors);
  if (route.auth === 'clinician') codes.add('UNAUTHENTICATED');
  if (route.params || route.query) codes.add('BAD_REQUEST');
  // Only these read a body (a GET's is ignored), so only these can fail on one.
  if (route.method !== 'get') for (const c of ['BAD_ORIGIN', 'BAD_REQUEST', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_ENCODING'] as const) codes.add(c);
  codes.add('INTERNAL');
  // Any route may need the database, and answers 503 while it is away.
  codes.add('UNAVAILABLE');
  return Object.keys(ERRORS).filter((c): c is ErrorCode => codes.has(c as ErrorCode));
}

/** A route's success body type for a status. */
export type RouteResponse<R extends RouteSpec, S extends keyof R['responses']> = R['responses'][S] extends z.ZodType
  ? Frozen<z.output<R['responses'][S]>>
  : undefined;
