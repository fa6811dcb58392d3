import { redirect } from '@sveltejs/kit';
import { hearthApi } from '$lib/api/hearthApi.ts';
import type { PageLoad } from './$types';

export const load = (async ({ fetch }) => {
  // Already signed in: nothing to do here.
  const signedIn = await hearthApi.me(fetch).then(
    () => true,
    () => false
  );
  if (signedIn) redirect(307, '/');
  return {};
}) satisfies PageLoad;
