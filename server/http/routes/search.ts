import { Router } from 'express';
import { z } from 'zod';
import { SEARCH_KINDS } from '../../contract/voice';
import type { AppServices } from '../../services';
import type { Endpoint } from '../endpoint';

/**
 * `q` of any length up to 2,000 characters is taken (it is cut to its first terms, never refused), and any
 * sign in it is a separator: quotes, `*`, `OR` and brackets are text, not syntax (docs/search.md).
 */
export const searchQuery = z.object({
  q: z.string().trim().min(1, 'type something to search for').max(2000),
  kind: z.enum(SEARCH_KINDS).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

/** One search box over what the caller may read. */
export function searchRoutes(services: AppServices, endpoint: Endpoint): Router {
  const router = Router();
  router.get('/search', endpoint({ query: searchQuery }, async ({ caller, query }) => ({ results: await services.search.search(caller.actor, query) })));
  return router;
}
