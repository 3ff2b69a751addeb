import { Router } from 'express';
import { z } from 'zod';
import { beforeId, isoTime, pageQuery, positiveId, text } from '../../schemas';
import type { AppServices } from '../../services';
import type { Endpoint } from '../endpoint';

export const scheduleCheckinSchema = z.object({
  memberId: positiveId,
  scheduledAt: isoTime,
  note: text(300).nullable().optional(),
});

/** Scheduled check-ins (the activity card that lists them: routes/life.ts). */
export function checkinRoutes(services: AppServices, endpoint: Endpoint): Router {
  const router = Router();
  router.post('/checkins', endpoint({ body: scheduleCheckinSchema }, async ({ caller, body }) => ({ checkin: await services.checkins.schedule(caller.actor, body) }), { status: 201 }));
  router.get('/checkins', endpoint({ query: pageQuery }, ({ caller, query }) => services.checkins.list(caller.actor, { limit: query.limit, beforeId: beforeId(query.before) })));
  return router;
}
