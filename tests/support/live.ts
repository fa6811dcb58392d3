import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { LIVE_LOG } from './runSummary.ts';

/**
 * The product's promise: what one person does on the board shows on everyone else's screen within
 * this. Asserted on the pages' own clocks (below), never as the bound of a wait.
 */
export const LIVE_PROMISE_MS = 1000;

/**
 * How long a test waits for something to show at all. A bound so that a broken product fails rather
 * than hangs, generous because a loaded machine stretches everything; it proves nothing about speed.
 */
export const WAIT_MS = 15_000;

declare global {
  interface Window {
    /** When the person last clicked or pressed a key in this page (its own clock), for live timings. */
    __hearthActedAt?: number;
  }
}

/**
 * Makes every page of the context remember when the person last acted (pointer or key), on the
 * page's own clock, so a live update can be timed from the action itself rather than from when the
 * test process got round to looking.
 */
export async function recordActions(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const mark = () => {
      window.__hearthActedAt = Date.now();
    };
    for (const type of ['pointerdown', 'click', 'keydown']) document.addEventListener(type, mark, { capture: true });
  });
}

/** Something to look for in a page: an in-page check that answers the page's clock once it holds. */
export interface Probe<A = unknown> {
  readonly what: string;
  readonly arg: A;
  readonly check: (arg: A) => number | false;
}

/** An element matching `selector` is in the page. */
export function present(selector: string): Probe<string> {
  return { what: selector, arg: selector, check: (sel) => (document.querySelector(sel) ? Date.now() : false) };
}

/** The first element matching `selector` reads `expected` (trimmed), or matches it. */
export function reads(selector: string, expected: string | RegExp): Probe<readonly [string, string, string | null]> {
  const arg = [selector, typeof expected === 'string' ? expected : expected.source, typeof expected === 'string' ? null : expected.flags] as const;
  return {
    what: `${selector} reading ${String(expected)}`,
    arg,
    check: ([sel, src, flags]) => {
      const text = document.querySelector(sel)?.textContent?.trim() ?? '';
      return (flags === null ? text === src : new RegExp(src, flags).test(text)) ? Date.now() : false;
    }
  };
}

/** A notes section's text, without the other person's caret label, contains `text`. */
export function sectionHolds(section: string, text: string): Probe<readonly [string, string]> {
  return {
    what: `notes section ${section} holding "${text}"`,
    arg: [section, text] as const,
    check: ([s, t]) => {
      const el = document.querySelector(`[data-testid="notes-section"][data-section="${s}"] [data-testid="notes-editor"]`);
      if (!el) return false;
      const copy = el.cloneNode(true) as HTMLElement;
      copy.querySelectorAll('.ProseMirror-yjs-cursor').forEach((caret) => caret.remove());
      return (copy.textContent ?? '').includes(t) ? Date.now() : false;
    }
  };
}

/** Waits (bounded by WAIT_MS) until the probe holds in `page`, with no claim about how fast. */
export async function shows<A>(page: Page, probe: Probe<A>): Promise<void> {
  await (await watch([page], probe)).shown();
}

declare global {
  interface Window {
    /** When each armed probe first held, on the page's clock. */
    __hearthSeen?: Record<string, number>;
  }
}

let armedCount = 0;

/** A probe armed in some pages before an action: it remembers when it first held in each. */
export interface Watch {
  /** Waits (bounded by WAIT_MS) until the probe held in every watched page; answers when, on each page's clock. */
  shown(): Promise<number[]>;
  /**
   * The live promise: the change showed on every watched page within LIVE_PROMISE_MS of the
   * person's last action in `actor` — from the action (the actor page's clock) to the mutation that
   * made the probe hold (each watcher's clock; one machine, one clock). Waits at most WAIT_MS for it
   * to show at all. Returns the delays.
   */
  shownLive(actor: Page): Promise<number[]>;
}

/**
 * Arms `probe` in each page before the action it should see: a mutation observer notes the page's
 * time when it first holds, so a live update is timed as the person sees it, not by when the test
 * process got round to looking. The check is sent as source text and must use only its argument
 * and the page.
 */
export async function watch<A>(pages: readonly Page[], probe: Probe<A>): Promise<Watch> {
  const id = `probe-${++armedCount}`;
  const script = `(() => {
    const check = ${probe.check.toString()};
    const arg = ${JSON.stringify(probe.arg)};
    const seen = (window.__hearthSeen ??= {});
    const look = () => {
      if (seen[${JSON.stringify(id)}] !== undefined) return;
      const at = check(arg);
      if (at !== false) {
        seen[${JSON.stringify(id)}] = at;
        observer.disconnect();
      }
    };
    const observer = new MutationObserver(look);
    observer.observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
    look();
  })()`;
  await Promise.all(pages.map((page) => page.evaluate(script)));
  const shown = () =>
    Promise.all(pages.map(async (page) => {
      const handle = await page.waitForFunction((key) => window.__hearthSeen?.[key] ?? false, id, { timeout: WAIT_MS });
      return (await handle.jsonValue()) as number;
    }));
  return {
    shown,
    async shownLive(actor) {
      const actedAt = await actor.evaluate(() => window.__hearthActedAt ?? null);
      if (actedAt === null) throw new Error('the actor page has not acted yet (recordActions not installed?)');
      const seen = await shown();
      const delays = seen.map((at) => at - actedAt);
      mkdirSync(dirname(LIVE_LOG), { recursive: true });
      appendFileSync(LIVE_LOG, `${JSON.stringify({ what: probe.what, delays })}\n`);
      for (const [n, delay] of delays.entries()) {
        // Held before the action: the probe would prove nothing about this action.
        expect(delay, `${probe.what} on watched page ${n + 1} held before the action`).toBeGreaterThanOrEqual(0);
        expect(delay, `${probe.what} on watched page ${n + 1}: ${delay} ms after the action`).toBeLessThanOrEqual(LIVE_PROMISE_MS);
      }
      return delays;
    }
  };
}
