import { hearthApi } from '$lib/api/hearthApi.ts';
import { ApiError } from '$lib/api/ApiError.ts';
import { loadError } from '$lib/api/loadError.ts';
import type { RecordView } from '@hearth/shared';
import type { PageLoad } from './$types';

export const load = (async ({ fetch, params }) => {
  try {
    const [info, { me }] = await Promise.all([hearthApi.session(params.id, fetch), hearthApi.me(fetch)]);
    let record: RecordView | null = null;
    try {
      record = await hearthApi.record(params.id, fetch);
    } catch (cause) {
      // No record yet: the page offers to take the draft (once the session has ended).
      if (!(cause instanceof ApiError && cause.code === 'RECORD_NOT_FOUND')) throw cause;
    }
    return { info, me, record };
  } catch (cause) {
    loadError(cause);
  }
}) satisfies PageLoad;
