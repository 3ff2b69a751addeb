import { Router } from 'express';
import { z } from 'zod';
import { beforeId, idParam, pageQuery } from '../../schemas';
import type { AppServices } from '../../services';
import type { Endpoint } from '../endpoint';

export const auditQuery = pageQuery.extend({
  orgId: idParam.optional(),
  actorId: idParam.optional(),
  action: z.string().regex(/^[a-z]+\.[a-zA-Z]+$/, 'an action such as member.update').max(40).optional(),
});

/** The audit log: read only (there is no route, nor any code, that changes or deletes an entry). */
export function auditRoutes(services: AppServices, endpoint: Endpoint): Router {
  const router = Router();
  router.get(
    '/audit',
    endpoint({ query: auditQuery }, ({ caller, query }) =>
      services.audit.list(caller.actor, { orgId: query.orgId, actorId: query.actorId, action: query.action, beforeId: beforeId(query.before), limit: query.limit }),
    ),
  );
  return router;
}
