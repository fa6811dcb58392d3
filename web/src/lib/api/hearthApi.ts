import type {
  Instrument,
  NewInstrument,
  MeasureWording,
  Intake,
  IntakeInput,
  Goal,
  GoalEdit,
  GoalRating,
  NewGoal,
  MeasureSchedule,
  GroupProgress,
  MemberProgress,
  AuditPage,
  AuditVerification,
  CommandResult,
  Command,
  CreateGroupRequest,
  CreateSessionRequest,
  CrisisProtocol,
  GroupSummary,
  InviteInfo,
  AdmissionAnswer,
  GroupInvites,
  IssuedInvite,
  Me,
  LoginTimes,
  LibraryResource,
  NewLibraryResource,
  CrisisAlert,
  PushSubscriptionBody,
  MentionOverride,
  PendingRecord,
  RecordAccess,
  RecordView,
  MemberJoinResponse,
  InvitePersonRequest,
  PasswordLinkInfo,
  PasswordLinkIssued,
  Person,
  AddMemberRequest,
  DischargeRequest,
  SaveGroupRequest,
  SaveStaffRequest,
  Passkey,
  PasskeyChallenge,
  PasskeyRegistration,
  PasskeySignIn,
  AgendaTemplate,
  CreateSeriesRequest,
  NewAgendaTemplate,
  OrganizationInfo,
  ParticipationSettings,
  SessionInfo,
  SessionSummary
} from '@hearth/shared';
import { request, type Fetch } from './request.ts';

/** A group after a change, with what the facilitator should know (a roster above the group's size). */
type GroupAnswer = { group: GroupSummary; warnings: string[] };

/** Typed calls to Hearth's HTTP API, one per endpoint. */
const recordPath = (sessionId: string, rest = '') => `/api/sessions/${encodeURIComponent(sessionId)}/record${rest}`;

