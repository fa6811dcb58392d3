import { hearthApi } from '$lib/api/hearthApi.ts';
import { loadError } from '$lib/api/loadError.ts';
import type { PageLoad } from './$types';

export const load = (async ({ fetch, params, url }) => {
  try {
    const [info, record] = await Promise.all([hearthApi.session(params.id, fetch), hearthApi.recordForPrint(params.id, fetch)]);
    return { info, record, memberId: url.searchParams.get('member') };
  } catch (cause) {
    loadError(cause);
  }
}) satisfies PageLoad;
