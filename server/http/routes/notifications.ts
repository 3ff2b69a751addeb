import { Router } from 'express';
import { z } from 'zod';
import { beforeId, idParams, pageQuery } from '../../schemas';
import type { AppServices } from '../../services';
import type { Endpoint } from '../endpoint';

export const listNotificationsQuery = pageQuery.extend({ unread: z.enum(['0', '1', 'true', 'false']).optional() });

/** The caller's notifications (with the unread count), in their language, and marking one read. */
export function notificationRoutes(services: AppServices, endpoint: Endpoint): Router {
  const router = Router();
  router.get(
    '/notifications',
    endpoint({ query: listNotificationsQuery }, ({ caller, query }) =>
      services.notifications.list(caller.actor, caller.user.language, { unreadOnly: query.unread === '1' || query.unread === 'true', limit: query.limit, beforeId: beforeId(query.before) }),
    ),
  );
  router.post('/notifications/read-all', endpoint({}, ({ caller }) => services.notifications.markAllRead(caller.actor), { status: 204 }));
  router.post('/notifications/:id/read', endpoint({ params: idParams }, ({ caller, params }) => services.notifications.markRead(caller.actor, params.id), { status: 204 }));
  return router;
}
