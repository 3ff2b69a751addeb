import { Router } from 'express';
import { z } from 'zod';
import { cardCsv } from '../../domain/cards';
import { idParam, idParams, pageQuery, text } from '../../schemas';
import type { AppServices } from '../../services';
import type { Endpoint } from '../endpoint';

export const lostContactQuery = pageQuery.extend({ orgId: idParam, days: z.coerce.number().int().min(1).max(3650).default(90) });
export const reportInSchema = z.object({ location: text(200).min(1), mobile: z.boolean(), note: text(1000).nullable().optional() });
export const cardQuery = z.object({ format: z.enum(['json', 'csv']).optional() });

/** Signs of life and the activity card: the lost-contact list, reporting home, the card (JSON or CSV). */
export function lifeRoutes(services: AppServices, endpoint: Endpoint): Router {
  const router = Router();
  const { life, cards } = services;

  router.get(
    '/members/lost-contact',
    endpoint({ query: lostContactQuery }, ({ caller, query }) => life.lostContact(caller.actor, query.orgId, query.days, { limit: query.limit, cursor: query.before })),
  );
  router.post('/me/report-in', endpoint({ body: reportInSchema }, async ({ caller, body }) => ({ report: await life.reportIn(caller.actor, body) }), { status: 201 }));
  router.get('/me/reports', endpoint({}, async ({ caller }) => ({ reports: await life.reports(caller.actor, caller.actor.id) })));
  router.get(
    '/members/:id/card',
    endpoint(
      { params: idParams, query: cardQuery },
      async ({ caller, params, query, res }) => {
        const card = await cards.card(caller.actor, params.id);
        if (query.format !== 'csv') return card;
        const tree = await services.directory.current();
        res
          .type('text/csv; charset=utf-8')
          .setHeader('Content-Disposition', `attachment; filename="activity-card-${params.id}.csv"`)
          .send(cardCsv(card, (id) => tree.get(id)?.name ?? `#${id}`));
        return undefined;
      },
      { raw: true },
    ),
  );
  return router;
}
