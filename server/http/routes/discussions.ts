import { Router } from 'express';
import { z } from 'zod';
import { beforeId, cursor, idParam, idParams, pageQuery, positiveId, text } from '../../schemas';
import type { AppServices } from '../../services';
import type { Endpoint } from '../endpoint';
import { MAX_SEARCHABLE_TEXT } from '../../domain/searchText';

export const createDiscussionSchema = z.object({ orgId: positiveId, title: text(200).min(1), body: text(MAX_SEARCHABLE_TEXT).min(1) });
export const replySchema = z.object({ body: text(4000).min(1), clientId: z.string().min(1).max(64).regex(/^[\w-]+$/, 'letters, digits, - and _') });
export const moderateDiscussionSchema = z.object({ locked: z.boolean().optional(), hidden: z.boolean().optional() }).refine((v) => v.locked !== undefined || v.hidden !== undefined, 'give locked or hidden');
export const moderateReplySchema = z.object({ hidden: z.boolean() });
export const listDiscussionsQuery = pageQuery.extend({ orgId: idParam.optional() });
export const repliesQuery = z.object({ after: cursor.optional(), limit: z.coerce.number().int().min(1).max(200).default(50) });

/** Discussions per unit: threads, replies (idempotent by clientId), locking and hiding by organizers. */
export function discussionRoutes(services: AppServices, endpoint: Endpoint): Router {
  const router = Router();
  const { discussions } = services;
  router.post('/discussions', endpoint({ body: createDiscussionSchema }, async ({ caller, body }) => ({ discussion: await discussions.create(caller.actor, body) }), { status: 201 }));
  router.get(
    '/discussions',
    endpoint({ query: listDiscussionsQuery }, async ({ caller, query }) => {
      const page = await discussions.list(caller.actor, { orgId: query.orgId, limit: query.limit, cursor: query.before });
      return { discussions: page.items, nextCursor: page.nextCursor };
    }),
  );
  router.get('/discussions/:id', endpoint({ params: idParams, query: repliesQuery }, ({ caller, params, query }) => discussions.get(caller.actor, params.id, { afterId: beforeId(query.after), limit: query.limit })));
  router.post(
    '/discussions/:id/replies',
    endpoint({ params: idParams, body: replySchema }, async ({ caller, params, body, res }) => {
      const { reply, created } = await discussions.reply(caller.actor, params.id, body);
      res.status(created ? 201 : 200).json({ reply });
      return undefined;
    }, { raw: true }),
  );
  router.patch('/discussions/:id', endpoint({ params: idParams, body: moderateDiscussionSchema }, async ({ caller, params, body }) => ({ discussion: await discussions.moderate(caller.actor, params.id, body) })));
  router.patch('/replies/:id', endpoint({ params: idParams, body: moderateReplySchema }, async ({ caller, params, body }) => ({ reply: await discussions.moderateReply(caller.actor, params.id, body.hidden) })));
  return router;
}
