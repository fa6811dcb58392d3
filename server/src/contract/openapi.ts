import { API_ROUTES, ERRORS, PROTOCOL_VERSION, errorsOf, type ErrorCode, type RouteName, type RouteSpec } from '@hearth/shared';
import { z } from 'zod';
import { documentedBody, jsonSchemas, namedSchemas, type JsonSchema } from './components.ts';

const BASE = '#/components/schemas/';
const SESSION_COOKIE = 'hearth_session';

/** `/api/groups/:groupId/sessions` → `/api/groups/{groupId}/sessions`. */
export const openApiPath = (path: string) => path.replace(/:([A-Za-z]+)/g, '{$1}');

function ref(schema: z.ZodType, names: Map<z.ZodType, string>): JsonSchema {
  const id = names.get(schema);
  if (!id) throw new Error('a route schema without a name');
  return { $ref: `${BASE}${id}` };
}

/** The error answers of a route, one per status, each listing the codes it may carry. */
function errorResponses(route: RouteSpec): Record<string, JsonSchema> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of errorsOf(route)) {
    const { status } = ERRORS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const out: Record<string, JsonSchema> = {};
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    out[String(status)] = {
      description: codes.map((c) => `\`${c}\`: ${ERRORS[c].meaning}`).join('\n\n'),
      content: {
        'application/json': {
          schema: {
            type: 'object',
            required: ['error'],
            additionalProperties: false,
            properties: {
              error: {
                type: 'object',
                required: ['code', 'message'],
                additionalProperties: false,
                properties: {
                  code: { type: 'string', enum: codes },
                  message: { type: 'string' },
                  // Said with RATE_LIMITED (and beside the Retry-After header): the wait, in milliseconds.
                  retryAfterMs: { type: 'integer', minimum: 0 }
                }
              }
            }
          }
        }
      }
    };
  }
  return out;
}

function operation(name: RouteName, names: Map<z.ZodType, string>): JsonSchema {
  const route: RouteSpec = API_ROUTES[name];
  const responses: Record<string, JsonSchema> = {};
  for (const [status, schema] of Object.entries(route.responses)) {
    const cookie = route.cookie
      ? { headers: { 'Set-Cookie': { description: route.cookie === 'set' ? `The login cookie \`${SESSION_COOKIE}\` (HttpOnly, SameSite=Lax, Secure on https).` : `Clears \`${SESSION_COOKIE}\`.`, schema: { type: 'string' } } } }
      : {};
    responses[status] = schema
      ? { description: 'Success.', ...cookie, content: { [route.produces ?? 'application/json']: { schema: ref(schema, names) } } }
      : { description: 'Success, no body.', ...cookie };
  }
  Object.assign(responses, errorResponses(route));
  const parameters: { name: string; in: 'path' | 'query'; required: boolean; schema: JsonSchema }[] = route.params
    ? Object.entries(route.params.shape).map(([param, schema]) => ({
        name: param,
        in: 'path' as const,
        required: true,
        schema: z.toJSONSchema(schema as z.ZodType, { target: 'draft-2020-12' }) as JsonSchema
      }))
    : [];
  if (route.query) {
    for (const [param, schema] of Object.entries(route.query.shape)) {
      const s = schema as z.ZodType;
      parameters.push({
        name: param,
        in: 'query',
        required: !s.safeParse(undefined).success,
        schema: z.toJSONSchema(s, { target: 'draft-2020-12', io: 'input' }) as JsonSchema
      });
    }
  }
  for (const p of parameters) delete p.schema['$schema'];
  const body = documentedBody(name);
  return {
    operationId: name,
    tags: [route.tag],
    summary: route.summary,
    ...(route.description && { description: route.description }),
    security: route.auth === 'clinician' ? [{ session: [] }] : route.auth === 'optional' ? [{}, { session: [] }] : [],
    ...(parameters.length > 0 && { parameters }),
    ...(body && { requestBody: { required: true, content: { 'application/json': { schema: ref(body, names) } } } }),
    responses
  };
}

/** The OpenAPI 3.1 document of /api, generated from `API_ROUTES` and the schemas. */
export function openApiDocument(): JsonSchema {
  const names = namedSchemas();
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const name of Object.keys(API_ROUTES) as RouteName[]) {
    const route: RouteSpec = API_ROUTES[name];
    const path = openApiPath(route.path);
    paths[path] = { ...paths[path], [route.method]: operation(name, names) };
  }
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'Hearth HTTP API',
      version: String(PROTOCOL_VERSION),
      description:
        'The HTTP half of Hearth\'s wire contract, generated from the schemas the server parses with (`npm run docs`). The live board is described in asyncapi.yaml; docs/protocol.md explains both.'
    },
    tags: [...new Set(Object.values(API_ROUTES).map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'The login cookie set by POST /api/auth/login.' } },
      schemas: jsonSchemas('draft-2020-12', BASE)
    }
  };
}
