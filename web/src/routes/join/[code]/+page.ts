import type { InviteInfo } from '@hearth/shared';
import { ApiError } from '$lib/api/ApiError.ts';
import { hearthApi } from '$lib/api/hearthApi.ts';
import type { PageLoad } from './$types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const load = (async ({ fetch, params, url }) => {
  // A code that does not work is shown on the page itself, in words meant for a member.
  let invite: InviteInfo | null = null;
  let inviteError: string | null = null;
  try {
    invite = await hearthApi.invite(params.code, fetch);
  } catch (cause) {
    inviteError =
      cause instanceof ApiError && cause.status === 404
        ? 'This invite link is not valid any more: it may have been replaced by a newer one.'
        : cause instanceof Error
          ? cause.message
          : 'The invite could not be loaded.';
  }
  // `?session=<id>` names one session of the group (two in a day); by default the next one.
  const session = url.searchParams.get('session');
  return { code: params.code, invite, inviteError, sessionId: session && UUID.test(session) ? session : null };
}) satisfies PageLoad;
