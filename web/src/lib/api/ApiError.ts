/**
 * A failed HTTP call to /api, carrying the server's error code so callers can branch on it
 * (e.g. UNAUTHENTICATED → sign in) and its message for people.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }

  /** What to tell the person about a failed call: the server's message, or `fallback` for anything else. */
  static messageOf(cause: unknown, fallback: string): string {
    return cause instanceof ApiError ? cause.message : fallback;
  }

  /** The request never reached the server or its answer was not Hearth's. */
  static network(cause: unknown): ApiError {
    const reason = cause instanceof Error ? cause.message : String(cause);
    return new ApiError(0, 'NETWORK', `Could not reach Hearth (${reason}). Check the connection and try again.`);
  }
}
