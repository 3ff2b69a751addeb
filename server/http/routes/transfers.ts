import { Router } from 'express';
import { z } from 'zod';
import { TRANSFER_STATUSES } from '../../contract/memberLife';
import { beforeId, idParam, idParams, pageQuery, positiveId, text } from '../../schemas';
import type { AppServices } from '../../services';
import type { Endpoint } from '../endpoint';

export const requestTransferSchema = z.object({
  memberId: positiveId.optional(),
  toBranchId: positiveId,
  reason: text(1000).min(1),
  destination: text(200).nullable().optional(),
});
// `step`: the step the caller decides (what their screen showed); without it, whichever step is current.
const step = z.enum(['out', 'in']).optional();
export const approveSchema = z.object({ note: text(1000).nullable().optional(), step });
export const returnSchema = z.object({ note: text(1000).min(1, 'say why the transfer is returned'), step });
export const listTransfersQuery = pageQuery.extend({
  status: z.enum(['pending', ...TRANSFER_STATUSES]).optional(),
  orgId: idParam.optional(),
});

/** Relationship transfers: request, approve each side, return, withdraw, read. */
export function transferRoutes(services: AppServices, endpoint: Endpoint): Router {
  const router = Router();
  const { transfers } = services;
  router.post('/transfers', endpoint({ body: requestTransferSchema }, async ({ caller, body }) => ({ transfer: await transfers.request(caller.actor, body) }), { status: 201 }));
  router.get(
    '/transfers',
    endpoint({ query: listTransfersQuery }, ({ caller, query }) =>
      transfers.list(caller.actor, { status: query.status, orgId: query.orgId, limit: query.limit, beforeId: beforeId(query.before) }),
    ),
  );
  router.get('/transfers/:id', endpoint({ params: idParams }, async ({ caller, params }) => ({ transfer: await transfers.get(caller.actor, params.id) })));
  router.post('/transfers/:id/approve', endpoint({ params: idParams, body: approveSchema }, async ({ caller, params, body }) => ({ transfer: await transfers.approve(caller.actor, params.id, body.note ?? null, body.step) })));
  router.post('/transfers/:id/return', endpoint({ params: idParams, body: returnSchema }, async ({ caller, params, body }) => ({ transfer: await transfers.returnTransfer(caller.actor, params.id, body.note, body.step) })));
  router.post('/transfers/:id/withdraw', endpoint({ params: idParams }, async ({ caller, params }) => ({ transfer: await transfers.withdraw(caller.actor, params.id) })));
  return router;
}
