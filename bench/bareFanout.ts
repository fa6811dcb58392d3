import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';

/**
 * The fan-out baseline: a bare Socket.IO server with one room per session. A socket joins a room;
 * a command is numbered in its room and broadcast to every socket of it (the sender's too), then
 * acknowledged — no authentication, validation, storage or roles. Prints its port as JSON.
 * PING_INTERVAL_MS sets Engine.IO's heartbeat (default 25 000 ms, as Hearth's).
 */
const pingInterval = Number(process.env['PING_INTERVAL_MS'] ?? 25_000);
const http = createServer();
const io = new Server(http, { serveClient: false, pingInterval });
const seqs = new Map<string, number>();
io.on('connection', (socket) => {
  socket.on('join', (req: { sessionId: string }, ack: (r: unknown) => void) => {
    void socket.join(req.sessionId);
    ack({ ok: true });
  });
  socket.on('command', (req: { sessionId: string; command: { type: string; itemId: string } }, ack: (r: unknown) => void) => {
    const prevSeq = seqs.get(req.sessionId) ?? 0;
    const seq = prevSeq + 1;
    seqs.set(req.sessionId, seq);
    // The event a board would record for the command (item.pause → item.paused).
    const event = { type: req.command.type === 'item.pause' ? 'item.paused' : 'item.resumed', itemId: req.command.itemId, at: Date.now() };
    io.to(req.sessionId).emit('event', { sessionId: req.sessionId, seq, prevSeq, event });
    ack({ ok: true, seq, serverTime: Date.now(), duplicate: false });
  });
});
http.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ event: 'listening', port: (http.address() as AddressInfo).port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
