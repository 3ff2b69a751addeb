import { Router } from 'express';
import { z } from 'zod';
import type { AppServices } from '../../app';
import type { Endpoint } from '../endpoint';

const id = z.coerce.number().int().positive().max(2 ** 31 - 1);
const name = z.string().trim().min(1).max(200);
const timezone = z.string().trim().min(1).max(64);
const location = z.string().trim().max(200).nullable();

export const createMemberSchema = z.object({
  name,
  email: z.string().trim().email().max(320),
  password: z.string().min(8, 'password needs at least 8 characters').max(200),
  branchId: z.number().int().positive(),
  timezone: timezone.optional(),
  mobile: z.boolean().optional(),
  location: location.optional(),
});
export const updateMemberSchema = z.object({ name: name.optional(), timezone: timezone.optional(), mobile: z.boolean().optional(), location: location.optional() });
export const listMembersQuery = z.object({ orgId: id });

/** Members: add, list by unit, edit, remove (which signs them out everywhere at once). */
export function memberRoutes(services: AppServices, endpoint: Endpoint): Router {
  const router = Router();
  const { members, hub } = services;

  router.post('/members', endpoint({ body: createMemberSchema }, async ({ caller, body }) => ({ user: await members.create(caller.actor, body) }), { status: 201 }));
  router.get('/members', endpoint({ query: listMembersQuery }, async ({ caller, query }) => ({ members: await members.list(caller.actor, query.orgId) })));
  router.patch(
    '/members/:id',
    endpoint({ params: z.object({ id }), body: updateMemberSchema }, async ({ caller, params, body }) => ({ user: await members.update(caller.actor, params.id, body) })),
  );
  router.delete(
    '/members/:id',
    endpoint({ params: z.object({ id }) }, async ({ caller, params }) => {
      await members.remove(caller.actor, params.id);
      hub.disconnectUser(params.id);
    }, { status: 204 }),
  );
  return router;
}
