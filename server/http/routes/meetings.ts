import { Router } from 'express';
import { z } from 'zod';
import { MAX_CAPACITY } from '../../domain/meetings';
import { idParam, idParams, isoTime, pageQuery, positiveId, text } from '../../schemas';
import type { AppServices } from '../../services';
import type { Endpoint } from '../endpoint';
import { meetingCalendar } from '../ics';
import { publicBase } from '../publicBase';

const status = z.enum(['open', 'closed', 'cancelled']);

export const createMeetingSchema = z.object({
  hostOrgId: positiveId,
  title: text(200).min(1),
  topic: text(100).nullable().optional(),
  description: text(5000).nullable().optional(),
  startsAt: isoTime,
  endsAt: isoTime.nullable().optional(),
  location: text(300).nullable().optional(),
  online: z.boolean().optional(),
  onlineUrl: z.url({ protocol: /^https?$/, message: 'an http(s) address' }).max(500).nullable().optional(),
  capacity: z.number().int().min(1).max(MAX_CAPACITY),
  openTo: z.enum(['all', 'host', 'public']),
  trainingHours: z.number().positive().max(100).multipleOf(0.25).nullable().optional(),
});
export const updateMeetingSchema = createMeetingSchema.omit({ hostOrgId: true, openTo: true }).partial().extend({ status: status.optional() });
export const listMeetingsQuery = pageQuery.extend({
  status: status.optional(),
  orgId: idParam.optional(),
  topic: text(100).min(1).optional(),
});

/** Open meetings over HTTP: create, browse, edit (capacity, close, cancel), sign-up list, calendar file. */
export function meetingRoutes(services: AppServices, endpoint: Endpoint): Router {
  const router = Router();
  const { meetings } = services;

  router.post('/meetings', endpoint({ body: createMeetingSchema }, async ({ caller, body }) => ({ meeting: await meetings.create(caller.actor, body) }), { status: 201 }));
  router.get(
    '/meetings',
    endpoint({ query: listMeetingsQuery }, async ({ caller, query }) => {
      const { limit, before, ...filter } = query;
      const page = await meetings.list(caller.actor, filter, { limit, cursor: before });
      return { meetings: page.items, nextCursor: page.nextCursor };
    }),
  );
  router.get('/meetings/:id', endpoint({ params: idParams }, ({ caller, params }) => meetings.get(caller.actor, params.id)));
  router.patch('/meetings/:id', endpoint({ params: idParams, body: updateMeetingSchema }, async ({ caller, params, body }) => ({ meeting: await meetings.update(caller.actor, params.id, body) })));
  router.get('/meetings/:id/signups', endpoint({ params: idParams, query: pageQuery }, ({ caller, params, query }) => meetings.signups(caller.actor, params.id, { limit: query.limit, cursor: query.before })));
  router.get(
    '/meetings/:id/calendar.ics',
    endpoint({ params: idParams }, async ({ caller, params, req, res }) => {
      const { meeting } = await meetings.get(caller.actor, params.id);
      // Links lead where the page was served from, unless PUBLIC_URL names the address.
      const base = publicBase(req, services.config);
      const url = `${base}/#/meetings/${meeting.id}`;
      res
        .type('text/calendar; charset=utf-8')
        .setHeader('Content-Disposition', `attachment; filename="meeting-${meeting.id}.ics"`)
        .send(meetingCalendar(meeting, { url, host: new URL(base).host, now: services.clock.now() }));
      return undefined;
    }, { raw: true }),
  );
  return router;
}
