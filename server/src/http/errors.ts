import { ErrorCode, httpStatusOf, type ErrorBody, type WireError } from '@hearth/shared';
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from '../log.ts';
import { errorMessage } from '../log.ts';
import { isConnectionError } from '../store/Db.ts';

/** An error with its wire code (and so its HTTP status), thrown by route handlers. */
export class HttpError extends Error {
  readonly status: number;
  /** With `RATE_LIMITED`: when trying again can succeed (the answer's Retry-After). */
  readonly retryAfterMs: number | undefined;

  constructor(readonly code: ErrorCode, message: string, options: { retryAfterMs?: number } = {}) {
    super(message);
    this.status = httpStatusOf(code);
    this.retryAfterMs = options.retryAfterMs;
  }

  /** A refusal the domain or a service already phrased. */
  static of(error: WireError): HttpError {
    return new HttpError(error.code, error.message, error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs });
  }
}

/** Answers with an error body; a wait, when known, goes in `Retry-After` (whole seconds, rounded up) and the body. */
export const sendError = (res: Response, code: ErrorCode, message: string, retryAfterMs?: number) => {
  if (retryAfterMs !== undefined) res.set('Retry-After', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
  return res.status(httpStatusOf(code)).json({ error: { code, message, ...(retryAfterMs !== undefined && { retryAfterMs }) } } satisfies ErrorBody);
};

/** Wraps an async route so a rejection reaches the error handler instead of the process. */
export const route =
  (fn: (req: Request, res: Response) => Promise<void>): RequestHandler =>
  (req: Request, res: Response, next: NextFunction) => {
    fn(req, res).catch(next);
  };

/** The content codings the JSON body parser reads, for a 415's Accept-Encoding. */
const READ_ENCODINGS = 'gzip, deflate, br';

/**
 * What a refusal of body-parser's or the router's own means for the client, by its `type`, or null
 * when it is not one (the server's own fault). The messages are ours: theirs name the runtime.
 */
function clientFault(err: unknown, req: Request): { code: ErrorCode; message: string } | null {
  if (typeof err !== 'object' || err === null) return null;
  const { type, status } = err as { type?: unknown; status?: unknown };
  switch (type) {
    case 'entity.too.large':
      return { code: ErrorCode.PAYLOAD_TOO_LARGE, message: 'The request body is too large.' };
    case 'entity.parse.failed':
      return { code: ErrorCode.BAD_REQUEST, message: 'The request body is not valid JSON.' };
    case 'charset.unsupported':
      return { code: ErrorCode.UNSUPPORTED_ENCODING, message: 'The request body must be UTF-8.' };
    case 'encoding.unsupported':
      return { code: ErrorCode.UNSUPPORTED_ENCODING, message: `The request body's Content-Encoding is not one the server reads (${READ_ENCODINGS}, or none).` };
    case 'request.aborted':
      return { code: ErrorCode.BAD_REQUEST, message: 'The request body ended before it was complete.' };
    case 'request.size.invalid':
      return { code: ErrorCode.BAD_REQUEST, message: 'The request body is not as long as its Content-Length says.' };
  }
  // The router's: a path parameter that is not valid percent-encoding.
  if (err instanceof URIError && status === 400) return { code: ErrorCode.BAD_REQUEST, message: 'The path has a malformed % escape.' };
  // body-parser's, from the stream it read: the body did not inflate as its Content-Encoding says.
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const encoded = (req.get('content-encoding') ?? 'identity').toLowerCase() !== 'identity';
    return { code: ErrorCode.BAD_REQUEST, message: encoded ? 'The request body is not encoded as its Content-Encoding says.' : 'The request could not be read.' };
  }
  return null;
}

/**
 * The last middleware of /api: named errors for known failures, a bland 500 for the rest. A 4xx
 * always carries a code that says what the client did wrong; a 5xx is only ever the server's fault.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    // Too late for an error body: Express ends the connection.
    if (res.headersSent) return void next(err);
    if (err instanceof HttpError) return void sendError(res, err.code, err.message, err.retryAfterMs);
    const fault = clientFault(err, req);
    if (fault) {
      if (fault.code === ErrorCode.UNSUPPORTED_ENCODING) res.set('Accept-Encoding', READ_ENCODINGS);
      return void sendError(res, fault.code, fault.message);
    }
    // The database is away: not the request's fault, and worth a retry shortly.
    if (isConnectionError(err)) {
      res.set('Retry-After', '1');
      return void sendError(res, ErrorCode.UNAVAILABLE, 'The database does not answer; try again shortly.');
    }
    logger.error('request failed', { error: errorMessage(err) });
    sendError(res, ErrorCode.INTERNAL, 'Something went wrong on the server.');
  };
}
