import { Router } from 'express';
import { z } from 'zod';
import { ORG_KINDS, type OrgKind } from '../../contract/model';
import { idParam, pageQuery, positiveId, text } from '../../schemas';
import type { AppServices } from '../../services';
import type { Endpoint } from '../endpoint';

export const createOrgSchema = z.object({
  name: text(200).min(1),
  kind: z.enum(ORG_KINDS as [OrgKind, ...OrgKind[]]),
  parentId: positiveId.nullable().optional(),
});
export const organizerSchema = z.object({ userId: positiveId });
export const editOrgSchema = z
  .object({ name: text(200).min(1).optional(), parentId: positiveId.nullable().optional() })
  .refine((v) => v.name !== undefined || v.parentId !== undefined, 'give name or parentId');

/** The organization tree and its organizers. */
export function orgRoutes(services: AppServices, endpoint: Endpoint): Router {
  const router = Router();
  const { orgs, commands } = services;

  router.post('/orgs', endpoint({ body: createOrgSchema }, async ({ caller, body }) => ({ org: await orgs.create(caller.actor, body) }), { status: 201 }));
  router.get(
    '/orgs',
    endpoint({ query: pageQuery }, async ({ query }) => {
      const page = await orgs.list({ limit: query.limit, cursor: query.before });
      return { orgs: page.items, nextCursor: page.nextCursor };
    }),
  );
  router.patch('/orgs/:id', endpoint({ params: z.object({ id: idParam }), body: editOrgSchema }, async ({ caller, params, body }) => ({ org: await commands.editOrg(caller.actor, params.id, body) })));
  router.get('/orgs/:id/organizers', endpoint({ params: z.object({ id: idParam }) }, async ({ params }) => ({ organizers: await orgs.organizersOf(params.id) })));
  router.post(
    '/orgs/:id/organizers',
    endpoint({ params: z.object({ id: idParam }), body: organizerSchema }, ({ caller, params, body }) => orgs.addOrganizer(caller.actor, params.id, body.userId), { status: 204 }),
  );
  router.delete(
    '/orgs/:id/organizers/:userId',
    endpoint({ params: z.object({ id: idParam, userId: idParam }) }, ({ caller, params }) => commands.removeOrganizer(caller.actor, params.id, params.userId), { status: 204 }),
  );
  return router;
}
