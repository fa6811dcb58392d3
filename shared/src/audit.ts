import { z } from 'zod';
import type { RouteSpec } from './api.ts';
import type { Frozen } from './roles.ts';

/** How many audit entries one page holds at most (and by default). */
export const AUDIT_PAGE_LIMIT = { max: 200, default: 50 } as const;

/** The columns of the audit log's CSV export, in order: who, what, when, from where — never content. */
export const AUDIT_CSV_COLUMNS = ['entry_id', 'at', 'actor_name', 'actor_role', 'actor_id', 'action', 'target', 'ip', 'chain_seq', 'hash'] as const;

/** One entry of the organization's audit log as its administrators read it. */
export const AuditEntryView = z
  .object({
    id: z.string().describe('The entry\'s id: a decimal number, larger for later entries.'),
    chainSeq: z.number().int().positive().describe('Its place in the organization\'s chain, from 1 without gaps.'),
    at: z.string().describe('When, UTC, to the millisecond.'),
    actor: z
      .object({
        id: z.string().nullable().describe('An account id, a member id, or null for an anonymous attempt.'),
        name: z.string().nullable().describe('The clinician\'s name, or the member\'s alias; null when unknown.'),
        role: z.string().describe('clinician, facilitator, supervisor, member or anonymous.')
      })
      .strict(),
    action: z.string().describe('login, login.failed, notes.open, record.view, record.export.fhir, audit.verify, …'),
    target: z.string().nullable().describe('What it was done to: a session, record, group, member or account id (an email for a failed sign-in).'),
    ip: z.string().nullable().describe('The caller\'s address, as the server saw it (TRUST_PROXY).'),
    hash: z.string().describe('SHA-256 (hex) of the entry\'s canonical JSON, chained to the one before it.')
  })
  .strict();
export type AuditEntryView = Frozen<z.infer<typeof AuditEntryView>>;

/** A page of the audit log, newest first, and where the next (older) page starts. */
export const AuditPage = z
  .object({
    entries: z.array(AuditEntryView),
    nextBefore: z.string().nullable().describe('Pass as `before` for the next, older page; null on the last page.')
  })
  .strict();
export type AuditPage = Frozen<z.infer<typeof AuditPage>>;

/** The result of walking an organization's audit chain. */
export const AuditVerification = z
  .object({
    ok: z.boolean(),
    entries: z.number().int().describe('How many entries were checked.'),
    head: z
      .object({ chainSeq: z.number().int(), hash: z.string() })
      .strict()
      .nullable()
      .describe('The last entry\'s place and hash: kept elsewhere, it shows later whether entries were cut off the end.'),
    firstBreak: z
      .object({ entryId: z.string(), chainSeq: z.number().int(), problem: z.string() })
      .strict()
      .nullable()
      .describe('The first entry whose hash or link does not hold, and why.')
  })
  .strict();
export type AuditVerification = Frozen<z.infer<typeof AuditVerification>>;

/** A positive entry id in a query string. */
const EntryIdQuery = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export const AuditPageQuery = z
  .object({
    before: EntryIdQuery.optional().describe('Entries older than this id (the `nextBefore` of the page before).'),
    limit: z.coerce.number().int().min(1).max(AUDIT_PAGE_LIMIT.max).optional().describe(`At most this many entries (${AUDIT_PAGE_LIMIT.default} by default).`)
  })
  .strict();
export type AuditPageQuery = z.infer<typeof AuditPageQuery>;

const ADMINS_ONLY = 'For administrators of the organization; anyone else gets 403 `FORBIDDEN`.';

/** The organization's audit log: read, exported and verified by its administrators. Part of `API_ROUTES`. */
export const AUDIT_ROUTES = {
  auditLog: {
    method: 'get', path: '/api/organization/audit', tag: 'audit', auth: 'clinician',
    summary: 'The organization\'s audit log, newest first, a page at a time: who did or read what, when, from where (never content).',
    description: `${ADMINS_ONLY} Opening the first page is itself audited (\`audit.view\`).`,
    query: AuditPageQuery,
    responses: { 200: AuditPage },
    errors: ['FORBIDDEN']
  },
  auditCsv: {
    method: 'get', path: '/api/organization/audit.csv', tag: 'audit', auth: 'clinician',
    summary: 'The organization\'s whole audit log as CSV (RFC 4180, UTF-8), newest first, as a download.',
    description: `${ADMINS_ONLY} Columns: ${AUDIT_CSV_COLUMNS.join(', ')}. A value a spreadsheet would run as a formula starts with \`'\`. The export is audited (\`audit.export.csv\`).`,
    produces: 'text/csv',
    responses: { 200: z.string().describe('The CSV text, with a header row.') },
    errors: ['FORBIDDEN']
  },
  verifyAudit: {
    method: 'get', path: '/api/organization/audit/verify', tag: 'audit', auth: 'clinician',
    summary: 'Recomputes every hash and link of the organization\'s audit chain and names the first entry where they do not hold.',
    description: `${ADMINS_ONLY} The check is audited (\`audit.verify\`) after it ran. \`npm run admin -- verify-audit\` checks every organization's chain from the server.`,
    responses: { 200: AuditVerification },
    errors: ['FORBIDDEN']
  }
} as const satisfies Record<string, RouteSpec>;
