import { hearthApi } from '$lib/api/hearthApi.ts';
import { loadError } from '$lib/api/loadError.ts';
import type { PageLoad } from './$types';

export const load = (async ({ fetch, params }) => {
  try {
    return { progress: await hearthApi.groupProgress(params.groupId, fetch) };
  } catch (cause) {
    loadError(cause);
  }
}) satisfies PageLoad;
