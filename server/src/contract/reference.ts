import {
  API_ROUTES,
  BOARD_MESSAGES,
  CLINICIAN_ONLY_FIELDS,
  COMMAND_DOCS,
  COMMAND_ROLES,
  COMMAND_TYPES,
  ERRORS,
  ERROR_CODES,
  EVENT_AUDIENCE,
  EVENT_DOCS,
  NOTES_CLOSE_INFO,
  NOTES_UPGRADE_REFUSALS,
  PRIVATE_EVENT_TYPES,
  SERVER_COMMANDS,
  errorsOf,
  type BoardEventType,
  type RouteName,
  type RouteSpec
} from '@hearth/shared';
import { jsonSchemas, type JsonSchema } from './components.ts';

const BASE = '#/components/schemas/';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const table = (head: string[], rows: string[][]) =>
  [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
const code = (s: string) => `\`${s}\``;

const ID_PATTERN = '^[A-Za-z0-9_-]{1,64}$';

/** A short reading of a JSON Schema's type: `string (1–120)`, `Id`, `integer 1–60`, `NewItem[]`, `Speaker \| null`. */
function typeOf(s: JsonSchema): string {
  if (typeof s['$ref'] === 'string') return s['$ref'].slice(BASE.length);
  if (Array.isArray(s['anyOf']) || Array.isArray(s['oneOf'])) {
    const parts = ((s['anyOf'] ?? s['oneOf']) as JsonSchema[]).map(typeOf);
    return parts.join(' | ');
  }
  if ('const' in s) return JSON.stringify(s['const']);
  if (Array.isArray(s['enum'])) return (s['enum'] as unknown[]).map((v) => JSON.stringify(v)).join(' | ');
  const type = s['type'];
  if (Array.isArray(type)) return type.map((t) => typeOf({ ...s, type: t })).join(' | ');
  switch (type) {
    case 'null':
      return 'null';
    case 'string': {
      if (s['pattern'] === ID_PATTERN) return 'Id';
      if (s['format'] === 'uuid') return 'UUID';
      if (s['format'] === 'date-time') return 'date-time';
      const min = s['minLength'];
      const max = s['maxLength'];
      return max !== undefined ? `string (${min ?? 0}–${String(max)})` : 'string';
    }
    case 'integer':
    case 'number': {
      const min = s['minimum'] ?? s['exclusiveMinimum'];
      const max = s['maximum'];
      return min !== undefined || max !== undefined ? `${type} ${min ?? ''}–${max ?? ''}` : String(type);
    }
    case 'array': {
      const inner = typeOf((s['items'] ?? {}) as JsonSchema);
      const max = s['maxItems'] !== undefined ? ` (≤ ${String(s['maxItems'])})` : '';
      return `${inner.includes(' ') ? `(${inner})` : inner}[]${max}`;
    }
    case 'object':
      if (s['properties']) return `{ ${Object.keys(s['properties'] as object).join(', ')} }`;
      if (typeof s['additionalProperties'] === 'object') {
        return `{ [${typeOf((s['propertyNames'] ?? { type: 'string' }) as JsonSchema)}]: ${typeOf(s['additionalProperties'] as JsonSchema)} }`;
      }
      return 'object';
    default:
      return 'any';
  }
}

/** The fields of an object schema: `name: type`, `name?` when optional, without the discriminant. */
function fieldsOf(s: JsonSchema | undefined, skip: readonly string[] = ['type']): string {
  const props = (s?.['properties'] ?? {}) as Record<string, JsonSchema>;
  const required = new Set((s?.['required'] ?? []) as string[]);
  const fields = Object.entries(props).filter(([k]) => !skip.includes(k));
  if (fields.length === 0) return '—';
  return fields.map(([k, v]) => `${code(`${k}${required.has(k) ? '' : '?'}`)}: ${typeOf(v)}`).join('; ');
}

const who = (route: RouteSpec) => (route.auth === 'clinician' ? 'clinician' : 'anyone');

function routesTable(): string {
  const rows = (Object.keys(API_ROUTES) as RouteName[]).map((name) => {
    const route: RouteSpec = API_ROUTES[name];
    const success = Object.keys(route.responses).join(', ');
    const errors = errorsOf(route)
      .sort((x, y) => ERRORS[x].status - ERRORS[y].status)
      .map((c) => `${ERRORS[c].status} ${code(c)}`)
      .join(', ');
    return [route.method.toUpperCase(), code(route.path), who(route), route.summary, success, errors];
  });
  return table(['method', 'path', 'who', 'what', 'success', 'errors'], rows);
}

function messagesTable(): string {
  const rows = Object.entries(BOARD_MESSAGES).map(([name, spec]) => [
    code(name),
    spec.direction === 'client' ? 'client → server' : 'server → client',
    spec.summary
  ]);
  return table(['message', 'direction', 'what'], rows);
}

function commandsTable(schemas: Record<string, JsonSchema>): string {
  const rows = COMMAND_TYPES.map((type) => {
    const doc = COMMAND_DOCS[type];
    const roles = SERVER_COMMANDS.includes(type) ? 'the server only' : COMMAND_ROLES[type].join(', ');
    return [
      code(type),
      roles,
      fieldsOf(schemas[`Command.${type}`]),
      doc.summary,
      [...new Set(doc.events)].map(code).join(', '),
      doc.rejects.map(code).join(', ')
    ];
  });
  return table(['type', 'who may send it', 'fields', 'what it does', 'appends', 'rejections'], rows);
}

function eventsTable(schemas: Record<string, JsonSchema>): string {
  const rows = (Object.keys(EVENT_AUDIENCE) as BoardEventType[]).map((type) => {
    const roles = EVENT_AUDIENCE[type].length === 3 ? 'everyone' : `**${EVENT_AUDIENCE[type].join(', ')}**`;
    const audience = PRIVATE_EVENT_TYPES.includes(type) ? `${roles}, and **the member it names** (privately)` : roles;
    return [code(type), audience, fieldsOf(schemas[`Event.${type}`], ['type', 'at']), EVENT_DOCS[type]];
  });
  return table(['type', 'audience', 'fields besides `type`, `at`', 'effect on the board'], rows);
}

function viewTable(schemas: Record<string, JsonSchema>): string {
  const board = schemas['BoardState'];
  const props = (board?.['properties'] ?? {}) as Record<string, JsonSchema>;
  const clinicianOnly = new Set<string>(CLINICIAN_ONLY_FIELDS);
  const rows = Object.entries(props).map(([field, s]) => [
    code(field),
    typeOf(s),
    clinicianOnly.has(field) ? '**clinicians only**: absent from a member\'s view' : field === 'items' ? 'everyone (members\' items without `guidance`)' : 'everyone',
    String(s['description'] ?? '')
  ]);
  return table(['field', 'type', 'who', ''], rows);
}

function itemTable(schemas: Record<string, JsonSchema>): string {
  const props = (schemas['AgendaItem']?.['properties'] ?? {}) as Record<string, JsonSchema>;
  return table(['field', 'type', ''], Object.entries(props).map(([field, s]) => [code(field), typeOf(s), String(s['description'] ?? '')]));
}

function errorsTable(): string {
  return table(['code', 'HTTP', 'retry the same request', 'meaning'], ERROR_CODES.map((c) => [code(c), String(ERRORS[c].status), ERRORS[c].retry ? 'yes' : 'no', ERRORS[c].meaning]));
}

function notesTables(): string {
  return [
    table(['status', 'code', 'when'], NOTES_UPGRADE_REFUSALS.map((r) => [String(r.status), code(r.code), r.when])),
    '',
    table(['close code', 'when', 'stock provider'], NOTES_CLOSE_INFO.map((c) => [code(String(c.code)), c.when, c.provider]))
  ].join('\n');
}

/** The reference tables of protocol.md, by the name of the marker they go between. */
export function referenceTables(): Record<string, string> {
  const schemas = jsonSchemas('draft-2020-12', BASE);
  return {
    routes: routesTable(),
    messages: messagesTable(),
    commands: commandsTable(schemas),
    events: eventsTable(schemas),
    'board-view': viewTable(schemas),
    'agenda-item': itemTable(schemas),
    'error-codes': errorsTable(),
    'notes-codes': notesTables()
  };
}

/** Replaces the text between `<!-- generated:NAME -->` and `<!-- /generated:NAME -->` with each table. */
export function fillMarkers(markdown: string, tables: Record<string, string>): string {
  let out = markdown;
  for (const [name, body] of Object.entries(tables)) {
    const open = `<!-- generated:${name} -->`;
    const close = `<!-- /generated:${name} -->`;
    const start = out.indexOf(open);
    const end = out.indexOf(close);
    if (start < 0 || end < start) throw new Error(`protocol.md has no ${open} … ${close} markers`);
    out = `${out.slice(0, start + open.length)}\n${body}\n${out.slice(end)}`;
  }
  return out;
}
