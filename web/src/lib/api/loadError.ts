import { error, redirect } from '@sveltejs/kit';
import { ApiError } from './ApiError.ts';

/**
 * Turns a failed API call inside a loader into SvelteKit's flow: not signed in → the login page,
 * anything else → the error page with the server's message.
 */
export function loadError(cause: unknown): never {
  if (cause instanceof ApiError) {
    if (cause.status === 401) redirect(307, '/login');
    error(cause.status >= 400 ? cause.status : 503, { message: cause.message, code: cause.code });
  }
  throw cause;
}
