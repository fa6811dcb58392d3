import express from 'express';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { securityHeaders } from '../../server/src/http/securityHeaders.ts';

const servers: { close(): void }[] = [];
afterEach(() => servers.splice(0).forEach((s) => s.close()));

/** The headers an app with Hearth's security headers answers with, for the given public origins. */
async function headersFor(publicOrigins: string[] | null): Promise<Headers> {
  const app = express();
  app.use(securityHeaders(publicOrigins));
  app.get('/x', (_req, res) => void res.json({ ok: true }));
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return (await fetch(`http://127.0.0.1:${port}/x`)).headers;
}

describe('security headers', () => {
  it('pins browsers to https (HSTS) only when every public origin is https', async () => {
    expect((await headersFor(['https://hearth.example.org'])).get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    expect((await headersFor(['https://hearth.example.org', 'https://board.example.org'])).get('strict-transport-security')).toMatch(/^max-age=31536000/);
    // One plain-http origin (a LAN address beside the public one), or none configured (localhost): no pin.
    expect((await headersFor(['https://hearth.example.org', 'http://10.0.0.5:3000'])).get('strict-transport-security')).toBeNull();
    expect((await headersFor(null)).get('strict-transport-security')).toBeNull();
    expect((await headersFor([])).get('strict-transport-security')).toBeNull();
  });

  it('sets the rest whatever the origins', async () => {
    const h = await headersFor(['https://hearth.example.org']);
    expect(h.get('referrer-policy')).toBe('no-referrer');
    expect(h.get('x-content-type-options')).toBe('nosniff');
    expect(h.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(h.get('content-security-policy')).not.toContain('unsafe-eval');
    expect(h.get('permissions-policy')).toContain('microphone=()');
  });
});
