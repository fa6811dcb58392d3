import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_COMPILED, startServerProcess, type ServerProcess } from '../support/serverProcess.ts';
import { REDIS_URL, createTestDatabase, type TestDatabase } from '../support/services.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BUNDLES = ['main', 'admin', 'verify-records'].map((name) => `${ROOT}server/dist/${name}.js`);

/** The module specifiers a bundle imports statically or dynamically with a literal. */
function importsOf(file: string): string[] {
  const code = readFileSync(file, 'utf8');
  return [...code.matchAll(/(?:^import\s[^;]*?from\s*|^import\s*|\bimport\()\s*"([^"]+)"/gm)].map((m) => m[1]!);
}

/**
 * Production runs `npm run build`'s bundles with plain node (`npm run serve`): no TypeScript loader,
 * the migrations and the web app found from server/dist. A bundle that does not start, misses its
 * migrations or its pages fails here. `npm test` builds first; alone, run `npm run build` before.
 */
describe('the compiled server (npm run build, then npm run serve)', () => {
  let db: TestDatabase;
  let proc: ServerProcess;

  beforeAll(async () => {
    for (const file of [...BUNDLES, `${ROOT}web/build/handler.js`]) {
      if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` before this test`);
    }
    db = await createTestDatabase();
    proc = await startServerProcess({ DATABASE_URL: db.url, REDIS_URL }, { args: SERVER_COMPILED });
  });
  afterAll(async () => {
    await proc?.stop();
    await db?.drop();
  });

  it('imports packages from node_modules only: neither tsx nor our TypeScript sources', () => {
    for (const file of BUNDLES) {
      const imports = importsOf(file);
      expect(imports.length, file).toBeGreaterThan(0);
      expect(imports.filter((s) => s === 'tsx' || s.startsWith('tsx/') || s.startsWith('@hearth/') || s.endsWith('.ts')), file).toEqual([]);
    }
  });

  it('answers /api/health with the database (migrated from the copied migrations) and Redis up', async () => {
    const res = await fetch(`${proc.url}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, database: 'ok', redis: 'ok' });
  });

  it('serves the web app: a page and the script it loads', async () => {
    const page = await fetch(`${proc.url}/login`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    // SvelteKit links its scripts relative to the page: "./_app/immutable/entry/start.….js".
    const asset = /["']\.?\/(_app\/immutable\/[^"']+\.js)["']/.exec(html)?.[1];
    expect(asset, 'the page links a script under /_app/immutable').toBeDefined();
    const script = await fetch(`${proc.url}/${asset!}`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('javascript');
  });

  it('runs npm run verify-records from its bundle on the same database', async () => {
    const { stdout } = await run(process.execPath, [`${ROOT}server/dist/verify-records.js`], {
      env: { PATH: process.env['PATH'] ?? '', DATABASE_URL: db.url },
      timeout: 30_000
    });
    expect(stdout).toContain('every chain holds');
  });
});