export const hearthApi = {
  login: (email: string, password: string) =>
    request<{ me: Me }>('/api/auth/login', { method: 'POST', body: { email, password } }),
  logout: () => request<void>('/api/auth/logout', { method: 'POST' }),
  me: (fetch?: Fetch) => request<{ me: Me; login: LoginTimes }>('/api/me', { fetch }),
  /** The crisis flags open in the clinician's live sessions (asked by the page itself). */
  alerts: () => request<{ alerts: CrisisAlert[] }>('/api/alerts', { background: true }),
  memberProgress: (groupId: string, memberId: string, fetch?: Fetch) =>
    request<MemberProgress>(`/api/groups/${encodeURIComponent(groupId)}/members/${encodeURIComponent(memberId)}/progress`, { fetch }),
  measureSchedule: (groupId: string) => request<{ schedule: MeasureSchedule }>(`/api/groups/${encodeURIComponent(groupId)}/measure-schedule`),
  saveMeasureSchedule: (groupId: string, schedule: MeasureSchedule) =>
    request<{ schedule: MeasureSchedule }>(`/api/groups/${encodeURIComponent(groupId)}/measure-schedule`, { method: 'PUT', body: { schedule } }),
  addGoal: (groupId: string, memberId: string, goal: NewGoal) =>
    request<{ goals: Goal[] }>(`/api/groups/${encodeURIComponent(groupId)}/members/${encodeURIComponent(memberId)}/goals`, { method: 'POST', body: goal }),
  editGoal: (groupId: string, memberId: string, goalId: string, edit: GoalEdit) =>
    request<{ goals: Goal[] }>(`/api/groups/${encodeURIComponent(groupId)}/members/${encodeURIComponent(memberId)}/goals/${encodeURIComponent(goalId)}`, { method: 'PUT', body: edit }),
  groupProgress: (groupId: string, fetch?: Fetch) => request<GroupProgress>(`/api/groups/${encodeURIComponent(groupId)}/progress`, { fetch }),
  libraryResources: (fetch?: Fetch) => request<{ resources: LibraryResource[] }>('/api/organization/resources', { fetch }),
  addLibraryResource: (body: NewLibraryResource) => request<{ resource: LibraryResource }>('/api/organization/resources', { method: 'POST', body }),
  deleteLibraryResource: (id: string) => request<void>(`/api/organization/resources/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  pushKey: () => request<{ publicKey: string }>('/api/push/key'),
  savePushSubscription: (body: PushSubscriptionBody) => request<void>('/api/push/subscription', { method: 'PUT', body }),
  deletePushSubscription: (endpoint: string) => request<void>('/api/push/subscription', { method: 'DELETE', body: { endpoint } }),
  passkeys: (fetch?: Fetch) => request<{ passkeys: Passkey[] }>('/api/me/passkeys', { fetch }),
  passkeyRegistrationOptions: () => request<PasskeyChallenge>('/api/me/passkeys/options', { method: 'POST' }),
  addPasskey: (body: PasskeyRegistration) => request<{ passkey: Passkey }>('/api/me/passkeys', { method: 'POST', body }),
  passkeySignInOptions: () => request<PasskeyChallenge>('/api/auth/passkey/options', { method: 'POST' }),
  passkeySignIn: (body: PasskeySignIn) => request<{ me: Me }>('/api/auth/passkey', { method: 'POST', body }),
  changePassword: (currentPassword: string, newPassword: string) =>
    request<void>('/api/me/password', { method: 'PUT', body: { currentPassword, newPassword } }),
  passwordLink: (token: string, fetch?: Fetch) =>
    request<{ link: PasswordLinkInfo }>(`/api/password-links/${encodeURIComponent(token)}`, { fetch }),
  /** Sets the password and signs in (the cookie is set). */
  usePasswordLink: (token: string, password: string) =>
    request<{ me: Me }>(`/api/password-links/${encodeURIComponent(token)}`, { method: 'POST', body: { password } }),
  /** The organization's audit log, newest first (admins only); `before` pages back. */
  auditLog: (opts: { before?: string; limit?: number } = {}, fetch?: Fetch) => {
    const query = new URLSearchParams();
    if (opts.before) query.set('before', opts.before);
    if (opts.limit) query.set('limit', String(opts.limit));
    return request<AuditPage>(`/api/organization/audit${query.size > 0 ? `?${query}` : ''}`, { fetch });
  },
  /** Walks the audit chain (admins only). */
  verifyAudit: () => request<AuditVerification>('/api/organization/audit/verify'),
  /** Admins of the organization only. */
  people: (fetch?: Fetch) => request<{ people: Person[] }>('/api/organization/people', { fetch }),
  invitePerson: (body: InvitePersonRequest) =>
    request<{ person: Person; link: PasswordLinkIssued }>('/api/organization/people', { method: 'POST', body }),
  issuePasswordLink: (accountId: string) =>
    request<{ person: Person; link: PasswordLinkIssued }>(`/api/organization/people/${encodeURIComponent(accountId)}/password-link`, { method: 'POST' }),
  deactivatePerson: (accountId: string) =>
    request<{ person: Person }>(`/api/organization/people/${encodeURIComponent(accountId)}/deactivate`, { method: 'POST' }),
  groups: (fetch?: Fetch) => request<{ groups: GroupSummary[] }>('/api/groups', { fetch }),
  createGroup: (body: CreateGroupRequest) =>
    request<{ group: GroupSummary }>('/api/groups', { method: 'POST', body }),
  createSession: (groupId: string, body: CreateSessionRequest) =>
    request<{ session: SessionSummary }>(`/api/groups/${encodeURIComponent(groupId)}/sessions`, { method: 'POST', body }),
  saveGroup: (groupId: string, body: SaveGroupRequest) =>
    request<GroupAnswer>(`/api/groups/${encodeURIComponent(groupId)}`, { method: 'PUT', body }),
  saveStaff: (groupId: string, body: SaveStaffRequest) =>
    request<GroupAnswer>(`/api/groups/${encodeURIComponent(groupId)}/staff`, { method: 'PUT', body }),
  ownInstruments: (fetch?: Fetch) => request<{ instruments: Instrument[] }>('/api/organization/instruments', { fetch }),
  addOwnInstrument: (body: NewInstrument) => request<{ instruments: Instrument[] }>('/api/organization/instruments', { method: 'POST', body }),
  deleteOwnInstrument: (key: string) => request<void>(`/api/organization/instruments/${encodeURIComponent(key)}`, { method: 'DELETE' }),
  measureWording: (groupId: string) => request<MeasureWording>(`/api/groups/${encodeURIComponent(groupId)}/measure-wording`),
  saveMeasureWording: (groupId: string, body: MeasureWording) =>
    request<MeasureWording>(`/api/groups/${encodeURIComponent(groupId)}/measure-wording`, { method: 'PUT', body }),
  intakes: (groupId: string, fetch?: Fetch) => request<{ intakes: Intake[] }>(`/api/groups/${encodeURIComponent(groupId)}/intakes`, { fetch }),
  addIntake: (groupId: string, body: IntakeInput) => request<{ intakes: Intake[] }>(`/api/groups/${encodeURIComponent(groupId)}/intakes`, { method: 'POST', body }),
  saveIntake: (groupId: string, intakeId: string, body: IntakeInput) =>
    request<{ intakes: Intake[] }>(`/api/groups/${encodeURIComponent(groupId)}/intakes/${encodeURIComponent(intakeId)}`, { method: 'PUT', body }),
  addMember: (groupId: string, body: AddMemberRequest) =>
    request<GroupAnswer>(`/api/groups/${encodeURIComponent(groupId)}/members`, { method: 'POST', body }),
  dischargeMember: (groupId: string, memberId: string, body: DischargeRequest) =>
    request<GroupAnswer>(`/api/groups/${encodeURIComponent(groupId)}/members/${encodeURIComponent(memberId)}/discharge`, { method: 'POST', body }),
  readmitMember: (groupId: string, memberId: string, reason: string) =>
    request<GroupAnswer>(`/api/groups/${encodeURIComponent(groupId)}/members/${encodeURIComponent(memberId)}/readmit`, { method: 'POST', body: { reason } }),
  /** A weekly series: dates and times on the organization's clocks. */
  /** Removes a template from the organization's library; sessions made from it keep their agenda. */
  deleteTemplate: (templateId: string) => request<void>(`/api/organization/agenda-templates/${encodeURIComponent(templateId)}`, { method: 'DELETE' }),
  createSeries: (groupId: string, body: CreateSeriesRequest) =>
    request<{ sessions: SessionSummary[] }>(`/api/groups/${encodeURIComponent(groupId)}/series`, { method: 'POST', body }),
  organization: (fetch?: Fetch) => request<{ organization: OrganizationInfo }>('/api/organization', { fetch }),
  agendaTemplates: (fetch?: Fetch) => request<{ templates: AgendaTemplate[] }>('/api/organization/agenda-templates', { fetch }),
  saveAgendaTemplate: (template: NewAgendaTemplate) =>
    request<{ template: AgendaTemplate }>('/api/organization/agenda-templates', { method: 'POST', body: template }),
  groupSettings: (groupId: string, fetch?: Fetch) =>
    request<{ settings: ParticipationSettings }>(`/api/groups/${encodeURIComponent(groupId)}/settings`, { fetch }),
  /** Facilitators only: the nudge settings new sessions of the group start with. */
  saveGroupSettings: (groupId: string, settings: ParticipationSettings) =>
    request<{ settings: ParticipationSettings }>(`/api/groups/${encodeURIComponent(groupId)}/settings`, {
      method: 'PUT',
      body: settings
    }),
  session: (sessionId: string, fetch?: Fetch) =>
    request<SessionInfo>(`/api/sessions/${encodeURIComponent(sessionId)}`, { fetch }),
  command: (sessionId: string, id: string, command: Command) =>
    request<CommandResult>(`/api/sessions/${encodeURIComponent(sessionId)}/commands`, {
      method: 'POST',
      body: { id, command }
    }),
  crisisProtocol: (fetch?: Fetch) => request<{ protocol: CrisisProtocol }>('/api/organization/crisis-protocol', { fetch }),
  /** Any clinician of the organization; sessions scheduled afterwards carry the new protocol. */
  saveCrisisProtocol: (protocol: CrisisProtocol) =>
    request<{ protocol: CrisisProtocol }>('/api/organization/crisis-protocol', { method: 'PUT', body: protocol }),
  invite: (code: string, fetch?: Fetch) => request<InviteInfo>(`/api/invites/${encodeURIComponent(code)}`, { fetch }),
  /** A member's device asks to come in with their personal invite. */
  /** `acceptAgreement`: the member was shown the group agreement, and joining accepts it. */
  joinInvite: (code: string, sessionId: string | null = null, acceptAgreement = false) =>
    request<MemberJoinResponse>(`/api/invites/${encodeURIComponent(code)}/join`, {
      method: 'POST',
      body: { ...(sessionId && { sessionId }), ...(acceptAgreement && { acceptAgreement: true as const }) }
    }),
  admission: (code: string, token: string) =>
    request<AdmissionAnswer>(`/api/invites/${encodeURIComponent(code)}/admission`, { method: 'POST', body: { token } }),
  groupInvites: (groupId: string) => request<GroupInvites>(`/api/groups/${encodeURIComponent(groupId)}/invites`),
  /** A member's new personal code, shown this once; the code before it stops working. */
  issueInvite: (groupId: string, memberId: string) =>
    request<IssuedInvite>(`/api/groups/${encodeURIComponent(groupId)}/members/${encodeURIComponent(memberId)}/invite`, { method: 'POST', body: {} }),
  revokeInvite: (groupId: string, memberId: string) =>
    request<void>(`/api/groups/${encodeURIComponent(groupId)}/members/${encodeURIComponent(memberId)}/invite`, { method: 'DELETE' }),
  saveAdmission: (groupId: string, admitAutomatically: boolean) =>
    request<GroupInvites>(`/api/groups/${encodeURIComponent(groupId)}/admission`, { method: 'PUT', body: { admitAutomatically } }),
  /** Facilitators, once the session has ended: takes the draft (the notes freeze) or answers the record. */
  takeRecord: (sessionId: string) => request<RecordView>(recordPath(sessionId), { method: 'POST', body: {} }),
  record: (sessionId: string, fetch?: Fetch) => request<RecordView>(recordPath(sessionId), { fetch }),
  /** The same record, audited as a print. */
  recordForPrint: (sessionId: string, fetch?: Fetch) => request<RecordView>(recordPath(sessionId, '/print'), { fetch }),
  editSummary: (sessionId: string, summary: string) =>
    request<RecordView>(recordPath(sessionId, '/summary'), { method: 'PUT', body: { summary } }),
  editNarrative: (sessionId: string, memberId: string, narrative: string) =>
    request<RecordView>(recordPath(sessionId, `/members/${encodeURIComponent(memberId)}`), { method: 'PUT', body: { narrative } }),
  rateGoal: (sessionId: string, memberId: string, goalId: string, rating: GoalRating | null) =>
    request<RecordView>(recordPath(sessionId, `/members/${encodeURIComponent(memberId)}/goals/${encodeURIComponent(goalId)}`), { method: 'PUT', body: { rating } }),
  overrideMention: (sessionId: string, override: MentionOverride) =>
    request<RecordView>(recordPath(sessionId, '/overrides'), { method: 'POST', body: override }),
  signRecord: (sessionId: string, password: string) =>
    request<RecordView>(recordPath(sessionId, '/signatures'), { method: 'POST', body: { password } }),
  addAddendum: (sessionId: string, body: { password: string; reason: string; text: string }) =>
    request<RecordView>(recordPath(sessionId, '/addenda'), { method: 'POST', body }),
  recordAccess: (sessionId: string, fetch?: Fetch) => request<{ accesses: RecordAccess[] }>(recordPath(sessionId, '/access'), { fetch }),
  /** Where the exports download from (plain links: the browser saves them). */
  recordExportUrl: (sessionId: string, format: 'json' | 'fhir') => recordPath(sessionId, format === 'json' ? '/export' : '/fhir'),
  pendingRecords: (fetch?: Fetch) => request<{ records: PendingRecord[] }>('/api/records/pending', { fetch })
};
