import { Router } from 'express';
import { z } from 'zod';
import { idParams, text } from '../../schemas';
import type { AppServices } from '../../services';
import type { Endpoint } from '../endpoint';

export const registrationSchema = z.object({ name: text(100).min(1), contact: text(200).min(3, 'a phone number or an e-mail address') });
export const codeParams = z.object({ code: z.string().trim().regex(/^[A-Za-z0-9]{8,40}$/, 'not a registration code') });

/**
 * Meetings open to the public, without an account: the public page, registration (sharing the meeting's
 * seats), and a registration seen or cancelled by its code, limited per address by the domain; the name and
 * contact are never logged (pino logs no bodies) nor indexed for search.
 */
export function publicRoutes(services: AppServices, endpoint: Endpoint): Router {
  const router = Router();
  const { meetings } = services;
  router.get('/public/meetings/:id', endpoint({ params: idParams }, async ({ params }) => ({ meeting: await meetings.publicMeeting(params.id) }), { auth: false }));
  router.post(
    '/public/meetings/:id/registrations',
    endpoint({ params: idParams, body: registrationSchema }, ({ params, body, req }) => meetings.registerPublic(params.id, body, req.ip ?? 'unknown'), { auth: false, status: 201 }),
  );
  router.get('/public/registrations/:code', endpoint({ params: codeParams }, ({ params, req }) => meetings.publicRegistration(params.code, req.ip ?? 'unknown'), { auth: false }));
  router.delete('/public/registrations/:code', endpoint({ params: codeParams }, ({ params, req }) => meetings.cancelPublic(params.code, req.ip ?? 'unknown'), { auth: false, status: 204 }));
  return router;
}
