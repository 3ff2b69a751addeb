import { Router, type Response } from 'express';
import { z } from 'zod';
import { pageOf } from '../../util/paging';
import { DUES_STAGES, type DuesStage } from '../../domain/duesSchedule';
import { beforeId, currency, idParam, idParams, pageQuery, period, positiveId, text } from '../../schemas';
import type { AppServices } from '../../services';
import { csvDocument } from '../../contract/csv';
import type { Endpoint } from '../endpoint';

const amount = z.number().int().min(0).max(100_000_000);

export const rateSchema = z.object({ monthlyAmount: amount, currency: currency.optional(), effectiveFrom: period.optional() });
export const paymentSchema = z.object({ period, amount: amount.min(1), reference: text(100).min(1), currency: currency.optional() });
export const recordedPaymentSchema = z.object({ period, amount: amount.min(1), reference: text(100).min(1).optional(), note: text(300).nullable().optional() });
export const correctionSchema = z.object({ userId: positiveId, period, amount: z.number().int().min(-100_000_000).max(100_000_000), note: text(300).min(1) });
export const arrearsQuery = pageQuery.extend({ orgId: idParam, period, format: z.enum(['json', 'csv']).optional() });
export const runSchema = z.object({ period, stage: z.enum(DUES_STAGES as [DuesStage, ...DuesStage[]]), orgId: positiveId.optional() });

/** Dues: rates, the member's ledger and payments, corrections, arrears (JSON or CSV), reminder runs, queue state. */
export function duesRoutes(services: AppServices, endpoint: Endpoint): Router {
  const router = Router();
  const { dues } = services;

  router.put('/dues/rates/:userId', endpoint({ params: z.object({ userId: idParam }), body: rateSchema }, async ({ caller, params, body }) => ({ rate: await dues.setRate(caller.actor, params.userId, body) })));
  router.put('/dues/unit-rates/:orgId', endpoint({ params: z.object({ orgId: idParam }), body: rateSchema }, async ({ caller, params, body }) => ({ rate: await dues.setUnitRate(caller.actor, params.orgId, body) })));
  router.get('/dues/me', endpoint({}, ({ caller }) => dues.ledger(caller.actor.id)));
  router.get('/dues/members/:id', endpoint({ params: idParams }, ({ caller, params }) => dues.ledgerFor(caller.actor, params.id)));
  router.get(
    '/dues/payments',
    endpoint({ query: pageQuery.extend({ userId: idParam.optional() }) }, ({ caller, query }) =>
      dues.payments(caller.actor, query.userId ?? caller.actor.id, { limit: query.limit, beforeId: beforeId(query.before) }),
    ),
  );
  // 201 for a new payment; 200 with `duplicate: true` when this reference was recorded before (shown as such).
  const answer = (res: Response, { payment, created }: { payment: unknown; created: boolean }) => void res.status(created ? 201 : 200).json(created ? { payment } : { payment, duplicate: true });
  router.post('/dues/payments', endpoint({ body: paymentSchema }, async ({ caller, body, res }) => answer(res, await dues.pay(caller.actor, body)), { raw: true }));
  router.post(
    '/dues/members/:id/payments',
    endpoint({ params: idParams, body: recordedPaymentSchema }, async ({ caller, params, body, res }) => answer(res, await dues.recordPayment(caller.actor, params.id, body)), { raw: true }),
  );
  router.post('/dues/corrections', endpoint({ body: correctionSchema }, async ({ caller, body }) => ({ payment: await dues.correct(caller.actor, body) }), { status: 201 }));
  router.get(
    '/dues/arrears',
    endpoint({ query: arrearsQuery }, async ({ caller, query, res }) => {
      const members = await dues.arrears(caller.actor, query.orgId, query.period);
      const view = members.map((a) => ({ user: { id: a.user.id, name: a.user.name, email: a.user.email, branchId: a.user.branchId }, period: a.period, amountDue: a.amountDue, currency: a.currency }));
      if (query.format !== 'csv') {
        const page = pageOf(view, query.limit, query.before);
        return { members: page.items, nextCursor: page.nextCursor, total: view.length };
      }
      // The export is the whole list (a file, not a page); it holds only members under the caller.
      res
        .type('text/csv; charset=utf-8')
        .setHeader('Content-Disposition', `attachment; filename="arrears-${query.orgId}-${query.period}.csv"`)
        .send(csvDocument(['member_id', 'name', 'email', 'period', 'amount_due', 'currency'], view.map((a) => [a.user.id, a.user.name, a.user.email, a.period, (a.amountDue / 100).toFixed(2), a.currency])));
      return undefined;
    }, { raw: true }),
  );
  router.post('/dues/reminders/run', endpoint({ body: runSchema }, async ({ caller, body }) => ({ enqueued: await services.runDuesStage(caller.actor, body) }), { status: 202 }));
  router.get('/dues/queue', endpoint({}, ({ caller }) => services.duesQueueState(caller.actor)));
  return router;
}
