import { Router } from 'express';
import { z } from 'zod';
import { beforeId, idParam, idParams, isoTime, pageQuery, positiveId, text } from '../../schemas';
import type { AppServices } from '../../services';
import type { Endpoint } from '../endpoint';
import { MAX_SEARCHABLE_TEXT } from '../../domain/searchText';

export const publishSchema = z.object({ orgId: positiveId, title: text(200).min(1), body: text(MAX_SEARCHABLE_TEXT).min(1), pinnedUntil: isoTime.nullable().optional() });
export const listAnnouncementsQuery = pageQuery.extend({ orgId: idParam.optional() });

/** Announcements: publish to everyone under a unit, read (idempotent), and the organizer's read counts. */
export function announcementRoutes(services: AppServices, endpoint: Endpoint): Router {
  const router = Router();
  const { announcements } = services;
  router.post('/announcements', endpoint({ body: publishSchema }, async ({ caller, body }) => ({ announcement: await announcements.publish(caller.actor, body) }), { status: 201 }));
  router.get('/announcements', endpoint({ query: listAnnouncementsQuery }, ({ caller, query }) => announcements.list(caller.actor, { orgId: query.orgId, beforeId: beforeId(query.before), limit: query.limit })));
  router.get('/announcements/:id', endpoint({ params: idParams }, async ({ caller, params }) => ({ announcement: await announcements.get(caller.actor, params.id) })));
  router.post('/announcements/:id/read', endpoint({ params: idParams }, ({ caller, params }) => announcements.markRead(caller.actor, params.id), { status: 204 }));
  router.get('/announcements/:id/reads', endpoint({ params: idParams, query: pageQuery }, ({ caller, params, query }) => announcements.reads(caller.actor, params.id, { afterId: beforeId(query.before), limit: query.limit })));
  return router;
}
