import {
  BOARD_MESSAGES,
  BOARD_NAMESPACE,
  COMMAND_DOCS,
  COMMAND_ROLES,
  COMMAND_TYPES,
  EVENT_AUDIENCE,
  EVENT_DOCS,
  MAX_COMMAND_BYTES,
  MAX_NOTES_MESSAGE_BYTES,
  NOTES_CLOSE_INFO,
  NOTES_UPGRADE_REFUSALS,
  PRIVATE_EVENT_TYPES,
  PROTOCOL_VERSION,
  SERVER_COMMANDS,
  type BoardEventType,
  type BoardMessageSpec
} from '@hearth/shared';
import type { z } from 'zod';
import { documentedCommandRequest, jsonSchemas, namedSchemas, type JsonSchema } from './components.ts';

const BASE = '#/components/schemas/';

/** The camelCase name of a reply message: `join` → `joinResult`. */
export const replyName = (message: string) => `${message}Result`;

/**
 * The schemas, with what JSON Schema cannot say: who may send each command (`x-roles`, and
 * `x-server-only` for the server's own) and who receives each event (`x-audience`).
 */
function annotatedSchemas(): Record<string, JsonSchema> {
  const schemas = jsonSchemas('draft-07', BASE);
  for (const type of COMMAND_TYPES) {
    const schema = schemas[`Command.${type}`];
    if (!schema) throw new Error(`no schema for command ${type}`);
    const doc = COMMAND_DOCS[type];
    schema['title'] = type;
    schema['description'] = doc.summary;
    schema['x-roles'] = SERVER_COMMANDS.includes(type) ? [] : [...COMMAND_ROLES[type]];
    if (SERVER_COMMANDS.includes(type)) schema['x-server-only'] = true;
    schema['x-events'] = [...doc.events];
    schema['x-rejections'] = [...doc.rejects];
  }
  for (const type of Object.keys(EVENT_AUDIENCE) as BoardEventType[]) {
    const schema = schemas[`Event.${type}`];
    if (!schema) throw new Error(`no schema for event ${type}`);
    schema['title'] = type;
    schema['description'] = EVENT_DOCS[type];
    schema['x-audience'] = [...EVENT_AUDIENCE[type]];
    // Also to the one member it names, on that member's private stream.
    if (PRIVATE_EVENT_TYPES.includes(type)) schema['x-private-to'] = 'memberId';
  }
  return schemas;
}

function message(name: string, spec: BoardMessageSpec | { summary: string; payload: z.ZodType }, names: Map<z.ZodType, string>): JsonSchema {
  const payload = name === 'command' ? documentedCommandRequest() : spec.payload;
  const id = names.get(payload);
  if (!id) throw new Error(`message ${name} has an unnamed payload`);
  return { name, title: name, summary: spec.summary, contentType: 'application/json', payload: { $ref: `${BASE}${id}` } };
}

