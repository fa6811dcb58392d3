import { z } from 'zod';
import type { RouteSpec } from '../api.ts';
import { HttpsUrl, SHARE_LIMITS } from '../board/commands.ts';
import type { Frozen } from '../roles.ts';

/** How many resources an organization's library holds. */
export const LIBRARY_LIMIT = 200;

/**
 * A resource in the organization's library — a crisis line, a local service, a handout as a link or a
 * short text — that facilitators give to the whole group or to one member, during or after a session.
 */
export const NewLibraryResource = z
  .object({
    title: z.string().trim().min(1, 'give it a title').max(SHARE_LIMITS.titleLength),
    body: z.string().trim().max(SHARE_LIMITS.bodyLength).describe('What the member reads: a number, opening hours, a few lines of a handout.'),
    url: HttpsUrl.nullable()
  })
  .strict();
export type NewLibraryResource = z.infer<typeof NewLibraryResource>;

export const LibraryResource = z
  .object({ id: z.string().uuid(), title: z.string(), body: z.string(), url: z.string().nullable() })
  .strict();
export type LibraryResource = Frozen<z.infer<typeof LibraryResource>>;

const resourceParams = z.object({ resourceId: z.string().uuid().toLowerCase() }).strict();

/** The organization's resource library. Part of `API_ROUTES`. */
export const RESOURCE_ROUTES = {
  libraryResources: {
    method: 'get', path: '/api/organization/resources', tag: 'organization', auth: 'clinician',
    summary: 'The organization\'s resource library (crisis lines, local services, handouts), by title, for facilitators to give members.',
    responses: { 200: z.object({ resources: z.array(LibraryResource) }).strict() },
    errors: []
  },
  addLibraryResource: {
    method: 'post', path: '/api/organization/resources', tag: 'organization', auth: 'clinician',
    summary: 'Add a resource to the organization\'s library (any clinician of it).',
    body: NewLibraryResource,
    responses: { 201: z.object({ resource: LibraryResource }).strict() },
    errors: ['LIMIT_REACHED']
  },
  deleteLibraryResource: {
    method: 'delete', path: '/api/organization/resources/:resourceId', tag: 'organization', auth: 'clinician',
    summary: 'Remove a resource from the library; what was already given to members stays with them and in the records.',
    params: resourceParams,
    responses: { 204: null },
    errors: ['NOT_FOUND']
  }
} as const satisfies Record<string, RouteSpec>;
