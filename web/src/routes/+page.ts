import { hearthApi } from '$lib/api/hearthApi.ts';
import { loadError } from '$lib/api/loadError.ts';
import type { PageLoad } from './$types';

export const load = (async ({ fetch, depends }) => {
  depends('app:groups');
  try {
    const [{ me }, { groups }] = await Promise.all([hearthApi.me(fetch), hearthApi.groups(fetch)]);
    return { me, groups };
  } catch (cause) {
    loadError(cause);
  }
}) satisfies PageLoad;
