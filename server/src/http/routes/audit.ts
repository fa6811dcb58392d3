import { AUDIT_CSV_COLUMNS, AUDIT_PAGE_LIMIT, type API_ROUTES, type AuditEntryView } from '@hearth/shared';
import type { ClinicianIdentity } from '../../auth/Auth.ts';
import type { Handler } from '../bindRoute.ts';
import { HttpError } from '../errors.ts';
import type { ApiDeps } from './deps.ts';

type R = typeof API_ROUTES;

/** How many entries the CSV export reads from the database at a time. */
const CSV_PAGE = AUDIT_PAGE_LIMIT.max * 10;

function requireAdmin(who: ClinicianIdentity): void {
  if (!who.account.admin) throw new HttpError('FORBIDDEN', 'Only an administrator of your organization reads its audit log.');
}

/**
 * One CSV field (RFC 4180): always quoted, quotes doubled. A value a spreadsheet would run as a
 * formula (=, +, -, @, a tab or a carriage return first) starts with ' instead — a failed sign-in's
 * target is whatever someone typed as an email.
 */
export function csvField(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replaceAll('"', '""')}"`;
}

const csvRow = (e: AuditEntryView): string =>
  [e.id, e.at, e.actor.name, e.actor.role, e.actor.id, e.action, e.target, e.ip, e.chainSeq, e.hash].map(csvField).join(',');

/** The organization's audit log for its administrators: pages, the CSV export, the chain's check. */
export function auditRoutes({ audit }: ApiDeps): {
  auditLog: Handler<R['auditLog']>;
  auditCsv: Handler<R['auditCsv']>;
  verifyAudit: Handler<R['verifyAudit']>;
} {
  return {
    auditLog: async ({ who, query, ip }) => {
      requireAdmin(who);
      const limit = query.limit ?? AUDIT_PAGE_LIMIT.default;
      const organizationId = who.account.organizationId;
      // Who read the log is audited too; once per opening, not per page turned.
      if (query.before === undefined) await audit.record({ actorRole: 'clinician', actorId: who.account.id, action: 'audit.view', ip });
      const entries = await audit.page(organizationId, { ...(query.before !== undefined && { before: query.before }), limit });
      const last = entries.at(-1);
      return { status: 200, body: { entries, nextBefore: entries.length === limit && last ? last.id : null } };
    },
    auditCsv: async ({ who, ip, res }) => {
      requireAdmin(who);
      const organizationId = who.account.organizationId;
      await audit.record({ actorRole: 'clinician', actorId: who.account.id, action: 'audit.export.csv', ip });
      const lines = [AUDIT_CSV_COLUMNS.join(',')];
      let before: number | undefined;
      for (;;) {
        const page = await audit.page(organizationId, { ...(before !== undefined && { before }), limit: CSV_PAGE });
        lines.push(...page.map(csvRow));
        if (page.length < CSV_PAGE) break;
        before = Number(page.at(-1)!.id);
      }
      res.set('Content-Disposition', `attachment; filename="hearth-audit-${new Date().toISOString().slice(0, 10)}.csv"`);
      return { status: 200, body: `${lines.join('\r\n')}\r\n` };
    },
    verifyAudit: async ({ who, ip }) => {
      requireAdmin(who);
      const result = await audit.verify(who.account.organizationId);
      // Audited after the walk, so the check covers exactly the entries before it.
      await audit.record({ actorRole: 'clinician', actorId: who.account.id, action: 'audit.verify', ip });
      return { status: 200, body: result };
    }
  };
}
