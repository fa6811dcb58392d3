import type { PasswordLinkInfo } from '@hearth/shared';
import { ApiError } from '$lib/api/ApiError.ts';
import { hearthApi } from '$lib/api/hearthApi.ts';
import type { PageLoad } from './$types';

export const load = (async ({ fetch, params }) => {
  // A used or expired link is explained on the page itself.
  let link: PasswordLinkInfo | null = null;
  let linkError: string | null = null;
  try {
    link = (await hearthApi.passwordLink(params.token, fetch)).link;
  } catch (cause) {
    linkError = ApiError.messageOf(cause, 'The link could not be checked.');
  }
  return { token: params.token, link, linkError };
}) satisfies PageLoad;
