import { request } from 'node:http';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { API_ROUTES, ERROR_CODES, ErrorCode, type RouteName, type RouteSpec } from '@hearth/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recordHttp } from '../support/contractTraffic.ts';
import { useServerFixture } from '../support/serverFixture.ts';
import { DEMO_PASSWORD, FACILITATOR_A, demoGroup, scheduleSession } from '../support/testServer.ts';

interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
}

/**
 * One request as written, on a connection of its own: the path is sent unparsed (a bad `%` escape
 * reaches the server as it is) and the body as bytes, whatever its headers claim.
 */
function raw(port: number, method: string, path: string, headers: Record<string, string>, body?: Uint8Array | string): Promise<RawAnswer> {
  // Node's client leaves Content-Length out of a GET's headers, and its body would read as a next request.
  const length = body === undefined ? {} : { 'content-length': String(typeof body === 'string' ? Buffer.byteLength(body) : body.length) };
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: { ...length, ...headers }, agent: false, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer to ${method} ${path} in 10 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** The error body of an answer, checked for shape: a documented code and a short message. */
function errorOf(answer: RawAnswer, label: string): { code: string; message: string } {
  expect(answer.headers['content-type'], label).toMatch(/^application\/json/);
  const body = JSON.parse(answer.text) as { error?: { code?: unknown; message?: unknown } };
  expect(Object.keys(body), label).toEqual(['error']);
  const { code, message } = body.error ?? {};
  expect(ERROR_CODES, label).toContain(code);
  expect(typeof message, label).toBe('string');
  expect((message as string).length, label).toBeGreaterThan(0);
  expect((message as string).length, label).toBeLessThanOrEqual(300);
  return { code: code as string, message: message as string };
}

/** Every byte of the text's UTF-8 but letters and digits as a `%` escape (lone surrogates included). */
const percentEncoded = (s: string) => [...Buffer.from(s, 'utf8')].map((b) => (/[A-Za-z0-9]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0').toUpperCase()}`)).join('');

const LOGIN = JSON.stringify({ email: FACILITATOR_A, password: DEMO_PASSWORD });

/**
 * Requests the server cannot read — a path with a bad `%` escape, a body in another charset, or one
 * whose Content-Encoding is unknown or untrue — are the client's fault: each gets its 4xx with a
 * named code, never a 500, and the server goes on answering.
 */
describe('requests the server cannot read', () => {
  const fx = useServerFixture();
  const port = () => fx.server.port;

  const expectRefused = async (answer: Promise<RawAnswer>, label: string, status: number, code: ErrorCode) => {
    const a = await answer;
    expect(a.status, `${label}: ${a.text}`).toBe(status);
    expect(errorOf(a, label).code, label).toBe(code);
    return a;
  };

  it('answers a path with a bad % escape with 400 BAD_REQUEST, signed in or not', async () => {
    for (const path of ['/api/sessions/%ZZ', '/api/invites/%ZZ', '/api/invites/%E0%A4%A/join', '/api/sessions/%/record', '/api/groups/%C0%AF/invites']) {
      const method = path.endsWith('/join') ? 'POST' : 'GET';
      await expectRefused(raw(port(), method, path, {}), path, 400, ErrorCode.BAD_REQUEST);
      await expectRefused(raw(port(), method, path, { cookie: fx.cookies.a }), `${path} signed in`, 400, ErrorCode.BAD_REQUEST);
    }
  });

  it('answers a body in a charset other than UTF-8 with 415 UNSUPPORTED_ENCODING', async () => {
    for (const charset of ['latin1', 'iso-8859-1', 'windows-1252', 'bogus']) {
      const label = `charset=${charset}`;
      await expectRefused(raw(port(), 'POST', '/api/auth/login', { 'content-type': `application/json; charset=${charset}` }, LOGIN), label, 415, ErrorCode.UNSUPPORTED_ENCODING);
    }
  });

  it('answers an unknown Content-Encoding with 415 UNSUPPORTED_ENCODING, naming the ones it reads', async () => {
    for (const encoding of ['bogus', 'compress', 'gzip, gzip', 'x-gzip']) {
      const a = await expectRefused(
        raw(port(), 'POST', '/api/auth/login', { 'content-type': 'application/json', 'content-encoding': encoding }, LOGIN),
        `content-encoding: ${encoding}`,
        415,
        ErrorCode.UNSUPPORTED_ENCODING
      );
      expect(a.headers['accept-encoding']).toBe('gzip, deflate, br');
    }
  });

  it('answers gzip, deflate or br declared over a body not so encoded with 400 BAD_REQUEST', async () => {
    for (const encoding of ['gzip', 'deflate', 'br']) {
      for (const body of [LOGIN, 'not compressed at all', new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0xff])]) {
        const label = `content-encoding: ${encoding}, ${typeof body === 'string' ? body : 'a truncated gzip header'}`;
        await expectRefused(raw(port(), 'POST', '/api/auth/login', { 'content-type': 'application/json', 'content-encoding': encoding }, body), label, 400, ErrorCode.BAD_REQUEST);
      }
    }
  });

  it('reads bodies that are encoded as they say, and bounds what one inflates to', async () => {
    const encoders = { gzip: gzipSync, deflate: deflateSync, br: brotliCompressSync } as const;
    for (const [encoding, encode] of Object.entries(encoders)) {
      const a = await raw(port(), 'POST', '/api/auth/login', { 'content-type': 'application/json', 'content-encoding': encoding }, encode(LOGIN));
      expect(a.status, `${encoding}: ${a.text}`).toBe(200);
      // A megabyte of spaces is a kilobyte compressed: refused by the limit on the body as read.
      await expectRefused(
        raw(port(), 'POST', '/api/auth/login', { 'content-type': 'application/json', 'content-encoding': encoding }, encode(`${' '.repeat(1024 * 1024)}${LOGIN}`)),
        `a ${encoding} bomb`,
        413,
        ErrorCode.PAYLOAD_TOO_LARGE
      );
    }
  });

  it('does not read a body sent with a GET, so its encoding cannot fail the request', async () => {
    const a = await raw(port(), 'GET', '/api/health', { 'content-type': 'application/json; charset=latin1', 'content-encoding': 'bogus' }, 'whatever');
    expect(a.status, a.text).toBe(200);
    expect(JSON.parse(a.text)).toMatchObject({ ok: true });
  });

  it('answers every route of the contract with no 5xx for malformed paths, headers and bodies, and still answers /api/health', { timeout: 120_000 }, async () => {
    const group = await demoGroup(fx.server.url, fx.cookies.a);
    const session = await scheduleSession(fx.server.url, fx.cookies.a);
    const routes = Object.keys(API_ROUTES) as RouteName[];

    const segment = fc.oneof(
      fc.constantFrom('%ZZ', '%', '%%', '%E0%A4%A', '%C0%AF', '%FF%FE', '%00', '%2F', '%2e%2e', '..', '%F0%9F%92', 'a%ZZb', '%41'.repeat(1000), 'x'.repeat(2000)),
      fc.constantFrom(group.id, session.id, group.id.toUpperCase(), 'AAAAAAAAAAAAAAAAAAAA', '00000000-0000-0000-0000-000000000000'),
      fc.string({ unit: 'grapheme', maxLength: 40 }).map(percentEncoded),
      // Percent-encoded, then with some escapes broken: a `%` followed by what is not two hex digits.
      fc.string({ unit: 'binary', maxLength: 30 }).map((s) => percentEncoded(s).replace(/%25|%2[0-9]/g, '%'))
    );
    const query = fc.constantFrom('', '?%ZZ', '?a=%E0', '?a[b][c][d]=1', '?__proto__[x]=1', '?a=1&a=2&a=3', `?${'q=1&'.repeat(500)}`);
    const contentType = fc.constantFrom(
      undefined,
      'application/json',
      'application/json; charset=utf-8',
      'application/json; charset=latin1',
      'application/json; charset=utf-16',
      'application/json; charset="bogus"',
      'application/json;;;',
      'application/json; charset',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      '*/*',
      'garbage'
    );
    const contentEncoding = fc.constantFrom(undefined, 'identity', 'gzip', 'deflate', 'br', 'zstd', 'GZIP', 'bogus', 'gzip, br', '');
    const cookie = fc.constantFrom(undefined, 'hearth_session=%ZZ', 'hearth_session=', '=;=;;', 'hearth_session=x'.repeat(200), 'own');
    const origin = fc.constantFrom(undefined, 'null', 'http://evil.example', fx.server.url);
    // What the body really is, whatever the headers say.
    const payload = fc.oneof(
      fc.constant(undefined),
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? 'null'),
      fc.uint8Array({ maxLength: 200 }),
      fc.string({ maxLength: 200 }),
      fc.constantFrom('{"a":', '[[[[[[', `${'['.repeat(10_000)}${']'.repeat(10_000)}`, '{"__proto__":{"admin":true}}', '\u0000', '\uFEFF{}', '{"id":"x","command":{"type":"session.start"}}')
    );
    const bodyEncoding = fc.constantFrom('none', 'gzip', 'deflate', 'br');

    const request = fc.record({
      route: fc.constantFrom(...routes),
      segment,
      query,
      otherMethod: fc.option(fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'), { freq: 4 }),
      contentType,
      contentEncoding,
      cookie,
      origin,
      payload,
      bodyEncoding
    });

    let served = 0;
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const name = r.route;
        const spec: RouteSpec = API_ROUTES[name];
        const path = spec.path.replace(/:[A-Za-z]+/g, () => r.segment) + r.query;
        const method = r.otherMethod ?? spec.method.toUpperCase();
        const headers: Record<string, string> = {};
        if (r.contentType !== undefined) headers['content-type'] = r.contentType;
        if (r.contentEncoding !== undefined) headers['content-encoding'] = r.contentEncoding;
        // Signing out would end the suite's own login: that route gets every cookie but the real one.
        if (r.cookie !== undefined) headers['cookie'] = r.cookie === 'own' ? (name === 'logout' ? 'hearth_session=x' : fx.cookies.a) : r.cookie;
        if (r.origin !== undefined) headers['origin'] = r.origin;
        let body: Uint8Array | string | undefined = r.payload;
        if (body !== undefined && r.bodyEncoding !== 'none') body = { gzip: gzipSync, deflate: deflateSync, br: brotliCompressSync }[r.bodyEncoding](body);
        const label = `${method} ${path.slice(0, 200)} ${JSON.stringify(headers).slice(0, 300)} body ${typeof body === 'string' ? JSON.stringify(body.slice(0, 80)) : body ? `${body.length} bytes` : 'none'}`;
        const a = await raw(port(), method, path, headers, body);
        served += 1;
        expect(a.status, `${label} → ${a.status} ${a.text.slice(0, 300)}`).toBeLessThan(500);
        if (a.status >= 400 && method !== 'HEAD') errorOf(a, label);
        // The route's own method: the answer must be one the contract documents for it.
        const isRoute = r.segment !== '' || !spec.params;
        // A download (the audit log's CSV) is text, not JSON: its answers are checked by its own test.
        const json = /^application\/json/.test(String(a.headers['content-type'] ?? ''));
        if (method === spec.method.toUpperCase() && isRoute && a.status !== 404 && (json || !a.text)) recordHttp(method, path, a.status, a.text ? (JSON.parse(a.text) as unknown) : null);
      }),
      { numRuns: 400 }
    );
    expect(served).toBe(400);

    const health = await raw(port(), 'GET', '/api/health', {});
    expect(health.status).toBe(200);
    expect(JSON.parse(health.text)).toMatchObject({ ok: true, database: 'ok' });
  });
});
