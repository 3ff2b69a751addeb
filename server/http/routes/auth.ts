import { Router } from 'express';
import { z } from 'zod';
import { orgRoomId } from '../../contract/events';
import type { AppServices } from '../../services';
import type { Endpoint } from '../endpoint';

export const loginSchema = z.object({ email: z.string().trim().max(320), password: z.string().max(200) });

/** Sign-in, sign-out and who am I. */
export function authRoutes(services: AppServices, endpoint: Endpoint): Router {
  const router = Router();

  router.post(
    '/auth/login',
    endpoint({ body: loginSchema }, ({ body, req }) => services.auth.login(body.email, body.password, req.ip ?? 'unknown'), { auth: false }),
  );

  router.post('/auth/logout', endpoint({}, ({ caller }) => services.auth.logout(caller.actor.tokenId), { status: 204 }));

  router.get(
    '/me',
    endpoint({}, async ({ caller }) => {
      const policy = await services.directory.policy();
      const rooms = policy.tree
        .all()
        .filter((org) => policy.can(caller.actor, 'room.use', org.id))
        .map((org) => ({ id: orgRoomId(org.id), name: org.name, kind: org.kind, moderator: policy.can(caller.actor, 'room.moderate', org.id) }));
      return { user: caller.user, organizerOf: policy.tree.organizerOf(caller.actor.id), rooms };
    }),
  );

  return router;
}
