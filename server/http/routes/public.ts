import { Router } from 'express';
import { z } from 'zod';
import { rateLimited } from '../../errors';
import { idParams, text } from '../../schemas';
import type { AppServices } from '../../services';
import type { Endpoint } from '../endpoint';

export const registrationSchema = z.object({ name: text(100).min(1), contact: text(200).min(3, 'a phone number or an e-mail address') });
export const codeParams = z.object({ code: z.string().trim().regex(/^[A-Za-z0-9]{8,40}$/, 'not a registration code') });

/**
 * Meetings open to the public, without an account: the public page, registration (sharing the meeting's
 * seats), and a registration seen or cancelled by its code. Limited per address; the name and contact are
 * never logged (pino logs no bodies) nor indexed for search.
 */
export function publicRoutes(services: AppServices, endpoint: Endpoint): Router {
  const router = Router();
  const { meetings } = services;
  const limit = async (ip: string | undefined) => {
    if (services.publicLimiter && !(await services.publicLimiter.consume(`public:${ip ?? 'unknown'}`))) throw rateLimited('too many requests from this address; try again in a few minutes');
  };
  router.get('/public/meetings/:id', endpoint({ params: idParams }, async ({ params }) => ({ meeting: await meetings.publicMeeting(params.id) }), { auth: false }));
  router.post(
    '/public/meetings/:id/registrations',
    endpoint({ params: idParams, body: registrationSchema }, async ({ params, body, req }) => {
      await limit(req.ip);
      return meetings.registerPublic(params.id, body);
    }, { auth: false, status: 201 }),
  );
  router.get('/public/registrations/:code', endpoint({ params: codeParams }, async ({ params, req }) => {
    await limit(req.ip);
    return meetings.publicRegistration(params.code);
  }, { auth: false }));
  router.delete('/public/registrations/:code', endpoint({ params: codeParams }, async ({ params, req }) => {
    await limit(req.ip);
    await meetings.cancelPublic(params.code);
  }, { auth: false, status: 204 }));
  return router;
}
