import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Parser } from '@asyncapi/parser';
import { validate } from '@readme/openapi-parser';
import { API_ROUTES, COMMAND_ROLES, COMMAND_TYPES, ERROR_CODES, EVENT_AUDIENCE, SERVER_COMMANDS, errorsOf, type RouteSpec } from '@hearth/shared';
import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generatedDocuments, staleDocuments } from '../../server/src/contract/generate.ts';

const docs = (name: string) => fileURLToPath(new URL(`../../docs/${name}`, import.meta.url));
const openapi = () => JSON.parse(readFileSync(docs('openapi.json'), 'utf8')) as Record<string, unknown>;
const asyncapi = () => parse(readFileSync(docs('asyncapi.yaml'), 'utf8')) as Record<string, unknown>;

/** The value at a path of keys in a parsed document, or undefined. */
function dig(value: unknown, ...keys: string[]): unknown {
  let at = value;
  for (const key of keys) at = typeof at === 'object' && at !== null ? (at as Record<string, unknown>)[key] : undefined;
  return at;
}

describe('the wire contract', () => {
  it('is checked in as `npm run docs` generates it now: no command, event, code or route lands undocumented', () => {
    const stale = staleDocuments().map((p) => p.slice(p.indexOf('docs/')));
    expect(stale, 'run `npm run docs` and commit the result').toEqual([]);
    expect(generatedDocuments().map((d) => d.path.slice(d.path.indexOf('docs/')))).toEqual(['docs/openapi.json', 'docs/asyncapi.yaml', 'docs/protocol.md']);
  });

  // The validators take a second or two alone and several times that beside the property tests on a
  // busy machine: the bound says nothing about speed.
  it('opens in the standard OpenAPI 3.1 validator without errors', { timeout: 60_000 }, async () => {
    await expect(validate(openapi() as never)).resolves.toMatchObject({ valid: true });
  });

  it('opens in the AsyncAPI parser without errors or warnings', { timeout: 60_000 }, async () => {
    const { document, diagnostics } = await new Parser().parse(readFileSync(docs('asyncapi.yaml'), 'utf8'));
    expect(diagnostics.filter((d) => d.severity <= 1).map((d) => `${d.code}: ${d.message} at ${d.path.join('.')}`)).toEqual([]);
    expect(document?.operations().all().map((o) => o.id()).sort()).toEqual(
      ['alert', 'command', 'event', 'join', 'leave', 'notesSync', 'presence', 'private', 'protocol_error', 'revoked'].sort()
    );
  });

  it('documents every route of the server with its method, path and every error code it may answer', () => {
    const doc = openapi();
    for (const route of Object.values(API_ROUTES) as RouteSpec[]) {
      const responses = dig(doc, 'paths', route.path.replace(/:([A-Za-z]+)/g, '{$1}'), route.method, 'responses');
      expect(responses, `${route.method} ${route.path}`).toBeDefined();
      const documented = Object.values(responses as object).flatMap(
        (r) => (dig(r, 'content', 'application/json', 'schema', 'properties', 'error', 'properties', 'code', 'enum') as string[] | undefined) ?? []
      );
      expect(documented.sort()).toEqual(errorsOf(route).sort());
    }
    expect(Object.values(dig(doc, 'paths') as object).flatMap((p) => Object.keys(p as object))).toHaveLength(Object.keys(API_ROUTES).length);
  });

  it('names for every command the roles that may send it, and for every event the roles that receive it', () => {
    const schemas = dig(asyncapi(), 'components', 'schemas') as Record<string, Record<string, unknown>>;
    for (const type of COMMAND_TYPES) {
      const roles = SERVER_COMMANDS.includes(type) ? [] : [...COMMAND_ROLES[type]];
      expect(schemas[`Command.${type}`]?.['x-roles'], type).toEqual(roles);
    }
    for (const [type, audience] of Object.entries(EVENT_AUDIENCE)) expect(schemas[`Event.${type}`]?.['x-audience'], type).toEqual([...audience]);
    expect(schemas['WireError']?.['properties']).toMatchObject({ code: { enum: [...ERROR_CODES] } });
  });

  it('has only examples, in protocol.md, that are instances of the schema they are shown for', () => {
    const markdown = readFileSync(docs('protocol.md'), 'utf8');
    const http = new Ajv2020({ strict: false });
    const socket = new Ajv({ strict: false });
    addFormats.default(http);
    addFormats.default(socket);
    http.addSchema(openapi(), 'openapi.json');
    socket.addSchema(asyncapi(), 'asyncapi.json');
    const examples = [...markdown.matchAll(/<!-- example:(\S+) (\S+) -->\n```json\n([\s\S]*?)\n```\n<!-- \/example:\1 -->/g)];
    expect(examples.length).toBeGreaterThan(30);
    const inOpenApi = new Set(Object.keys(dig(openapi(), 'components', 'schemas') as object));
    for (const [, name, schema, body] of examples) {
      // A list of events is one JSON value per line.
      const values = name === 'events' ? body!.split('\n').map((l) => JSON.parse(l) as unknown) : [JSON.parse(body!) as unknown];
      const check = inOpenApi.has(schema!) ? http.compile({ $ref: `openapi.json#/components/schemas/${schema}` }) : socket.compile({ $ref: `asyncapi.json#/components/schemas/${schema}` });
      for (const value of values) expect(check(value), `${name} as ${schema}: ${JSON.stringify(check.errors)}`).toBe(true);
    }
    // Every marker was filled: none is left empty.
    expect(markdown).not.toMatch(/<!-- example:(\S+) \S+ -->\n<!-- \/example:\1 -->/);
  });
});
