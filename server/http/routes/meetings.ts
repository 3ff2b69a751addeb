import { Router } from 'express';
import { z } from 'zod';
import type { AppServices } from '../../app';
import { MAX_CAPACITY } from '../../domain/meetings';
import type { Endpoint } from '../endpoint';
import { meetingCalendar } from '../ics';

const id = z.coerce.number().int().positive().max(2 ** 31 - 1);
const isoTime = z.iso.datetime({ offset: true }).transform((t) => new Date(t).toISOString());
const text = (max: number) => z.string().trim().max(max);

export const createMeetingSchema = z.object({
  hostOrgId: z.number().int().positive(),
  title: text(200).min(1),
  topic: text(100).nullable().optional(),
  description: text(5000).nullable().optional(),
  startsAt: isoTime,
  endsAt: isoTime.nullable().optional(),
  location: text(300).nullable().optional(),
  online: z.boolean().optional(),
  capacity: z.number().int().min(1).max(MAX_CAPACITY),
  openTo: z.enum(['all', 'host']),
});
export const updateMeetingSchema = createMeetingSchema
  .omit({ hostOrgId: true, openTo: true })
  .partial()
  .extend({ status: z.enum(['open', 'closed', 'cancelled']).optional() });
export const listMeetingsQuery = z.object({
  status: z.enum(['open', 'closed', 'cancelled']).optional(),
  orgId: id.optional(),
  topic: text(100).min(1).optional(),
});

/** Open meetings over HTTP: create, browse, edit (capacity, close, cancel), sign-up list, calendar file. */
export function meetingRoutes(services: AppServices, endpoint: Endpoint): Router {
  const router = Router();
  const { meetings } = services;
  const params = z.object({ id });

  router.post('/meetings', endpoint({ body: createMeetingSchema }, async ({ caller, body }) => ({ meeting: await meetings.create(caller.actor, body) }), { status: 201 }));
  router.get('/meetings', endpoint({ query: listMeetingsQuery }, async ({ caller, query }) => ({ meetings: await meetings.list(caller.actor, query) })));
  router.get('/meetings/:id', endpoint({ params }, ({ caller, params }) => meetings.get(caller.actor, params.id)));
  router.patch('/meetings/:id', endpoint({ params, body: updateMeetingSchema }, async ({ caller, params, body }) => ({ meeting: await meetings.update(caller.actor, params.id, body) })));
  router.get('/meetings/:id/signups', endpoint({ params }, async ({ caller, params }) => ({ signups: await meetings.signups(caller.actor, params.id) })));
  router.get(
    '/meetings/:id/calendar.ics',
    endpoint({ params }, async ({ caller, params, res }) => {
      const { meeting } = await meetings.get(caller.actor, params.id);
      const url = `${services.config.publicUrl}/#/meetings/${meeting.id}`;
      res
        .type('text/calendar; charset=utf-8')
        .setHeader('Content-Disposition', `attachment; filename="meeting-${meeting.id}.ics"`)
        .send(meetingCalendar(meeting, { url, host: new URL(services.config.publicUrl).host }));
      return undefined;
    }, { status: 200, raw: true }),
  );
  return router;
}
