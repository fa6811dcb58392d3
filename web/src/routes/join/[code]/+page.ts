import type { InviteInfo } from '@hearth/shared';
import { ApiError } from '$lib/api/ApiError.ts';
import { hearthApi } from '$lib/api/hearthApi.ts';
import type { PageLoad } from './$types';

export const load = (async ({ fetch, params }) => {
  // A bad or expired link is shown on the page itself, in words meant for a member.
  let invite: InviteInfo | null = null;
  let inviteError: string | null = null;
  let cancelled = false;
  try {
    invite = await hearthApi.invite(params.code, fetch);
  } catch (cause) {
    cancelled = cause instanceof ApiError && cause.code === 'SESSION_CANCELLED';
    inviteError =
      cause instanceof ApiError && cause.status === 404
        ? 'This invite link is not valid any more.'
        : cause instanceof Error
          ? cause.message
          : 'The invite could not be loaded.';
  }
  return { code: params.code, invite, inviteError, cancelled };
}) satisfies PageLoad;
