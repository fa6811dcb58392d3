import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { startServerProcess } from '../tests/support/serverProcess.ts';
import { demoLogins, scheduleSession } from '../tests/support/testServer.ts';
import { summarize, type BenchResult } from './stats.ts';

const WARMUP = 100;
const EDITS = 1000;
const EVERY_MS = 10;
const LOAD_CHARS = 50_000;
const LOADS = 5;

/** A target: where the providers connect, with the cookie they present. */
interface Target {
  readonly serverUrl: string;
  readonly room: string;
  readonly cookie?: string;
}

/** The stock provider over `ws`, presenting a cookie as a browser would. */
function provider(target: Target, doc: Y.Doc): WebsocketProvider {
  const headers = target.cookie ? { cookie: target.cookie } : {};
  class CookieWebSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { headers });
    }
  }
  return new WebsocketProvider(target.serverUrl, target.room, doc, {
    WebSocketPolyfill: CookieWebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true
  });
}

/** Resolves once the provider has synced with the server; a server that never answers fails the run. */
const synced = (p: WebsocketProvider, timeoutMs = 20_000) =>
  new Promise<void>((resolve, reject) => {
    if (p.synced) return resolve();
    const timer = setTimeout(() => reject(new Error(`no sync from ${p.url} in ${timeoutMs} ms`)), timeoutMs);
    p.once('sync', (s: boolean) => {
      if (!s) return;
      clearTimeout(timer);
      resolve();
    });
  });

/** The text both providers edit: one paragraph in the general section, as the editor writes it. */
function paragraphText(doc: Y.Doc, create: boolean): Y.XmlText | null {
  const general = doc.getXmlFragment('general');
  const first = general.get(0);
  if (first instanceof Y.XmlElement && first.get(0) instanceof Y.XmlText) return first.get(0) as Y.XmlText;
  if (!create) return null;
  const p = new Y.XmlElement('paragraph');
  p.insert(0, [new Y.XmlText()]);
  general.insert(0, [p]);
  return p.get(0) as Y.XmlText;
}

/** A small insertion every 10 ms from A; the time until B's document has each one. */
export async function relayLatency(target: Target): Promise<number[]> {
  const [docA, docB] = [new Y.Doc(), new Y.Doc()];
  const [a, b] = [provider(target, docA), provider(target, docB)];
  try {
    await Promise.all([synced(a), synced(b)]);
    const textA = paragraphText(docA, true)!;
    const sentAt: number[] = [];
    const samples: number[] = [];
    const total = WARMUP + EDITS;
    let seen = 0;
    const done = new Promise<void>((resolve) => {
      docB.on('update', () => {
        const t = paragraphText(docB, false);
        const length = t?.length ?? 0;
        const now = performance.now();
        for (; seen < length; seen++) if (seen >= WARMUP) samples.push(now - sentAt[seen]!);
        if (seen >= total) resolve();
      });
    });
    for (let n = 0; n < total; n++) {
      sentAt[n] = performance.now();
      textA.insert(textA.length, 'x');
      await new Promise((r) => setTimeout(r, EVERY_MS));
    }
    await Promise.race([done, new Promise((_, reject) => setTimeout(() => reject(new Error('relay did not deliver every edit')), 30_000))]);
    return samples;
  } finally {
    a.destroy();
    b.destroy();
  }
}

/** A document of 50,000 single-character insertions at random positions (seeded), full history. */
export function bigDocument(): Y.Doc {
  const doc = new Y.Doc();
  const text = paragraphText(doc, true)!;
  let seed = 42;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  for (let n = 0; n < LOAD_CHARS; n++) text.insert(Math.floor(random() * (text.length + 1)), 'abcdefghij'[n % 10]!);
  return doc;
}

/** Fresh providers syncing the big document: time from creation until their document holds all of it. */
export async function loadTimes(target: Target): Promise<number[]> {
  const seedDoc = bigDocument();
  const seeder = provider(target, seedDoc);
  await synced(seeder);
  // Wait until the server holds everything: a second fresh provider sees the full length.
  const times: number[] = [];
  for (let n = 0; n < LOADS + 1; n++) {
    const doc = new Y.Doc();
    const t0 = performance.now();
    const p = provider(target, doc);
    await synced(p);
    const deadline = Date.now() + 30_000;
    while ((paragraphText(doc, false)?.length ?? 0) < LOAD_CHARS) {
      if (Date.now() > deadline) throw new Error('the document never arrived whole');
      await new Promise((r) => setTimeout(r, 1));
    }
    if (n > 0) times.push(performance.now() - t0);
    p.destroy();
  }
  seeder.destroy();
  return times;
}

export async function startBareRelay(): Promise<{ port: number; stop: () => void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./bareYjsRelay.ts', import.meta.url))], {
    stdio: ['ignore', 'pipe', 'inherit']
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /"port":(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', () => reject(new Error('bare relay exited')));
  });
  return { port, stop: () => child.kill('SIGTERM') };
}

/**
 * Notes benchmarks: the stock provider against Hearth's notes endpoint (server in its own process,
 * on the database named by `env`) and against a bare Yjs relay in its own process, in the same run.
 */
export async function notesBenchmarks(env: Record<string, string>, storeName: string): Promise<Record<string, BenchResult>> {
  const bare = await startBareRelay();
  let bareRelay: number[];
  let bareLoad: number[];
  try {
    bareRelay = await relayLatency({ serverUrl: `ws://127.0.0.1:${bare.port}`, room: 'relay' });
    bareLoad = await loadTimes({ serverUrl: `ws://127.0.0.1:${bare.port}`, room: 'load' });
  } finally {
    bare.stop();
  }
  const server = await startServerProcess({ DEMO: 'true', ...env });
  try {
    const cookies = await demoLogins(server.url);
    const relaySession = await scheduleSession(server.url, cookies.a, 'Notes relay benchmark');
    const loadSession = await scheduleSession(server.url, cookies.a, 'Notes load benchmark');
    const wsUrl = server.url.replace('http', 'ws');
    const relay = await relayLatency({ serverUrl: `${wsUrl}/yjs`, room: `notes:${relaySession.id}`, cookie: cookies.a });
    const load = await loadTimes({ serverUrl: `${wsUrl}/yjs`, room: `notes:${loadSession.id}`, cookie: cookies.a });
    const ratio = (x: number[], base: number[]) => (summarize(x, '').median / summarize(base, '').median).toFixed(2);
    return {
      'notes.bare_yjs_relay_latency': summarize(
        bareRelay,
        `Bare y-protocols relay in its own process, stock WebsocketProvider to stock WebsocketProvider, an insertion every ${EVERY_MS} ms, ${EDITS} edits after ${WARMUP} warm-up.`
      ),
      'notes.relay_latency': summarize(
        relay,
        `Hearth's notes endpoint (cookie auth at the upgrade, facilitator access, debounced persistence to ${storeName}) in its own process, same load. ${ratio(relay, bareRelay)}× the bare relay's median.`,
        'notes.bare_yjs_relay_latency'
      ),
      'notes.bare_yjs_load_50k': summarize(
        bareLoad,
        `A fresh stock provider syncing a document built from ${LOAD_CHARS} single-character insertions at random positions (full history) from a bare relay holding it in memory; median of ${LOADS} loads.`
      ),
      'notes.load_50k': summarize(
        load,
        `The same document through Hearth's notes endpoint, server in its own process on ${storeName}; median of ${LOADS} loads. ${ratio(load, bareLoad)}× the bare relay's median.`,
        'notes.bare_yjs_load_50k'
      )
    };
  } finally {
    await server.stop();
  }
}
