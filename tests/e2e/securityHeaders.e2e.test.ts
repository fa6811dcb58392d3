import type { GroupSummary, SessionSummary } from '@hearth/shared';
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { signIn } from '../support/browser.ts';
import { useBrowserFixture } from '../support/browserFixture.ts';
import { WAIT_MS } from '../support/live.ts';
import { DEMO_PASSWORD, FACILITATOR_A, memberLink } from '../support/testServer.ts';

/** What a page told the test of itself: its console's warnings and errors, and CSP violations. */
interface Complaint {
  readonly page: string;
  readonly kind: string;
  readonly text: string;
}

/** The directives of a Content-Security-Policy header, by name. */
function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...sources]) => [name!, sources])
  );
}

/**
 * The security headers in a browser: every main page of Hearth (sign-in, home, the settings pages,
 * the live board with its socket and notes, a member's welcome page and board, the service worker)
 * loads under its Content-Security-Policy with no violation and no console warning or error, and
 * the page and API answers carry the headers the operations guide promises.
 */
describe('security headers in the browser', () => {
  const fx = useBrowserFixture();
  const complaints: Complaint[] = [];

  /** A context whose pages report every CSP violation and console warning or error. */
  async function watched(kind: 'desktop' | 'phone'): Promise<BrowserContext> {
    const context = await fx.context(kind);
    await context.exposeBinding('__hearthCspViolation', ({ page }, text: string) => void complaints.push({ page: page.url(), kind: 'securitypolicyviolation', text }));
    // Injected by the browser before the page's own scripts: a CSP does not apply to it.
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        const report = (window as unknown as { __hearthCspViolation(text: string): void }).__hearthCspViolation;
        report(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber}) ${e.sample}`);
      });
    });
    context.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') complaints.push({ page: m.page()?.url() ?? '', kind: `console ${m.type()}`, text: m.text() });
    });
    context.on('weberror', (e) => complaints.push({ page: e.page()?.url() ?? '', kind: 'uncaught', text: e.error().message }));
    return context;
  }

  const visit = async (page: Page, path: string, ready: (page: Page) => Promise<unknown>) => {
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(200);
    await ready(page);
    await page.waitForLoadState('networkidle');
  };
  const heading = (name: string | RegExp) => (page: Page) => page.getByRole('heading', { name, level: 1 }).first().waitFor({ timeout: WAIT_MS });
  const connected = (page: Page) => expect.poll(() => page.getByTestId('connection').getAttribute('data-state'), { timeout: WAIT_MS }).toBe('connected');

  it('serves the pages with a nonce-based CSP, no framing, no referrer and no unused features, and API answers alike', async () => {
    const page = await (await watched('desktop')).newPage();
    const res = await page.goto('/login');
    const headers = res!.headers();
    const csp = directives(headers['content-security-policy'] ?? '');
    // Scripts: only this origin's files and the bootstrap script SvelteKit marks with this answer's nonce.
    const scripts = csp.get('script-src') ?? [];
    expect(scripts).toContain("'self'");
    expect(scripts.some((s) => /^'nonce-[A-Za-z0-9+/=]{16,}'$/.test(s)), scripts.join(' ')).toBe(true);
    expect(scripts).not.toContain("'unsafe-inline'");
    expect(scripts).not.toContain("'unsafe-eval'");
    const nonce = scripts.find((s) => s.startsWith("'nonce-"))!.slice("'nonce-".length, -1);
    expect(await page.locator('script').evaluateAll((els) => els.map((e) => (e as HTMLScriptElement).nonce))).toEqual([nonce]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('worker-src')).toEqual(["'self'"]);
    const host = new URL(fx.server().url).host;
    expect(csp.get('connect-src')).toEqual(["'self'", `ws://${host}`, `wss://${host}`]);
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['x-frame-options']).toBe('DENY');
    for (const feature of ['camera', 'microphone', 'geolocation', 'payment', 'usb']) expect(headers['permissions-policy']).toContain(`${feature}=()`);
    // Served over http here: no HSTS, which would pin a plain-http deployment to https it does not serve.
    expect(headers['strict-transport-security']).toBeUndefined();

    const api = await page.context().request.get('/api/health');
    const apiHeaders = api.headers();
    const apiCsp = directives(apiHeaders['content-security-policy'] ?? '');
    expect(apiCsp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(apiCsp.get('script-src')).toEqual(["'self'"]);
    expect(apiHeaders['referrer-policy']).toBe('no-referrer');
    expect(apiHeaders['x-content-type-options']).toBe('nosniff');
    expect(apiHeaders['permissions-policy']).toBe(headers['permissions-policy']);
    expect(apiHeaders['strict-transport-security']).toBeUndefined();
    // The page's policy is the server's, with the nonce and the page's WebSocket origin added.
    for (const [name, sources] of apiCsp) expect(csp.get(name)?.filter((s) => !s.startsWith("'nonce-") && !s.startsWith('ws')), name).toEqual(sources);
  });

  it('loads the main pages, the live board with its notes, a member\'s board and the service worker with no CSP violation or console complaint', async () => {
    const clinician = await (await watched('desktop')).newPage();
    await visit(clinician, '/login', (p) => p.getByLabel('Email').waitFor());
    await signIn(clinician, FACILITATOR_A, DEMO_PASSWORD);
    await clinician.getByRole('heading', { name: 'Your groups' }).waitFor({ timeout: WAIT_MS });
    await clinician.waitForLoadState('networkidle');
    for (const path of ['/settings/account', '/settings/people', '/settings/crisis-protocol', '/settings/resources', '/settings/instruments']) await visit(clinician, path, heading(/\S/));

    const group = ((await (await clinician.context().request.get('/api/groups')).json()) as { groups: GroupSummary[] }).groups[0]!;
    const session: SessionSummary = group.sessions.find((s) => s.status === 'scheduled')!;
    await visit(clinician, `/sessions/${session.id}`, async (p) => {
      await connected(p);
      // The notes are a WebSocket of their own (/yjs/), in a chunk of their own.
      await p.locator('[data-testid="notes-editor"]').first().waitFor({ timeout: WAIT_MS });
    });
    await clinician.getByRole('button', { name: 'Start session' }).click();
    await expect.poll(() => clinician.getByTestId('session-status').textContent(), { timeout: WAIT_MS }).toMatch(/live/i);

    // The service worker that shows crisis alerts by Web Push registers under worker-src 'self'.
    const scope = await clinician.evaluate(async () => (await navigator.serviceWorker.register('/push-worker.js', { scope: '/' })).scope);
    expect(scope).toBe(`${fx.server().url}/`);
    await clinician.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));

    const member = await (await watched('phone')).newPage();
    await visit(member, await memberLink(fx.server().url, session, 'Maple'), (p) => p.getByRole('button', { name: 'Join the session' }).waitFor({ timeout: WAIT_MS }));
    await member.getByRole('button', { name: 'Join the session' }).click();
    await connected(member);
    await member.getByTestId('current-item').waitFor({ timeout: WAIT_MS });
    await member.waitForLoadState('networkidle');

    // A page that is not there renders its error page under the same policy.
    await clinician.goto('/sessions/00000000-0000-4000-8000-000000000000');
    await clinician.locator('h1').first().waitFor({ timeout: WAIT_MS });
    await clinician.waitForLoadState('networkidle');

    expect(complaints.filter((c) => !expectedFailure(c)), JSON.stringify(complaints, null, 2)).toEqual([]);
  });
});

/**
 * The browser's own lines for the requests that fail by design: the sign-in page asking who is signed
 * in before anyone is (401), and the session the test opens that is not there (404). Nothing else.
 */
const expectedFailure = (c: Complaint) =>
  c.kind === 'console error' &&
  ((new URL(c.page).pathname === '/login' && /status of 401/.test(c.text)) ||
    (c.page.includes('/sessions/00000000-0000-4000-8000-000000000000') && /status of 404/.test(c.text)));
