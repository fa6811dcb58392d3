import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { STANDARD_TEMPLATES } from '@hearth/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/src/app.ts';
import { api } from '../support/boardClient.ts';
import { createTestDatabase, type TestDatabase } from '../support/services.ts';
import { startTestServer } from '../support/testServer.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Runs `npm run admin -- …`'s script with the password on stdin. */
function admin(databaseUrl: string, args: string[], password: string): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/admin/adminCli.ts', ...args], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' }
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => resolve({ code: code ?? -1, out, err }));
    child.stdin.end(`${password}\n`);
  });
}

const login = (url: string, email: string, password: string) => api(url, '/auth/login', { body: { email, password } });

/**
 * The first administrator of a real deployment, made without SQL: on an empty database with the
 * demo off, `npm run admin -- create-admin` makes the organization and its administrator, who can
 * sign in at once; `set-password` resets a password. Bad usage is exit 2, a refusal exit 1.
 */
describe('npm run admin', () => {
  let db: TestDatabase;
  let server: RunningServer | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('creates the first administrator on an empty database, who signs in; resets a password', { timeout: 120_000 }, async () => {
    const args = ['create-admin', '--organization', 'Riverside Counseling', '--email', 'Jordan@Riverside.example', '--name', 'Jordan Park', '--credentials', 'LCSW', '--time-zone', 'America/Denver'];
    const created = await admin(db.url, args, 'a long enough password');
    expect(created, created.err).toMatchObject({ code: 0 });
    expect(created.out).toContain('administrator of Riverside Counseling');
    // Refusals and bad usage change nothing; a colleague joins the same organization, not as an
    // administrator, and none joins an organization that does not exist. (In parallel: each is a process.)
    const [again, badEmail, short, unknown, badZone, colleague, nowhere] = await Promise.all([
      admin(db.url, args, 'another long password'),
      admin(db.url, [...args.slice(0, 3), '--email', 'not-an-email', '--name', 'X'], 'a long enough password'),
      admin(db.url, ['create-admin', '--organization', 'O', '--email', 'b@riverside.example', '--name', 'B'], 'short'),
      admin(db.url, ['remove-everyone'], 'a long enough password'),
      admin(db.url, ['create-admin', '--organization', 'P', '--email', 'p@riverside.example', '--name', 'P', '--time-zone', 'Mars/Base'], 'a long enough password'),
      admin(db.url, ['create-clinician', '--organization', 'Riverside Counseling', '--email', 'sam@riverside.example', '--name', 'Sam Lee'], 'a long enough password'),
      admin(db.url, ['create-clinician', '--organization', 'Elsewhere', '--email', 'x@elsewhere.example', '--name', 'X'], 'a long enough password')
    ]);
    expect([again.code, badEmail.code, short.code, unknown.code, badZone.code, colleague.code, nowhere.code]).toEqual([1, 2, 2, 2, 2, 0, 1]);
    expect(short.err).toContain('at least 10 characters');

    const sql = postgres(db.url, { max: 1, onnotice: () => undefined });
    try {
      const rows = await sql<{ email: string; admin: boolean; credentials: string; organization: string }[]>`
        select a.email, a.admin, a.credentials, o.name as organization from accounts a join organizations o on o.id = a.organization_id`;
      expect(rows.sort((a, b) => a.email.localeCompare(b.email))).toEqual([
        { email: 'jordan@riverside.example', admin: true, credentials: 'LCSW', organization: 'Riverside Counseling' },
        { email: 'sam@riverside.example', admin: false, credentials: '', organization: 'Riverside Counseling' }
      ]);
      // The new organization keeps its clocks and starts with the five standard group formats.
      const [org] = await sql<{ time_zone: string; templates: number }[]>`
        select o.time_zone, (select count(*)::int from agenda_templates t where t.organization_id = o.id) as templates from organizations o`;
      expect(org).toEqual({ time_zone: 'America/Denver', templates: STANDARD_TEMPLATES.length });
    } finally {
      await sql.end();
    }

    server = await startTestServer({ DATABASE_URL: db.url, DEMO: 'false' });
    expect((await login(server.url, 'jordan@riverside.example', 'a long enough password')).status).toBe(200);
    expect((await admin(db.url, ['set-password', '--email', 'jordan@riverside.example'], 'a new long password')).code).toBe(0);
    expect((await admin(db.url, ['set-password', '--email', 'nobody@riverside.example'], 'a new long password')).code).toBe(1);
    expect((await login(server.url, 'jordan@riverside.example', 'a long enough password')).status).toBe(401);
    expect((await login(server.url, 'jordan@riverside.example', 'a new long password')).status).toBe(200);
  });
});
