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
