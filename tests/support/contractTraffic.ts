import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

/**
 * What the test suites saw the server send, checked against the generated contract documents
 * (docs/openapi.json, docs/asyncapi.yaml) — the documents as checked in, not the schemas they came
 * from, so a document that drifted from the code fails here too. The clients of the test support
 * record every HTTP answer, acknowledgement, event and presence message they receive; a setup file
 * validates them after each test file.
 */

export type Seen =
  | { readonly kind: 'http'; readonly method: string; readonly path: string; readonly status: number; readonly body: unknown }
  | { readonly kind: 'ack'; readonly message: string; readonly body: unknown }
  | { readonly kind: 'message'; readonly message: string; readonly body: unknown };

const seen: Seen[] = [];

/** Records an answer of /api (`path` as requested, with any query string). */
export function recordHttp(method: string, path: string, status: number, body: unknown): void {
  seen.push({ kind: 'http', method: method.toLowerCase(), path, status, body });
}

/** Records the acknowledgement of a client message (`join`, `command`, `leave`, or an unknown name). */
export function recordAck(message: string, body: unknown): void {
  seen.push({ kind: 'ack', message, body });
}

/** Records a message the server emitted on /board (`event`, `presence`, `protocol_error`, `revoked`). */
export function recordMessage(message: string, body: unknown): void {
  seen.push({ kind: 'message', message, body });
}

/** Everything recorded so far in this test file, and forgets it. */
export function takeSeen(): Seen[] {
  return seen.splice(0, seen.length);
}

const doc = (name: string) => fileURLToPath(new URL(`../../docs/${name}`, import.meta.url));

interface OpenApi {
  readonly paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>>;
}
interface AsyncApi {
  readonly components: { readonly messages: Record<string, { payload: { $ref: string } }> };
}

/** Validators built once per test file from the checked-in documents. */
class ContractValidators {
  private readonly openapi = JSON.parse(readFileSync(doc('openapi.json'), 'utf8')) as OpenApi & Record<string, unknown>;
  private readonly asyncapi = parse(readFileSync(doc('asyncapi.yaml'), 'utf8')) as AsyncApi & Record<string, unknown>;
  private readonly http = new Ajv2020({ strict: false, allErrors: false });
  private readonly socket = new Ajv({ strict: false, allErrors: false });
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly routes: { method: string; pattern: RegExp; template: string }[] = [];

  constructor() {
    addFormats.default(this.http);
    addFormats.default(this.socket);
    this.http.addSchema(this.openapi, 'openapi.json');
    this.socket.addSchema(this.asyncapi, 'asyncapi.json');
    for (const [template, methods] of Object.entries(this.openapi.paths)) {
      const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
      for (const method of Object.keys(methods)) this.routes.push({ method, pattern, template });
    }
  }

  private validator(key: string, ajv: Ajv | Ajv2020, ref: string): ValidateFunction {
    let v = this.compiled.get(key);
    if (!v) {
      v = ajv.compile({ $ref: ref });
      this.compiled.set(key, v);
    }
    return v;
  }

  /** Why a recorded message does not match the contract, or null when it does. */
  check(s: Seen): string | null {
    if (s.kind === 'http') return this.checkHttp(s);
    const name = s.kind === 'ack' ? (['join', 'command', 'leave'].includes(s.message) ? `${s.message}Result` : 'commandResult') : s.message;
    const message = this.asyncapi.components.messages[name];
    if (!message) return `${s.kind} "${s.message}" is not a message of asyncapi.yaml`;
    const v = this.validator(`ws:${name}`, this.socket, `asyncapi.json${message.payload.$ref}`);
    return v(s.body) ? null : `${s.kind} "${s.message}": ${this.socket.errorsText(v.errors)}`;
  }

  private checkHttp(s: Extract<Seen, { kind: 'http' }>): string | null {
    const path = s.path.split('?')[0]!;
    const route = this.routes.find((r) => r.method === s.method && r.pattern.test(path));
    const label = `${s.method.toUpperCase()} ${path} → ${s.status}`;
    if (!route) {
      // Outside the contract's routes only the documented answer for an unknown route is allowed.
      const body = s.body as { error?: { code?: string } } | null;
      return s.status === 404 && body?.error?.code === 'NOT_FOUND' ? null : `${label}: no such route in openapi.json`;
    }
    const operation = this.openapi.paths[route.template]![route.method]!;
    const response = operation.responses[String(s.status)];
    if (!response) return `${label}: status not documented for ${route.template}`;
    if (!response.content) return s.body === null ? null : `${label}: a body where none is documented`;
    // A download (text/csv): the body is its text; only JSON bodies have a schema to check.
    if (!('application/json' in response.content)) return typeof s.body === 'string' ? null : `${label}: not the text its ${Object.keys(response.content).join(', ')} says`;
    const pointer = `#/paths/${route.template.replace(/~/g, '~0').replace(/\//g, '~1')}/${route.method}/responses/${s.status}/content/application~1json/schema`;
    const v = this.validator(`http:${route.method}:${route.template}:${s.status}`, this.http, `openapi.json${pointer}`);
    return v(s.body) ? null : `${label}: ${this.http.errorsText(v.errors)} in ${JSON.stringify(s.body).slice(0, 300)}`;
  }
}

let validators: ContractValidators | undefined;

/** Checks everything recorded in this test file against the documents: the mismatches, and how many were checked. */
export function checkTraffic(): { checked: number; mismatches: string[] } {
  const all = takeSeen();
  if (all.length === 0) return { checked: 0, mismatches: [] };
  validators ??= new ContractValidators();
  const mismatches: string[] = [];
  for (const s of all) {
    const why = validators.check(s);
    if (why && !mismatches.includes(why)) mismatches.push(why);
  }
  return { checked: all.length, mismatches };
}
