import { Router } from 'express';
import { z } from 'zod';
import { beforeId, cursor, idParam, idParams, pageQuery, text } from '../../schemas';
import type { AppServices } from '../../services';
import type { Endpoint } from '../endpoint';
import { MAX_SEARCHABLE_TEXT } from '../../domain/searchText';

const status = z.enum(['draft', 'published']);
export const createPostSchema = z.object({ title: text(200).min(1), body: text(MAX_SEARCHABLE_TEXT).min(1), status });
export const updatePostSchema = z.object({ title: text(200).min(1).optional(), body: text(MAX_SEARCHABLE_TEXT).min(1).optional(), status: status.optional() });
export const commentSchema = z.object({ body: text(2000).min(1) });
export const listPostsQuery = pageQuery.extend({ authorId: idParam.optional(), featured: z.enum(['1', 'true', '0', 'false']).transform((v) => v === '1' || v === 'true').optional() });
export const commentsQuery = z.object({ after: cursor.optional(), limit: z.coerce.number().int().min(1).max(200).default(50) });

/** Member blogs: drafts and posts, comments, featuring by organizers, removal. */
export function postRoutes(services: AppServices, endpoint: Endpoint): Router {
  const router = Router();
  const { posts } = services;
  router.post('/posts', endpoint({ body: createPostSchema }, async ({ caller, body }) => ({ post: await posts.create(caller.actor, body) }), { status: 201 }));
  router.get('/posts', endpoint({ query: listPostsQuery }, ({ caller, query }) => posts.list(caller.actor, { authorId: query.authorId, featured: query.featured, beforeId: beforeId(query.before), limit: query.limit })));
  router.get('/posts/:id', endpoint({ params: idParams, query: commentsQuery }, ({ caller, params, query }) => posts.get(caller.actor, params.id, { afterId: beforeId(query.after), limit: query.limit })));
  router.patch('/posts/:id', endpoint({ params: idParams, body: updatePostSchema }, async ({ caller, params, body }) => ({ post: await posts.update(caller.actor, params.id, body) })));
  router.delete('/posts/:id', endpoint({ params: idParams }, ({ caller, params }) => posts.remove(caller.actor, params.id), { status: 204 }));
  router.post('/posts/:id/comments', endpoint({ params: idParams, body: commentSchema }, async ({ caller, params, body }) => ({ comment: await posts.comment(caller.actor, params.id, body.body) }), { status: 201 }));
  router.post('/posts/:id/feature', endpoint({ params: idParams }, async ({ caller, params }) => ({ post: await posts.feature(caller.actor, params.id, true) })));
  router.delete('/posts/:id/feature', endpoint({ params: idParams }, async ({ caller, params }) => ({ post: await posts.feature(caller.actor, params.id, false) })));
  return router;
}
