import { Router } from 'express';
import { z } from 'zod';
import { TENDER_STATUSES } from '../../contract/projects';
import { MAX_CAPACITY } from '../../domain/meetings';
import { MAX_SEARCHABLE_TEXT } from '../../domain/searchText';
import { beforeId, idParams, isoTime, pageQuery, positiveId, text } from '../../schemas';
import type { AppServices } from '../../services';
import type { Endpoint } from '../endpoint';

export const createTenderSchema = z.object({ orgId: positiveId, title: text(200).min(1), description: text(MAX_SEARCHABLE_TEXT).min(1), closesAt: isoTime });
export const bidSchema = z.object({ title: text(200).min(1), summary: text(2000).min(1), plan: text(MAX_SEARCHABLE_TEXT).min(1), format: text(200).min(1) });
export const awardSchema = z.object({ bidId: positiveId });
export const listTendersQuery = pageQuery.extend({ status: z.enum(TENDER_STATUSES).optional() });
export const createProjectSchema = bidSchema.extend({ topics: z.array(text(30).min(1)).max(10).optional(), ownerOrgId: positiveId.optional() });
export const listProjectsQuery = pageQuery.extend({ q: z.string().trim().min(1).max(200).optional(), topic: text(30).min(1).optional() });
export const adoptSchema = z.object({
  hostOrgId: positiveId,
  startsAt: isoTime,
  endsAt: isoTime.nullable().optional(),
  capacity: z.number().int().min(1).max(MAX_CAPACITY),
  openTo: z.enum(['all', 'host', 'public']),
  location: text(300).nullable().optional(),
  online: z.boolean().optional(),
  topic: text(100).nullable().optional(),
});

/** Calls for projects (tenders, bids, awards) and the project library (adoption into meetings). */
export function projectRoutes(services: AppServices, endpoint: Endpoint): Router {
  const router = Router();
  const { tenders, projects } = services;
  router.post('/tenders', endpoint({ body: createTenderSchema }, async ({ caller, body }) => ({ tender: await tenders.create(caller.actor, body) }), { status: 201 }));
  router.get('/tenders', endpoint({ query: listTendersQuery }, ({ query }) => tenders.list({ status: query.status, beforeId: beforeId(query.before), limit: query.limit })));
  router.get('/tenders/:id', endpoint({ params: idParams }, ({ caller, params }) => tenders.get(caller.actor, params.id)));
  router.post('/tenders/:id/bids', endpoint({ params: idParams, body: bidSchema }, async ({ caller, params, body }) => ({ bid: await tenders.bid(caller.actor, params.id, body) }), { status: 201 }));
  router.post('/tenders/:id/award', endpoint({ params: idParams, body: awardSchema }, async ({ caller, params, body }) => ({ project: await tenders.award(caller.actor, params.id, body.bidId) })));
  router.post('/projects', endpoint({ body: createProjectSchema }, async ({ caller, body }) => ({ project: await projects.create(caller.actor, body) }), { status: 201 }));
  router.get('/projects', endpoint({ query: listProjectsQuery }, ({ caller, query }) => projects.list(caller.actor, { q: query.q, topic: query.topic, beforeId: beforeId(query.before), limit: query.limit })));
  router.get('/projects/:id', endpoint({ params: idParams }, ({ caller, params }) => projects.get(caller.actor, params.id)));
  router.post('/projects/:id/adopt', endpoint({ params: idParams, body: adoptSchema }, async ({ caller, params, body }) => ({ meeting: await projects.adopt(caller.actor, params.id, body) }), { status: 201 }));
  return router;
}
