import { Router } from 'express';
import { z } from 'zod';
import type { AppServices } from '../../app';
import type { Endpoint } from '../endpoint';

export const loginSchema = z.object({ email: z.string().trim().max(320), password: z.string().max(200) });

/** Sign-in, sign-out and who am I. */
export function authRoutes(services: AppServices, endpoint: Endpoint): Router {
  const router = Router();

  router.post(
    '/auth/login',
    endpoint({ body: loginSchema }, ({ body, req }) => services.auth.login(body.email, body.password, req.ip ?? 'unknown'), { auth: false }),
  );

  router.post(
    '/auth/logout',
    endpoint({}, async ({ caller }) => {
      await services.auth.logout(caller.actor.tokenId);
      services.hub.disconnectToken(caller.actor.tokenId);
    }, { status: 204 }),
  );

  router.get(
    '/me',
    endpoint({}, async ({ caller }) => {
      const tree = await services.directory.current();
      const rooms = tree
        .all()
        .filter((org) => tree.canUseOrgRoom(caller.actor, org.id))
        .map((org) => ({ id: `org:${org.id}`, name: org.name, kind: org.kind, moderator: tree.canManage(caller.actor, org.id) }));
      return { user: caller.user, organizerOf: tree.organizerOf(caller.actor.id), rooms };
    }),
  );

  return router;
}
