import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { openDb } from '../app.ts';
import { hashPassword } from '../auth/passwords.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { validationMessage } from '../edge/parse.ts';
import { errorMessage } from '../log.ts';
import { Accounts } from '../store/Accounts.ts';
import { AuditLog } from '../store/AuditLog.ts';
import type { Db } from '../store/Db.ts';
import { Organizations } from '../store/Organizations.ts';
import { STANDARD_TEMPLATES, TimeZoneRequest } from '@hearth/shared';
import { migrate } from '../store/migrate.ts';

const USAGE = `Usage (the password is read from standard input, or asked for without echo):
  npm run admin -- create-admin --organization "Riverside Counseling" --email jordan@riverside.example --name "Jordan Park" [--credentials LCSW] [--time-zone America/Chicago]
  npm run admin -- create-clinician --organization "Riverside Counseling" --email sam@riverside.example --name "Sam Lee" [--credentials LMFT]
  npm run admin -- set-password --email jordan@riverside.example
  npm run admin -- verify-audit [--organization "Riverside Counseling"]   (no password; exit 1 when a chain is broken)
Runs on the configured database (DATABASE_URL, or the embedded one under DATA_DIR), applying migrations first.`;

const MIN_PASSWORD = 10;

const CreateAdmin = z.object({
  organization: z.string().trim().min(1).max(120),
  email: z.string().trim().toLowerCase().email(),
  name: z.string().trim().min(1).max(120),
  credentials: z.string().trim().max(80).default(''),
  'time-zone': TimeZoneRequest.shape.timeZone.optional()
});
const SetPassword = z.object({ email: z.string().trim().toLowerCase().email() });

const VerifyAudit = z.object({ organization: z.string().trim().min(1).max(120).optional() }).strict();

class UsageError extends Error {}

/**
 * Walks the audit chains (every organization's and the server's own, or one organization's), one
 * line each, naming the first break. 0 when every chain holds, 1 when one breaks or the
 * organization is unknown.
 */
async function verifyAudit(db: Db, organization: string | undefined): Promise<number> {
  const audit = new AuditLog(db);
  let chains = await audit.chains();
  if (organization !== undefined) {
    const id = await new Accounts(db).organizationNamed(organization);
    if (!id) {
      process.stderr.write(`No organization is named ${organization}.\n`);
      return 1;
    }
    chains = [{ organizationId: id, organizationName: organization }];
  }
  let broken = 0;
  let entries = 0;
  for (const chain of chains) {
    const name = chain.organizationId ? `organization ${chain.organizationName ?? '?'} (${chain.organizationId})` : 'entries of no organization';
    const result = await audit.verify(chain.organizationId);
    entries += result.entries;
    if (result.firstBreak) {
      broken++;
      const b = result.firstBreak;
      process.stdout.write(`BROKEN ${name}: entry ${b.chainSeq} (id ${b.entryId}): ${b.problem}\n`);
    } else {
      process.stdout.write(`ok     ${name}: ${result.entries} entries${result.head ? `, head ${result.head.chainSeq} ${result.head.hash}` : ''}\n`);
    }
  }
  process.stdout.write(`${chains.length} audit chains, ${entries} entries checked; ${broken === 0 ? 'every chain holds' : `${broken} broken`}\n`);
  return broken === 0 ? 0 : 1;
}

/** The password: piped on stdin, or typed at a terminal without echo. */
async function readPassword(): Promise<string> {
  let password: string;
  if (!process.stdin.isTTY) {
    password = readFileSync(0, 'utf8').replace(/\r?\n$/, '');
  } else {
    process.stdout.write('Password: ');
    process.stdin.setRawMode(true);
    password = await new Promise<string>((resolve) => {
      let typed = '';
      const onData = (chunk: Buffer) => {
        for (const ch of chunk.toString('utf8')) {
          if (ch === '\r' || ch === '\n') {
            process.stdin.off('data', onData);
            process.stdin.setRawMode(false);
            process.stdin.pause();
            process.stdout.write('\n');
            return resolve(typed);
          }
          if (ch === '\u0003') process.exit(130);
          typed = ch === '\u007f' ? typed.slice(0, -1) : typed + ch;
        }
      };
      process.stdin.on('data', onData);
      process.stdin.resume();
    });
  }
  if (password.length < MIN_PASSWORD) throw new UsageError(`The password must have at least ${MIN_PASSWORD} characters.`);
  return password;
}

function parsed<S extends z.ZodType>(schema: S, values: unknown): z.output<S> {
  const r = schema.safeParse(values);
  if (!r.success) throw new UsageError(validationMessage(r.error));
  return r.data;
}

/**
 * `npm run admin`: what an operator does before anyone can sign in — the organization's first
 * administrator, and a password reset — and the audit log's check. Exit 0 done, 1 refused (e.g. the
 * email exists) or a broken chain, 2 bad usage.
 */
async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { organization: { type: 'string' }, email: { type: 'string' }, name: { type: 'string' }, credentials: { type: 'string' }, 'time-zone': { type: 'string' } }
  });
  const command = positionals[0];
  if (command === 'verify-audit') {
    const { organization } = parsed(VerifyAudit, values);
    const db = await openDb(loadConfig());
    try {
      await migrate(db);
      return await verifyAudit(db, organization);
    } finally {
      await db.close();
    }
  }
  if (command !== 'create-admin' && command !== 'create-clinician' && command !== 'set-password') throw new UsageError(USAGE);
  const input = command === 'set-password' ? parsed(SetPassword, values) : parsed(CreateAdmin, values);
  const password = await readPassword();
  const db = await openDb(loadConfig());
  try {
    await migrate(db);
    const accounts = new Accounts(db);
    const passwordHash = await hashPassword(password);
    if (command === 'set-password') {
      if (!(await accounts.setPassword(input.email, passwordHash))) {
        process.stderr.write(`No account has the email ${input.email}.\n`);
        return 1;
      }
      process.stdout.write(`Password set for ${input.email}.\n`);
      return 0;
    }
    const admin = input as z.output<typeof CreateAdmin>;
    if (await accounts.byEmail(admin.email)) {
      process.stderr.write(`An account with the email ${admin.email} exists already.\n`);
      return 1;
    }
    const existing = await accounts.organizationNamed(admin.organization);
    if (command === 'create-clinician' && !existing) {
      process.stderr.write(`No organization is named ${admin.organization}: create its administrator first.\n`);
      return 1;
    }
    let organizationId = existing;
    if (!organizationId) {
      // A new organization starts with its time zone and the library of standard group formats.
      organizationId = await accounts.createOrganization(admin.organization);
      const organizations = new Organizations(db);
      if (admin['time-zone']) await organizations.setTimeZone(organizationId, admin['time-zone']);
      for (const template of STANDARD_TEMPLATES) await organizations.addTemplate(organizationId, template, null);
    }
    const isAdmin = command === 'create-admin';
    await accounts.create({ organizationId, email: admin.email, displayName: admin.name, credentials: admin.credentials, passwordHash, admin: isAdmin });
    process.stdout.write(`Created ${admin.name} <${admin.email}>, ${isAdmin ? 'administrator' : 'clinician'} of ${admin.organization}. They can sign in now.\n`);
    return 0;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof UsageError || e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`admin could not run: ${errorMessage(e)}\n`);
    process.exit(2);
  }
);
