import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import type { AuthService } from '../domain/auth';
import type { Actor, User } from '../contract/model';
import { unauthorized } from '../errors';
import { parseError } from '../validation';

export interface Caller {
  actor: Actor;
  user: User;
}

type Schemas = { body?: z.ZodType; query?: z.ZodType; params?: z.ZodType };
type Parsed<S extends Schemas> = {
  body: S['body'] extends z.ZodType ? z.infer<S['body']> : undefined;
  query: S['query'] extends z.ZodType ? z.infer<S['query']> : undefined;
  params: S['params'] extends z.ZodType ? z.infer<S['params']> : undefined;
};

export const bearerToken = (req: Request): string | undefined => {
  const header = req.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
};

/**
 * The one HTTP edge wrapper, twin of the socket `handle`: authenticates the bearer token (unless
 * `auth: false`), validates body, query and params with their zod schemas, calls the handler and sends
 * its result as JSON with `status` (204 sends no body; with `raw`, a handler that returns nothing has
 * responded itself).
 * Errors go to the app's error handler.
 */
export function endpointFactory(auth: AuthService) {
  return function endpoint<S extends Schemas, R>(
    schemas: S,
    run: (input: Parsed<S> & { caller: Caller; req: Request; res: Response }) => Promise<R>,
    options: { status?: number; auth?: boolean; raw?: boolean } = {},
  ): RequestHandler {
    return async (req: Request, res: Response, next: NextFunction) => {
      try {
        let caller = undefined as unknown as Caller;
        if (options.auth !== false) {
          const found = await auth.authenticate(bearerToken(req));
          if (!found) throw unauthorized();
          caller = found;
        }
        const parse = (schema: z.ZodType | undefined, value: unknown) => {
          if (!schema) return undefined;
          const result = schema.safeParse(value ?? {});
          if (!result.success) throw parseError(result.error);
          return result.data;
        };
        const input = {
          body: parse(schemas.body, req.body),
          query: parse(schemas.query, req.query),
          params: parse(schemas.params, req.params),
        } as Parsed<S>;
        const result = await run({ ...input, caller, req, res });
        if (options.raw && result === undefined) return; // the handler wrote the response itself (a file download)
        const status = options.status ?? 200;
        if (status === 204 || result === undefined) res.status(status === 200 ? 204 : status).end();
        else res.status(status).json(result);
      } catch (error) {
        next(error);
      }
    };
  };
}

export type Endpoint = ReturnType<typeof endpointFactory>;
