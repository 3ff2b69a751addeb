import { Router } from 'express';
import { z } from 'zod';
import { idParam, idParams, language, pageQuery, positiveId, text, timezone } from '../../schemas';
import type { AppServices } from '../../services';
import type { Endpoint } from '../endpoint';

const name = text(200).min(1);
const email = z.string().trim().email().max(320);
const location = text(200).nullable();

export const createMemberSchema = z.object({
  name,
  email,
  password: z.string().min(8, 'password needs at least 8 characters').max(200),
  branchId: positiveId,
  timezone: timezone.optional(),
  mobile: z.boolean().optional(),
  location: location.optional(),
  language: language.optional(),
});
export const updateMemberSchema = z.object({
  name: name.optional(),
  email: email.optional(),
  timezone: timezone.optional(),
  mobile: z.boolean().optional(),
  location: location.optional(),
  language: language.optional(),
});
export const listMembersQuery = pageQuery.extend({
  orgId: idParam,
  q: text(100).min(1).optional(),
  mobile: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
});
export const importSchema = z.object({ csv: z.string().min(1).max(1_000_000) });
export const passwordSchema = z.object({ current: z.string().max(200), next: z.string().min(8, 'password needs at least 8 characters').max(200) });

/** Members: add, list by unit, edit, deactivate (which signs them out everywhere at once). */
export function memberRoutes(services: AppServices, endpoint: Endpoint): Router {
  const router = Router();
  const { members, commands } = services;

  router.post('/members', endpoint({ body: createMemberSchema }, async ({ caller, body }) => ({ user: await members.create(caller.actor, body) }), { status: 201 }));
  router.get(
    '/members',
    endpoint({ query: listMembersQuery }, async ({ caller, query }) => {
      const page = await members.list(caller.actor, query.orgId, { limit: query.limit, cursor: query.before, q: query.q, mobile: query.mobile });
      return { members: page.items, nextCursor: page.nextCursor };
    }),
  );
  router.post('/members/import', endpoint({ body: importSchema }, ({ caller, body }) => services.importMembers(caller.actor, body.csv)));
  router.get('/members/:id', endpoint({ params: idParams }, async ({ caller, params }) => ({ user: await members.get(caller.actor, params.id) })));
  router.post('/me/password', endpoint({ body: passwordSchema }, ({ caller, body, req }) => services.auth.changePassword(caller.actor, body.current, body.next, req.ip ?? 'unknown'), { status: 204 }));
  router.patch('/members/:id', endpoint({ params: idParams, body: updateMemberSchema }, async ({ caller, params, body }) => ({ user: await members.update(caller.actor, params.id, body) })));
  router.delete('/members/:id', endpoint({ params: idParams }, ({ caller, params }) => commands.deactivateMember(caller.actor, params.id), { status: 204 }));
  return router;
}
