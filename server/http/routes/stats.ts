import { Router } from 'express';
import { z } from 'zod';
import { idParam } from '../../schemas';
import type { AppServices } from '../../services';
import type { Endpoint } from '../endpoint';

export const statsQuery = z.object({ orgId: idParam.optional() });

/** District statistics: figures over a unit and everything under it, from the stored records. */
export function statsRoutes(services: AppServices, endpoint: Endpoint): Router {
  const router = Router();
  router.get('/stats', endpoint({ query: statsQuery }, ({ caller, query }) => services.stats.of(caller.actor, query.orgId)));
  return router;
}
