import { Router } from 'express';
import { z } from 'zod';
import type { AppServices } from '../../app';
import type { Endpoint } from '../endpoint';

export const scheduleCheckinSchema = z.object({
  memberId: z.number().int().positive(),
  scheduledAt: z.iso.datetime({ offset: true }).transform((t) => new Date(t).toISOString()),
  note: z.string().trim().max(300).nullable().optional(),
});

/** Scheduled check-ins and the member activity card. */
export function checkinRoutes(services: AppServices, endpoint: Endpoint): Router {
  const router = Router();
  router.post('/checkins', endpoint({ body: scheduleCheckinSchema }, async ({ caller, body }) => ({ checkin: await services.checkins.schedule(caller.actor, body) }), { status: 201 }));
  router.get('/checkins', endpoint({}, async ({ caller }) => ({ checkins: await services.checkins.list(caller.actor) })));
  router.get(
    '/members/:id/card',
    endpoint({ params: z.object({ id: z.coerce.number().int().positive() }) }, ({ caller, params }) => services.cards.card(caller.actor, params.id)),
  );
  return router;
}
