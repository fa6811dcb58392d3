import { hearthApi } from '$lib/api/hearthApi.ts';
import { loadError } from '$lib/api/loadError.ts';
import type { PageLoad } from './$types';

export const load = (async ({ fetch }) => {
  try {
    return await hearthApi.ownInstruments(fetch);
  } catch (cause) {
    loadError(cause);
  }
}) satisfies PageLoad;
