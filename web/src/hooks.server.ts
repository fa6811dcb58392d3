import type { Handle } from '@sveltejs/kit';

/**
 * Adds the page's own origin, as ws: and wss:, to its connect-src: the board (/socket.io/) and the
 * notes (/yjs/) are WebSockets to it. `'self'` covers them in current browsers, not in Safari before
 * 16. The host is the one the browser asked for (behind a proxy that passes Host through, as the
 * operations guide asks), and its scheme is not known here, so both are named.
 */
export const handle: Handle = async ({ event, resolve }) => {
  const response = await resolve(event);
  const csp = response.headers.get('content-security-policy');
  if (csp) {
    const { host } = event.url;
    response.headers.set('content-security-policy', csp.replace("connect-src 'self'", `connect-src 'self' ws://${host} wss://${host}`));
  }
  return response;
};
