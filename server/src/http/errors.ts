import { ErrorCode, type ErrorBody } from '@hearth/shared';
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from '../log.ts';
import { errorMessage } from '../log.ts';

/** An error with its HTTP status and wire code, thrown by route handlers. */
export class HttpError extends Error {
  constructor(readonly status: number, readonly code: ErrorCode, message: string) {
    super(message);
  }
}

const STATUS_OF: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.INVALID_CREDENTIALS]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.BAD_ORIGIN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.ALIAS_NOT_ON_ROSTER]: 404,
  [ErrorCode.PAYLOAD_TOO_LARGE]: 413,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.BUSY]: 503,
  [ErrorCode.INTERNAL]: 500
};

/** The HTTP status for a wire error code: 400 for request errors, 409 for board rule rejections. */
export function statusOf(code: ErrorCode): number {
  if (code === ErrorCode.BAD_REQUEST || code === ErrorCode.UNKNOWN_COMMAND) return 400;
  return STATUS_OF[code] ?? 409;
}

export const sendError = (res: Response, code: ErrorCode, message: string, status = statusOf(code)) =>
  res.status(status).json({ error: { code, message } } satisfies ErrorBody);

/** Wraps an async route so a rejection reaches the error handler instead of the process. */
export const route =
  (fn: (req: Request, res: Response) => Promise<void>): RequestHandler =>
  (req: Request, res: Response, next: NextFunction) => {
    fn(req, res).catch(next);
  };

/** The last middleware of /api: named errors for known failures, a bland 500 for the rest. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    if (err instanceof HttpError) return void sendError(res, err.code, err.message, err.status);
    const type = typeof err === 'object' && err !== null && 'type' in err ? err.type : undefined;
    if (type === 'entity.too.large') return void sendError(res, ErrorCode.PAYLOAD_TOO_LARGE, 'The request body is too large.');
    if (type === 'entity.parse.failed') return void sendError(res, ErrorCode.BAD_REQUEST, 'The request body is not valid JSON.');
    logger.error('request failed', { error: errorMessage(err) });
    sendError(res, ErrorCode.INTERNAL, 'Something went wrong on the server.');
  };
}
