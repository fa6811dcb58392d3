import { BACKGROUND_HEADER, type ErrorBody } from '@hearth/shared';
import { ApiError } from './ApiError.ts';

/** The fetch to use: SvelteKit's in loaders, the global one elsewhere. */
export type Fetch = typeof fetch;

function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const { error } = value;
  return typeof error === 'object' && error !== null && 'code' in error && 'message' in error;
}

/**
 * Calls the same-origin API with JSON in and out. The session cookie rides along on its own;
 * every non-2xx answer becomes an ApiError with the server's code.
 */
export async function request<T>(
  path: string,
  options: {
    method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
    body?: unknown;
    fetch?: Fetch;
    /** Asked by the page itself, not by the person: does not keep the login alive. */
    background?: boolean;
  } = {}
): Promise<T> {
  const { method = 'GET', body, fetch: fetchFn = fetch, background = false } = options;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (background) headers[BACKGROUND_HEADER] = '1';
  let response: Response;
  try {
    response = await fetchFn(path, {
      method,
      credentials: 'same-origin',
      headers,
      body: body === undefined ? undefined : JSON.stringify(body)
    });
  } catch (cause) {
    throw ApiError.network(cause);
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  if (!response.ok) {
    if (isErrorBody(parsed)) throw new ApiError(response.status, parsed.error.code, parsed.error.message);
    throw new ApiError(response.status, 'HTTP_' + response.status, `The server answered ${response.status} ${response.statusText}.`);
  }
  return parsed as T;
}
