import type { BrowserContext, Page } from 'playwright-core';
import { recordAck, recordHttp, recordMessage } from './contractTraffic.ts';

/** `42/board,12["join",{…}]` → { type: 2, id: 12, args }; null for anything else (pings, handshakes). */
function socketIoPacket(raw: string): { type: '2' | '3'; id: number | null; args: unknown[] } | null {
  const m = /^4([23])(?:\/board,)(\d*)(\[.*)$/s.exec(raw);
  if (!m) return null;
  try {
    return { type: m[1] as '2' | '3', id: m[2] ? Number(m[2]) : null, args: JSON.parse(m[3]!) as unknown[] };
  } catch {
    return null;
  }
}

function recordPage(page: Page): void {
  page.on('websocket', (ws) => {
    // Acknowledgements carry only the id of the message they answer: remember which message that was.
    const asked = new Map<number, string>();
    ws.on('framesent', ({ payload }) => {
      const packet = socketIoPacket(typeof payload === 'string' ? payload : payload.toString('utf8'));
      if (packet?.type === '2' && packet.id !== null && typeof packet.args[0] === 'string') asked.set(packet.id, packet.args[0]);
    });
    ws.on('framereceived', ({ payload }) => {
      const packet = socketIoPacket(typeof payload === 'string' ? payload : payload.toString('utf8'));
      if (!packet) return;
      if (packet.type === '2' && typeof packet.args[0] === 'string') recordMessage(packet.args[0], packet.args[1]);
      if (packet.type === '3' && packet.id !== null) {
        const name = asked.get(packet.id);
        if (name) recordAck(name, packet.args[0]);
      }
    });
  });
}

/**
 * Records, for the contract check, what the pages of a browser context receive: every /api answer
 * and every /board message and acknowledgement.
 */
export function recordContractTraffic(context: BrowserContext): void {
  context.on('page', recordPage);
  context.on('response', (response) => {
    const url = new URL(response.url());
    if (!url.pathname.startsWith('/api/')) return;
    const method = response.request().method();
    // A download (the audit log's CSV) is recorded as its text; every other answer of /api is JSON.
    const json = !(response.headers()['content-type'] ?? '').startsWith('text/');
    void response.text().then(
      (text) => recordHttp(method, url.pathname + url.search, response.status(), text ? (json ? (JSON.parse(text) as unknown) : text) : null),
      () => undefined
    );
  });
}
