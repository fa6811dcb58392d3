import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import { WebSocketServer, type WebSocket } from 'ws';
import * as Y from 'yjs';

/**
 * The baseline: a bare Yjs relay speaking the y-websocket protocol (sync + awareness) with one
 * in-memory document per room, no authentication, access rules or storage. Prints its port as JSON.
 */
interface Room {
  readonly doc: Y.Doc;
  readonly awareness: awarenessProtocol.Awareness;
  readonly conns: Set<WebSocket>;
}
const rooms = new Map<string, Room>();

function room(name: string): Room {
  let r = rooms.get(name);
  if (!r) {
    const doc = new Y.Doc();
    const awareness = new awarenessProtocol.Awareness(doc);
    awareness.setLocalState(null);
    const conns = new Set<WebSocket>();
    r = { doc, awareness, conns };
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, 0);
      syncProtocol.writeUpdate(e, update);
      const msg = encoding.toUint8Array(e);
      for (const c of conns) if (c !== origin) c.send(msg);
    });
    awareness.on('update', ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }) => {
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, 1);
      encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(awareness, [...added, ...updated, ...removed]));
      const msg = encoding.toUint8Array(e);
      for (const c of conns) c.send(msg);
    });
    rooms.set(name, r);
  }
  return r;
}

const http = createServer();
const wss = new WebSocketServer({ server: http });
wss.on('connection', (ws, req) => {
  const r = room(req.url ?? '/');
  r.conns.add(ws);
  ws.binaryType = 'arraybuffer';
  ws.on('message', (data: ArrayBuffer) => {
    const decoder = decoding.createDecoder(new Uint8Array(data));
    const encoder = encoding.createEncoder();
    const type = decoding.readVarUint(decoder);
    if (type === 0) {
      encoding.writeVarUint(encoder, 0);
      syncProtocol.readSyncMessage(decoder, encoder, r.doc, ws);
      if (encoding.length(encoder) > 1) ws.send(encoding.toUint8Array(encoder));
    } else if (type === 1) {
      awarenessProtocol.applyAwarenessUpdate(r.awareness, decoding.readVarUint8Array(decoder), ws);
    }
  });
  ws.on('close', () => r.conns.delete(ws));
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0);
  syncProtocol.writeSyncStep1(e, r.doc);
  ws.send(encoding.toUint8Array(e));
});
http.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ event: 'listening', port: (http.address() as AddressInfo).port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
