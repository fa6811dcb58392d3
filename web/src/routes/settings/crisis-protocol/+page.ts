import { hearthApi } from '$lib/api/hearthApi.ts';
import { loadError } from '$lib/api/loadError.ts';
import type { PageLoad } from './$types';

export const load = (async ({ fetch }) => {
  try {
    const [{ protocol }, { me }] = await Promise.all([hearthApi.crisisProtocol(fetch), hearthApi.me(fetch)]);
    return { protocol, me };
  } catch (cause) {
    loadError(cause);
  }
}) satisfies PageLoad;
