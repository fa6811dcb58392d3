import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * The Content-Security-Policy of everything the server answers outside the pages: /api, the built
 * scripts and styles, the service worker (whose own policy this is). The pages get theirs from
 * SvelteKit (web/svelte.config.js: the same directives, with a nonce for its bootstrap script), which
 * replaces this header on a page's answer.
 */
export const CSP_DIRECTIVES = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  // Svelte sets style attributes (and the page shell has one); styles cannot run code.
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'"],
  'font-src': ["'self'"],
  // The board (/socket.io/) and the notes (/yjs/) are WebSockets to this same origin.
  'connect-src': ["'self'"],
  'worker-src': ["'self'"],
  'manifest-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"]
} as const;

/**
 * Features no page of Hearth uses, turned off for them and anything they could embed. Passkeys
 * (publickey-credentials-*) and the clipboard keep their default, this origin only.
 */
export const PERMISSIONS_POLICY = [
  'accelerometer=()',
  'autoplay=()',
  'camera=()',
  'display-capture=()',
  'encrypted-media=()',
  'geolocation=()',
  'gyroscope=()',
  'hid=()',
  'idle-detection=()',
  'magnetometer=()',
  'microphone=()',
  'midi=()',
  'payment=()',
  'picture-in-picture=()',
  'screen-wake-lock=()',
  'serial=()',
  'usb=()',
  'xr-spatial-tracking=()'
].join(', ');

/** A year: what HSTS preload lists and most guides ask for. */
const HSTS_SECONDS = 365 * 24 * 60 * 60;

/**
 * The security headers of every answer: the CSP above, `Referrer-Policy: no-referrer` (invite codes
 * and set-password tokens travel in URLs), `X-Content-Type-Options: nosniff`, no framing, no features
 * the app does not use, and HSTS only when every configured origin is https — a deployment reached
 * over plain http (the local default) must not be pinned to https it does not serve.
 */
export function securityHeaders(publicOrigins: readonly string[] | null): RequestHandler[] {
  const httpsOnly = publicOrigins !== null && publicOrigins.length > 0 && publicOrigins.every((o) => o.startsWith('https://'));
  return [
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES },
      referrerPolicy: { policy: 'no-referrer' },
      strictTransportSecurity: httpsOnly ? { maxAge: HSTS_SECONDS, includeSubDomains: true } : false,
      xFrameOptions: { action: 'deny' }
    }),
    (_req, res, next) => {
      res.setHeader('Permissions-Policy', PERMISSIONS_POLICY);
      next();
    }
  ];
}
