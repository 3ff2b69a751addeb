import { Router } from 'express';
import { z } from 'zod';
import type { AppServices } from '../../app';
import { isPeriod } from '../../domain/dues';
import { DUES_STAGES } from '../../domain/duesSchedule';
import type { Endpoint } from '../endpoint';

const id = z.coerce.number().int().positive().max(2 ** 31 - 1);
const period = z.string().refine(isPeriod, 'period must be YYYY-MM');
const amount = z.number().int().min(0).max(100_000_000);
const currency = z.string().regex(/^[A-Z]{3}$/, 'a three-letter currency code').optional();

export const rateSchema = z.object({ monthlyAmount: amount, currency, effectiveFrom: period.optional() });
export const paymentSchema = z.object({ period, amount: amount.min(1), reference: z.string().trim().min(1).max(100), currency });
export const correctionSchema = z.object({ userId: z.number().int().positive(), period, amount: z.number().int().min(-100_000_000).max(100_000_000), note: z.string().trim().min(1).max(300) });
export const arrearsQuery = z.object({ orgId: id, period, format: z.enum(['json', 'csv']).optional() });
export const runSchema = z.object({ period, stage: z.enum(DUES_STAGES as [string, ...string[]]).transform((s) => s as (typeof DUES_STAGES)[number]), orgId: z.number().int().positive().optional() });

const csvCell = (value: string | number) => {
  const text = String(value);
  // Quote, and defuse spreadsheet formulas.
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** Dues: rates, the member's ledger and payments, corrections, arrears (JSON or CSV), reminder runs, queue state. */
export function duesRoutes(services: AppServices, endpoint: Endpoint): Router {
  const router = Router();
  const { dues } = services;

  router.put('/dues/rates/:userId', endpoint({ params: z.object({ userId: id }), body: rateSchema }, async ({ caller, params, body }) => ({ rate: await dues.setRate(caller.actor, params.userId, body) })));
  router.put('/dues/unit-rates/:orgId', endpoint({ params: z.object({ orgId: id }), body: rateSchema }, async ({ caller, params, body }) => ({ rate: await dues.setUnitRate(caller.actor, params.orgId, body) })));
  router.get('/dues/me', endpoint({}, ({ caller }) => dues.ledger(caller.actor.id)));
  router.get(
    '/dues/members/:id',
    endpoint({ params: z.object({ id }) }, ({ caller, params }) => dues.ledgerFor(caller.actor, params.id)),
  );
  router.post('/dues/payments', endpoint({ body: paymentSchema }, async ({ caller, body }) => ({ payment: await dues.pay(caller.actor, body) }), { status: 201 }));
  router.post('/dues/corrections', endpoint({ body: correctionSchema }, async ({ caller, body }) => ({ payment: await dues.correct(caller.actor, body) }), { status: 201 }));
  router.get(
    '/dues/arrears',
    endpoint({ query: arrearsQuery }, async ({ caller, query, res }) => {
      const members = await dues.arrears(caller.actor, query.orgId, query.period);
      if (query.format !== 'csv') return { members: members.map((a) => ({ user: a.user, period: a.period, amountDue: a.amountDue, currency: a.currency })) };
      const lines = [['member_id', 'name', 'email', 'period', 'amount_due', 'currency'].join(','), ...members.map((a) => [a.user.id, a.user.name, a.user.email, a.period, (a.amountDue / 100).toFixed(2), a.currency].map(csvCell).join(','))];
      res
        .type('text/csv; charset=utf-8')
        .setHeader('Content-Disposition', `attachment; filename="arrears-${query.orgId}-${query.period}.csv"`)
        .send(`\uFEFF${lines.join('\r\n')}\r\n`);
      return undefined;
    }, { raw: true }),
  );
  router.post(
    '/dues/reminders/run',
    endpoint({ body: runSchema }, async ({ caller, body }) => ({ enqueued: await services.runDuesStage(caller.actor, body) }), { status: 202 }),
  );
  router.get(
    '/dues/queue',
    endpoint({}, ({ caller }) => services.duesQueueState(caller.actor)),
  );
  return router;
}
