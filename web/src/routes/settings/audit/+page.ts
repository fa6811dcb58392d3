import { hearthApi } from '$lib/api/hearthApi.ts';
import { loadError } from '$lib/api/loadError.ts';
import type { PageLoad } from './$types';

export const load = (async ({ fetch }) => {
  try {
    return { first: await hearthApi.auditLog({}, fetch) };
  } catch (cause) {
    loadError(cause);
  }
}) satisfies PageLoad;
