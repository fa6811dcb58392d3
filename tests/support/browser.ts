import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { SERVICE_DEFAULTS } from './services.ts';

/** Debian's Chromium, started headless with no calls home (the machine has no network beyond loopback). */
export const CHROMIUM = process.env['CHROMIUM_PATH'] || SERVICE_DEFAULTS.chromium;

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync'
    ]
  });
}

/** A phone-sized context, as a member at home would have. */
export function phoneContext(browser: Browser, baseURL: string): Promise<BrowserContext> {
  return browser.newContext({ baseURL, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
}

export function desktopContext(browser: Browser, baseURL: string): Promise<BrowserContext> {
  return browser.newContext({ baseURL, viewport: { width: 1280, height: 900 } });
}

/** Signs in through the login page. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((u) => u.pathname === '/');
}

/** One Socket.IO event frame as the page received it, decoded from the Engine.IO/Socket.IO packet. */
export interface ReceivedFrame {
  readonly raw: string;
  readonly name: string | null;
  readonly payload: unknown;
}

/**
 * Records every WebSocket frame a page receives, from any socket it opens. Attach before navigating.
 * Socket.IO event packets look like `42/board,["event",{…}]` (with an ack id after 2 for answers: `43/board,12[…]`).
 */
export function recordFrames(page: Page): ReceivedFrame[] {
  const frames: ReceivedFrame[] = [];
  page.on('websocket', (ws) => {
    ws.on('framereceived', ({ payload }) => {
      const raw = typeof payload === 'string' ? payload : payload.toString('utf8');
      const m = /^4[23](?:\/[^,]*,)?\d*(\[.*)$/s.exec(raw);
      let name: string | null = null;
      let data: unknown = null;
      if (m) {
        try {
          const arr = JSON.parse(m[1]!) as unknown[];
          if (raw.startsWith('42')) {
            name = typeof arr[0] === 'string' ? arr[0] : null;
            data = arr[1];
          } else {
            name = 'ack';
            data = arr[0];
          }
        } catch {
          name = 'unparsed';
        }
      }
      frames.push({ raw, name, payload: data });
    });
  });
  return frames;
}
