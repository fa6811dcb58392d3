import { hearthApi } from '$lib/api/hearthApi.ts';
import { loadError } from '$lib/api/loadError.ts';
import type { PageLoad } from './$types';

export const load = (async ({ fetch, params }) => {
  try {
    // Who is looking: flags are acknowledged by someone other than who raised them.
    const [info, { me }] = await Promise.all([hearthApi.session(params.id, fetch), hearthApi.me(fetch)]);
    return { info, me };
  } catch (cause) {
    loadError(cause);
  }
}) satisfies PageLoad;
