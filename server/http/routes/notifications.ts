import { Router } from 'express';
import { z } from 'zod';
import type { AppServices } from '../../app';
import type { Endpoint } from '../endpoint';

export const listNotificationsQuery = z.object({ unread: z.enum(['0', '1', 'true', 'false']).optional() });

/** The caller's notifications (with the unread count) and marking one read. */
export function notificationRoutes(services: AppServices, endpoint: Endpoint): Router {
  const router = Router();
  router.get(
    '/notifications',
    endpoint({ query: listNotificationsQuery }, ({ caller, query }) => services.notifications.list(caller.actor, query.unread === '1' || query.unread === 'true')),
  );
  router.post(
    '/notifications/:id/read',
    endpoint({ params: z.object({ id: z.coerce.number().int().positive() }) }, ({ caller, params }) => services.notifications.markRead(caller.actor, params.id), { status: 204 }),
  );
  return router;
}
