import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { RunningServer } from '../../server/src/app.ts';
import { desktopContext, launchBrowser, phoneContext } from './browser.ts';
import { recordContractTraffic } from './contractBrowser.ts';
import { recordActions } from './live.ts';
import { createTestDatabase, type TestDatabase } from './services.ts';
import { startTestServer } from './testServer.ts';

/** What an end-to-end test works with: the running server and a way to open browser pages. */
export interface BrowserFixture {
  /** The server under test (available inside tests and hooks). */
  server(): RunningServer;
  /** The URL of the server's own database, for tests that write behind its back. */
  databaseUrl(): string;
  /** A new browser context of the given kind (a member's phone, or a clinician's desktop). */
  context(kind: 'desktop' | 'phone'): Promise<BrowserContext>;
  /** A new page in a new context of the given kind. */
  open(kind: 'desktop' | 'phone'): Promise<Page>;
}

/**
 * Registers, for the enclosing describe block, a fresh Postgres database, a real server on it with
 * the demo organization seeded and the built web app, and Debian's Chromium — all torn down after.
 */
export function useBrowserFixture(): BrowserFixture {
  let db: TestDatabase | undefined;
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startTestServer({ DATABASE_URL: db.url });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await server?.close();
    await db?.drop();
  });

  const running = () => {
    if (!server || !browser) throw new Error('the browser fixture is not started yet');
    return { server, browser };
  };
  const context = async (kind: 'desktop' | 'phone') => {
    const { server: s, browser: b } = running();
    const c = kind === 'phone' ? await phoneContext(b, s.url) : await desktopContext(b, s.url);
    recordContractTraffic(c);
    await recordActions(c);
    contexts.push(c);
    return c;
  };
  return {
    server: () => running().server,
    databaseUrl: () => {
      if (!db) throw new Error('the browser fixture is not started yet');
      return db.url;
    },
    context,
    open: async (kind) => (await context(kind)).newPage()
  };
}
