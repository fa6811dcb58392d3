import { BACKGROUND_HEADER, ErrorCode, type RouteResponse, type RouteSpec } from '@hearth/shared';
import type { Request, Response, Router } from 'express';
import type { z } from 'zod';
import type { Auth, ClinicianIdentity } from '../auth/Auth.ts';
import { validationMessage } from '../edge/parse.ts';
import { sessionToken } from './cookies.ts';
import { HttpError, route } from './errors.ts';

type Who<R extends RouteSpec> = R['auth'] extends 'clinician' ? ClinicianIdentity : R['auth'] extends 'optional' ? ClinicianIdentity | null : null;

/** What a handler gets: the route's parameters and body, parsed; the clinician, when the route names one. */
export interface RouteContext<R extends RouteSpec> {
  readonly params: R['params'] extends z.ZodType ? z.output<R['params']> : Record<string, never>;
  readonly query: R['query'] extends z.ZodType ? z.output<R['query']> : Record<string, never>;
  readonly body: R['body'] extends z.ZodType ? z.output<R['body']> : undefined;
  readonly who: Who<R>;
  /** The caller's address, for the audit log. */
  readonly ip: string;
  readonly req: Request;
  /** For headers only (the login cookie); the handler's answer is its return value. */
  readonly res: Response;
}

/** A handler's answer: one of the route's success statuses with its body. */
export type Reply<R extends RouteSpec> = {
  [S in keyof R['responses'] & number]: { readonly status: S; readonly body: RouteResponse<R, S> };
}[keyof R['responses'] & number];

/** Serves one route: parse, call a service, answer. Refusals are thrown as HttpError. */
export type Handler<R extends RouteSpec> = (ctx: RouteContext<R>) => Promise<Reply<R>>;

/** Parses a body or parameter with its schema, or answers 400 with what is wrong. */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new HttpError(ErrorCode.BAD_REQUEST, validationMessage(r.error));
  return r.data;
}

/**
 * Mounts a route of the contract on the /api router: the path and method come from the spec, its
 * parameters and body are parsed with the spec's schemas (once, here), the login is checked when the
 * spec asks for one, and the handler's status and body are sent as they are (as JSON, or as the
 * text of the spec's `produces` media type).
 */
export function bindRoute<R extends RouteSpec>(router: Router, auth: Auth, spec: R, handler: Handler<R>): void {
  const path = spec.path.slice('/api'.length);
  router[spec.method](path, route(async (req, res) => {
    let who: ClinicianIdentity | null = null;
    if (spec.auth !== 'none') {
      // A page's own background request (BACKGROUND_HEADER) is not the person's activity: it never keeps a login alive.
      who = await auth.clinician(sessionToken(req.get('cookie')), { touch: req.get(BACKGROUND_HEADER) !== '1' });
      if (!who && spec.auth === 'clinician') throw new HttpError(ErrorCode.UNAUTHENTICATED, 'Please sign in.');
    }
    const params = spec.params ? parseOr400(spec.params, req.params) : {};
    // A route without query parameters ignores a query string, as it always has.
    const query = spec.query ? parseOr400(spec.query, req.query) : {};
    const body = spec.body ? parseOr400(spec.body, req.body) : undefined;
    const ctx = { params, query, body, who, ip: req.ip ?? '', req, res } as RouteContext<R>;
    const reply = await handler(ctx);
    if (reply.body === undefined) res.status(reply.status).end();
    else if (spec.produces) res.status(reply.status).type(`${spec.produces}; charset=utf-8`).send(reply.body);
    else res.status(reply.status).json(reply.body);
  }));
}
