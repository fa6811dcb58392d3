import { ErrorCode, httpStatusOf, type ErrorBody, type WireError } from '@hearth/shared';
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from '../log.ts';
import { errorMessage } from '../log.ts';

/** An error with its wire code (and so its HTTP status), thrown by route handlers. */
export class HttpError extends Error {
  readonly status: number;

  constructor(readonly code: ErrorCode, message: string) {
    super(message);
    this.status = httpStatusOf(code);
  }

  /** A refusal the domain or a service already phrased. */
  static of(error: WireError): HttpError {
    return new HttpError(error.code, error.message);
  }
}

export const sendError = (res: Response, code: ErrorCode, message: string) =>
  res.status(httpStatusOf(code)).json({ error: { code, message } } satisfies ErrorBody);

/** Wraps an async route so a rejection reaches the error handler instead of the process. */
export const route =
  (fn: (req: Request, res: Response) => Promise<void>): RequestHandler =>
  (req: Request, res: Response, next: NextFunction) => {
    fn(req, res).catch(next);
  };

/** The last middleware of /api: named errors for known failures, a bland 500 for the rest. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    if (err instanceof HttpError) return void sendError(res, err.code, err.message);
    const type = typeof err === 'object' && err !== null && 'type' in err ? err.type : undefined;
    if (type === 'entity.too.large') return void sendError(res, ErrorCode.PAYLOAD_TOO_LARGE, 'The request body is too large.');
    if (type === 'entity.parse.failed') return void sendError(res, ErrorCode.BAD_REQUEST, 'The request body is not valid JSON.');
    logger.error('request failed', { error: errorMessage(err) });
    sendError(res, ErrorCode.INTERNAL, 'Something went wrong on the server.');
  };
}
