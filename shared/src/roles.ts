import { z } from 'zod';

/** The three roles of a live session. The server assigns a role; a client never claims one. */
export const Role = z.enum(['facilitator', 'supervisor', 'member']);
export type Role = z.infer<typeof Role>;

/** Who issues a command: a role and an opaque id (account id, or member id for members). */
export interface Actor {
  readonly role: Role;
  readonly id: string;
}

/** Identifiers chosen by clients (items, commands): short, URL-safe, no spaces. */
export const Id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected 1–64 letters, digits, - or _');
export type Id = z.infer<typeof Id>;

/** An instant as the API writes it: ISO 8601 in UTC with milliseconds (`2026-12-03T17:00:00.000Z`). */
export const UtcDateTime = z.iso.datetime().describe('ISO 8601 in UTC, with milliseconds: `2026-12-03T17:00:00.000Z`.');

/**
 * An instant as clients may send it: ISO 8601 with any offset (`Z` or `+02:00`), turned into the one
 * form the server stores and answers with (UTC, `…Z`), so a time reads the same everywhere.
 */
export const DateTimeInput = z
  .string()
  .datetime({ offset: true })
  // Zod runs every check even after one failed: an unparseable string is left for its error.
  .overwrite((s) => {
    const at = new Date(s);
    return Number.isNaN(at.getTime()) ? s : at.toISOString();
  })
  .describe('ISO 8601 with an offset (`Z` or `+02:00`); stored and answered in UTC (`…Z`).');

/**
 * A value no one may change in place: readonly all the way down. The board's state and the messages
 * about it are folded and passed around, never mutated; their types come from their schemas.
 */
export type Frozen<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends readonly (infer U)[]
    ? readonly Frozen<U>[]
    : T extends object
      ? { readonly [K in keyof T]: Frozen<T[K]> }
      : T;