/** The AsyncAPI 3 document of the live board (Socket.IO /board) and the notes endpoint (/yjs). */
export function asyncApiDocument(): JsonSchema {
  const names = namedSchemas();
  const messages: Record<string, JsonSchema> = {};
  const operations: Record<string, JsonSchema> = {};
  for (const [name, spec] of Object.entries(BOARD_MESSAGES) as [keyof typeof BOARD_MESSAGES, BoardMessageSpec][]) {
    messages[name] = message(name, spec, names);
    if (spec.direction === 'client') {
      if (!spec.reply) throw new Error(`client message ${name} has no reply`);
      const id = names.get(spec.reply);
      messages[replyName(name)] = {
        name: replyName(name),
        title: `${name} acknowledgement`,
        summary: `The acknowledgement of \`${name}\`.`,
        contentType: 'application/json',
        payload: { $ref: `${BASE}${id}` }
      };
      operations[name] = {
        action: 'receive',
        title: name,
        summary: spec.summary,
        description: `A client emits \`${name}\` with an acknowledgement callback; the server answers through it.`,
        channel: { $ref: '#/channels/board' },
        messages: [{ $ref: `#/channels/board/messages/${name}` }],
        reply: { channel: { $ref: '#/channels/board' }, messages: [{ $ref: `#/channels/board/messages/${replyName(name)}` }] }
      };
    } else {
      operations[name] = {
        action: 'send',
        title: name,
        summary: spec.summary,
        channel: { $ref: '#/channels/board' },
        messages: [{ $ref: `#/channels/board/messages/${name}` }]
      };
    }
  }
  messages['yjs'] = {
    name: 'yjs',
    title: 'y-websocket message',
    summary: 'A binary y-websocket frame: the first varUint is 0 sync (step 1, step 2, update), 1 awareness, 2 auth, 3 query-awareness.',
    contentType: 'application/octet-stream',
    payload: { type: 'string', format: 'binary', maxLength: MAX_NOTES_MESSAGE_BYTES }
  };
  operations['notesSync'] = {
    action: 'receive',
    title: 'notes',
    summary: 'The standard y-websocket protocol, both ways: facilitators read and write, supervisors read only.',
    channel: { $ref: '#/channels/notes' },
    messages: [{ $ref: '#/channels/notes/messages/yjs' }]
  };

  return {
    asyncapi: '3.1.0',
    info: {
      title: 'Hearth live protocol',
      version: String(PROTOCOL_VERSION),
      description: [
        'The live half of Hearth\'s wire contract, generated from the schemas and tables in `shared/src` (`npm run docs`);',
        'docs/protocol.md explains it. It describes the Hearth server: `receive` operations are what clients send it,',
        '`send` operations what it sends them.',
        '',
        '- Commands carry `x-roles` (who may send each, from `COMMAND_ROLES`; `x-server-only` for the server\'s own),',
        '  `x-events` (what each appends) and `x-rejections` (why the board may refuse it).',
        '- Events carry `x-audience` (the roles that receive each, from `visibleTo`), and `x-private-to` when the',
        '  one member the event names also receives it, on their private stream (the `private` message).',
        `- A \`command\` payload is at most ${MAX_COMMAND_BYTES} bytes as JSON.`
      ].join('\n')
    },
    defaultContentType: 'application/json',
    servers: {
      hearth: {
        host: 'localhost:3000',
        protocol: 'ws',
        pathname: '/socket.io/',
        description: 'Socket.IO 4 (Engine.IO 4, Socket.IO protocol 5) on the HTTP port; use the WebSocket transport. Notes are plain WebSockets on the same port.'
      }
    },
    channels: {
      board: {
        address: BOARD_NAMESPACE,
        title: 'The live board',
        description: 'The Socket.IO namespace `/board`. The handshake is authenticated by the `hearth_session` cookie or a member token in `auth: { token }`; the role comes from the server.',
        messages: Object.fromEntries(Object.keys(messages).filter((m) => m !== 'yjs').map((m) => [m, { $ref: `#/components/messages/${m}` }]))
      },
      notes: {
        address: '/yjs/notes:{sessionId}',
        title: 'A session\'s notes',
        description: [
          'The standard y-websocket protocol: the stock WebsocketProvider connects with serverUrl `<origin>/yjs` and room `notes:<sessionId>`.',
          '',
          'Refusals of the upgrade (HTTP, before any WebSocket; a JSON error body):',
          ...NOTES_UPGRADE_REFUSALS.map((r) => `- ${r.status} \`${r.code}\`: ${r.when}`),
          '',
          'Close codes after the socket opened (`x-close-codes`):',
          ...NOTES_CLOSE_INFO.map((c) => `- ${c.code}: ${c.when} The stock provider ${c.provider}.`)
        ].join('\n'),
        parameters: { sessionId: { description: 'The session\'s UUID.' } },
        messages: { yjs: { $ref: '#/components/messages/yjs' } },
        'x-close-codes': NOTES_CLOSE_INFO.map((c) => ({ code: c.code, when: c.when, provider: c.provider })),
        'x-upgrade-refusals': NOTES_UPGRADE_REFUSALS.map((r) => ({ ...r }))
      }
    },
    operations,
    components: { schemas: annotatedSchemas(), messages }
  };
}
