import { hearthApi } from '$lib/api/hearthApi.ts';
import { loadError } from '$lib/api/loadError.ts';
import type { PageLoad } from './$types';

export const load = (async ({ fetch, params }) => {
  try {
    const [{ intakes }, { groups }] = await Promise.all([hearthApi.intakes(params.groupId, fetch), hearthApi.groups(fetch)]);
    const group = groups.find((g) => g.id === params.groupId);
    return { intakes, group: { id: params.groupId, name: group?.name ?? 'Group', role: group?.role ?? 'supervisor' } };
  } catch (cause) {
    loadError(cause);
  }
}) satisfies PageLoad;
