import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';

/**
 * The baseline: a bare Socket.IO server that relays each message to the other sockets of a room,
 * with no authentication, validation, storage or sequencing. Prints its port as JSON.
 */
const http = createServer();
const io = new Server(http, { serveClient: false });
io.on('connection', (socket) => {
  void socket.join('room');
  socket.on('relay', (payload: unknown, ack: unknown) => {
    socket.to('room').emit('relayed', payload);
    if (typeof ack === 'function') (ack as (r: unknown) => void)({ ok: true });
  });
});
http.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ event: 'listening', port: (http.address() as AddressInfo).port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
