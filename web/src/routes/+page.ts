import { hearthApi } from '$lib/api/hearthApi.ts';
import { loadError } from '$lib/api/loadError.ts';
import type { PageLoad } from './$types';

export const load = (async ({ fetch, depends }) => {
  depends('app:groups');
  try {
    const [{ me }, { groups }, { records }, { organization }, { templates }, passkeys] = await Promise.all([
      hearthApi.me(fetch),
      hearthApi.groups(fetch),
      hearthApi.pendingRecords(fetch),
      hearthApi.organization(fetch),
      hearthApi.agendaTemplates(fetch),
      hearthApi.passkeys(fetch)
    ]);
    return { me, groups, pending: records, organization, templates, passkeys: passkeys.passkeys };
  } catch (cause) {
    loadError(cause);
  }
}) satisfies PageLoad;
