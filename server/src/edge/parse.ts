import { COMMAND_TYPES, Command, ErrorCode, SERVER_COMMANDS, type WireError } from '@hearth/shared';
import type { z } from 'zod';

/** A readable one-line summary of what failed validation. */
export function validationMessage(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}

/**
 * Parses a client's command at the edge. An unknown `type` gets its own code, so a client can tell an
 * outdated protocol from a malformed message.
 */
export function parseCommand(raw: unknown): { ok: true; command: Command } | { ok: false; error: WireError } {
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
