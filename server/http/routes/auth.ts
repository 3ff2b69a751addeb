import { Router } from 'express';
import { z } from 'zod';
import type { AppServices } from '../../services';
import type { Endpoint } from '../endpoint';

export const loginSchema = z.object({ email: z.string().trim().max(320), password: z.string().max(200) });

/** Sign-in, sign-out and who am I. */
export function authRoutes(services: AppServices, endpoint: Endpoint): Router {
  const router = Router();

  // The answer carries the first screen too (rooms, the home room's latest messages): one round trip on a slow link.
  router.post(
    '/auth/login',
    endpoint({ body: loginSchema }, async ({ body, req }) => {
      const signedIn = await services.auth.login(body.email, body.password, req.ip ?? 'unknown');
      const found = await services.auth.authenticate(signedIn.token);
      return { ...signedIn, ...(found ? await services.profile.firstScreen(found.actor, found.user) : {}) };
    }, { auth: false }),
  );

  router.post('/auth/logout', endpoint({}, ({ caller }) => services.auth.logout(caller.actor.tokenId), { status: 204 }));

  router.get(
    '/me',
    endpoint({}, ({ caller }) => services.profile.profile(caller.actor, caller.user)),
  );

  return router;
}
