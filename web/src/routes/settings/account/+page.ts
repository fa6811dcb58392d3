import { hearthApi } from '$lib/api/hearthApi.ts';
import { loadError } from '$lib/api/loadError.ts';
import type { PageLoad } from './$types';

export const load = (async ({ fetch, depends }) => {
  depends('app:account');
  try {
    const [{ me }, { passkeys }] = await Promise.all([hearthApi.me(fetch), hearthApi.passkeys(fetch)]);
    return { me, passkeys };
  } catch (cause) {
    loadError(cause);
  }
}) satisfies PageLoad;
