import { Router } from 'express';
import { z } from 'zod';
import { TRAINING_KINDS } from '../../contract/memberLife';
import { beforeId, idParam, idParams, isoTime, pageQuery, positiveId, text } from '../../schemas';
import type { AppServices } from '../../services';
import type { Endpoint } from '../endpoint';

const hours = z.number().positive().max(1000).multipleOf(0.25, 'hours in quarters (0.25, 0.5, 1.5, …)');

export const createTrainingSchema = z.object({
  orgId: positiveId,
  title: text(200).min(1),
  kind: z.enum(TRAINING_KINDS),
  description: text(5000).nullable().optional(),
  startsAt: isoTime.nullable().optional(),
  hours,
});
export const recordTrainingSchema = z.object({ userId: positiveId, hours: hours.optional() });
export const selfReportSchema = z.object({ hours, note: text(1000).min(1, 'say what you did') });
export const rejectSchema = z.object({ note: text(1000).min(1, 'say why the record is rejected') });
export const listTrainingsQuery = pageQuery.extend({ orgId: idParam.optional() });
export const listRecordsQuery = pageQuery.extend({ status: z.enum(['pending']).default('pending'), orgId: idParam.optional(), userId: idParam.optional() });

/** Education and training: trainings per unit, members' records, self-reports and their confirmation. */
export function trainingRoutes(services: AppServices, endpoint: Endpoint): Router {
  const router = Router();
  const { trainings } = services;
  router.post('/trainings', endpoint({ body: createTrainingSchema }, async ({ caller, body }) => ({ training: await trainings.create(caller.actor, body) }), { status: 201 }));
  router.get('/trainings', endpoint({ query: listTrainingsQuery }, async ({ caller, query }) => ({ trainings: await trainings.list(caller.actor, { orgId: query.orgId, limit: query.limit, beforeId: beforeId(query.before) }) })));
  router.get('/trainings/:id', endpoint({ params: idParams }, async ({ caller, params }) => ({ training: await trainings.get(caller.actor, params.id) })));
  router.get('/trainings/:id/records', endpoint({ params: idParams, query: pageQuery }, ({ caller, params, query }) => trainings.records(caller.actor, params.id, { limit: query.limit, beforeId: beforeId(query.before) })));
  router.post('/trainings/:id/records', endpoint({ params: idParams, body: recordTrainingSchema }, async ({ caller, params, body }) => ({ record: await trainings.record(caller.actor, params.id, body) }), { status: 201 }));
  router.post('/trainings/:id/self-report', endpoint({ params: idParams, body: selfReportSchema }, async ({ caller, params, body }) => ({ record: await trainings.selfReport(caller.actor, params.id, body) }), { status: 201 }));
  router.get(
    '/training-records',
    endpoint({ query: listRecordsQuery }, async ({ caller, query }) => ({
      records:
        query.userId !== undefined
          ? await trainings.ofMember(caller.actor, query.userId, { limit: query.limit, beforeId: beforeId(query.before) })
          : await trainings.pending(caller.actor, { orgId: query.orgId, limit: query.limit, beforeId: beforeId(query.before) }),
    })),
  );
  router.post('/training-records/:id/confirm', endpoint({ params: idParams }, async ({ caller, params }) => ({ record: await trainings.decide(caller.actor, params.id, { status: 'confirmed' }) })));
  router.post('/training-records/:id/reject', endpoint({ params: idParams, body: rejectSchema }, async ({ caller, params, body }) => ({ record: await trainings.decide(caller.actor, params.id, { status: 'rejected', note: body.note }) })));
  return router;
}
