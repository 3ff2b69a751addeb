import { Router } from 'express';
import { z } from 'zod';
import type { AppServices } from '../../app';
import { ORG_KINDS } from '../../domain/types';
import type { Endpoint } from '../endpoint';

const id = z.coerce.number().int().positive().max(2 ** 31 - 1);
export const createOrgSchema = z.object({
  name: z.string().trim().min(1).max(200),
  kind: z.enum(ORG_KINDS as [string, ...string[]]).transform((k) => k as (typeof ORG_KINDS)[number]),
  parentId: z.number().int().positive().nullable().optional(),
});
export const organizerSchema = z.object({ userId: z.number().int().positive() });

/** The organization tree and its organizers. */
export function orgRoutes(services: AppServices, endpoint: Endpoint): Router {
  const router = Router();
  const { orgs } = services;


  router.post('/orgs', endpoint({ body: createOrgSchema }, async ({ caller, body }) => ({ org: await orgs.create(caller.actor, body) }), { status: 201 }));
  router.get('/orgs', endpoint({}, async () => ({ orgs: await orgs.list() })));
  router.post(
    '/orgs/:id/organizers',
    endpoint({ params: z.object({ id }), body: organizerSchema }, ({ caller, params, body }) => orgs.addOrganizer(caller.actor, params.id, body.userId), { status: 204 }),
  );
  router.delete(
    '/orgs/:id/organizers/:userId',
    endpoint({ params: z.object({ id, userId: id }) }, async ({ caller, params }) => {
      await orgs.removeOrganizer(caller.actor, params.id, params.userId);
      await services.hub.revalidateUser(params.userId);
    }, { status: 204 }),
  );
  return router;
}
