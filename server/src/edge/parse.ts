import { COMMAND_TYPES, Command, ErrorCode, SERVER_COMMANDS, type WireError } from '@hearth/shared';
import type { z } from 'zod';

/** The most issues, characters of a path, and characters in all, a validation message names. */
const MAX_ISSUES = 3;
const MAX_PATH = 60;
const MAX_MESSAGE = 200;

/**
 * Every name a Buffer or typed array answers to. Socket.IO hands binary attachments over as Buffers,
 * which zod reads as objects whose "unknown keys" are these: a message never repeats them.
 */
const BINARY_NAMES: ReadonlySet<string> = new Set(
  [Buffer.prototype, Uint8Array.prototype, Object.getPrototypeOf(Uint8Array.prototype) as object].flatMap((p) => Object.getOwnPropertyNames(p))
);

/** The types zod names for what JSON carries; anything else it names by class (`Buffer`) is binary. */
const JSON_TYPES: ReadonlySet<string> = new Set(['string', 'number', 'boolean', 'null', 'undefined', 'array', 'object', 'NaN', 'Infinity', '-Infinity']);

const BINARY = 'binary data is not accepted; send JSON values.';

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Whether an issue is zod's reading of a binary attachment rather than of JSON. */
function isBinary(issue: z.core.$ZodIssue): boolean {
  if (issue.code === 'unrecognized_keys') return issue.keys.some((k) => BINARY_NAMES.has(k));
  if (issue.code === 'invalid_type') {
    const received = / received (\S+)$/.exec(issue.message)?.[1];
    return received !== undefined && !JSON_TYPES.has(received);
  }
  return false;
}

/** One issue in words, with what the client sent echoed only in bounded pieces. */
function issueText(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    const named = issue.keys.slice(0, MAX_ISSUES).map((k) => JSON.stringify(cut(k, 30)));
    const more = issue.keys.length - named.length;
    return `Unrecognized key${issue.keys.length === 1 ? '' : 's'}: ${named.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
  }
  // zod's "received undefined" is JavaScript's word for a field the client left out.
  if (issue.code === 'invalid_type' && issue.message.endsWith(' received undefined')) return `missing (expected ${issue.expected})`;
  return cut(issue.message, 120);
}

const pathOf = (path: readonly PropertyKey[]) => cut(path.map(String).join('.'), MAX_PATH);

/**
 * A readable one-line summary of what failed validation: short (at most 200 characters), saying what
 * the client sent wrong and nothing of how the server holds it. A binary attachment is named as such,
 * without the consequences zod draws from reading it as an object (its "missing" fields).
 */
export function validationMessage(error: z.ZodError): string {
  const binaryAt = new Map(error.issues.filter(isBinary).map((i) => [pathOf(i.path) || 'payload', i.path]));
  const under = (path: readonly PropertyKey[], prefix: readonly PropertyKey[]) => prefix.every((p, k) => path[k] === p);
  const texts = [
    ...[...binaryAt.keys()].map((at) => `${at}: ${BINARY}`),
    ...error.issues.filter((i) => ![...binaryAt.values()].some((p) => under(i.path, p))).map((i) => (i.path.length ? `${pathOf(i.path)}: ${issueText(i)}` : issueText(i)))
  ];
  return cut(texts.slice(0, MAX_ISSUES).join('; '), MAX_MESSAGE);
}

/** Whether a value is bytes (a binary attachment), not JSON. */
const isBytes = (value: unknown) => value instanceof ArrayBuffer || ArrayBuffer.isView(value);

/**
 * Parses a client's command at the edge. An unknown `type` gets its own code, so a client can tell an
 * outdated protocol from a malformed message.
 */
export function parseCommand(raw: unknown): { ok: true; command: Command } | { ok: false; error: WireError } {
  if (isBytes(raw)) return { ok: false, error: { code: ErrorCode.BAD_REQUEST, message: `command: ${BINARY}` } };
  const type = typeof raw === 'object' && raw !== null && 'type' in raw ? raw.type : undefined;
  // No command, or one without a string type, is malformed rather than from a newer protocol.
  if (typeof type !== 'string') {
    return { ok: false, error: { code: ErrorCode.BAD_REQUEST, message: 'command: expected an object with a string "type".' } };
  }
  if (!(COMMAND_TYPES as readonly string[]).includes(type)) {
    return {
      ok: false,
      error: { code: ErrorCode.UNKNOWN_COMMAND, message: `Unknown command type ${JSON.stringify(type).slice(0, 60)}.` }
    };
  }
  const parsed = Command.safeParse(raw);
  if (!parsed.success) return { ok: false, error: { code: ErrorCode.BAD_REQUEST, message: validationMessage(parsed.error) } };
  if (SERVER_COMMANDS.includes(parsed.data.type)) {
    return { ok: false, error: { code: ErrorCode.FORBIDDEN, message: `${parsed.data.type} is sent by the server, not by clients.` } };
  }
  return { ok: true, command: parsed.data };
}
