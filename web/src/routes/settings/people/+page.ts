import { hearthApi } from '$lib/api/hearthApi.ts';
import { loadError } from '$lib/api/loadError.ts';
import type { PageLoad } from './$types';

export const load = (async ({ fetch, depends }) => {
  depends('app:people');
  try {
    const [{ people }, { me }] = await Promise.all([hearthApi.people(fetch), hearthApi.me(fetch)]);
    return { people, me };
  } catch (cause) {
    loadError(cause);
  }
}) satisfies PageLoad;
