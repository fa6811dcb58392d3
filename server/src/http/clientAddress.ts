import type { IncomingMessage } from 'node:http';

/** Express's compiled `trust proxy` setting (`app.get('trust proxy fn')`): whether the hop at `i` is a proxy we trust. */
export type TrustProxy = (address: string, i: number) => boolean;

/**
 * The client's address of a request Express never sees (a Socket.IO handshake, a WebSocket upgrade),
 * read as Express reads `req.ip`: from the connection back through X-Forwarded-For while each hop is
 * a trusted proxy. Behind a proxy the socket's own address is the proxy's, and a limit per address
 * would hold every client to one count.
 */
export function clientAddressOf(trust: TrustProxy): (req: IncomingMessage) => string {
  return (req) => {
    const forwarded = req.headers['x-forwarded-for'];
    const hops = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? ''))
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean)
      .reverse();
    const chain = [req.socket.remoteAddress ?? '', ...hops];
    for (let i = 0; i < chain.length - 1; i++) if (!trust(chain[i]!, i)) return chain[i]!;
    return chain[chain.length - 1]!;
  };
}
