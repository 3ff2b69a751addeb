import { Router } from 'express';
import { z } from 'zod';
import { pageOf } from '../../util/paging';
import { MAX_GUEST_TTL_MINUTES } from '../../domain/guests';
import { iceServersFor } from '../../domain/iceServers';
import { unauthorized } from '../../errors';
import { beforeId, idParams, pageQuery, text } from '../../schemas';
import type { AppServices } from '../../services';
import { bearerToken, type Endpoint } from '../endpoint';
import { publicBase } from '../publicBase';

export const createGuestInviteSchema = z.object({
  label: text(100).min(1),
  ttlMinutes: z.number().int().min(5).max(MAX_GUEST_TTL_MINUTES).optional(),
});

/** Calls over HTTP: ICE servers, guest links, the guest's own view, the call log, whom I may call. */
export function callRoutes(services: AppServices, endpoint: Endpoint): Router {
  const router = Router();
  const { guests, calls, auth, config, sessions, commands } = services;

  router.get(
    '/ice-servers',
    endpoint({}, async ({ req }) => {
      const token = bearerToken(req);
      const user = await auth.authenticate(token);
      if (user) return iceServersFor(config, `u${user.actor.id}`);
      const guest = await guests.authenticate(token);
      if (guest) return iceServersFor(config, `g${guest.guest.inviteId}`);
      throw unauthorized();
    }, { auth: false }),
  );

  router.get(
    '/guest/me',
    endpoint({}, async ({ req }) => {
      const found = await guests.authenticate(bearerToken(req));
      if (!found) throw unauthorized('this guest link is not valid (expired or revoked)');
      return { guest: { inviteId: found.guest.inviteId, label: found.guest.name, expiresAt: found.expiresAt }, member: found.member };
    }, { auth: false }),
  );

  router.post('/guest-invites', endpoint({ body: createGuestInviteSchema }, ({ caller, body, req }) => guests.create(caller.actor, body.label, body.ttlMinutes, publicBase(req, services.config)), { status: 201 }));
  router.get('/guest-invites', endpoint({ query: pageQuery }, ({ caller, query }) => guests.list(caller.actor, { limit: query.limit, beforeId: beforeId(query.before) })));
  router.delete('/guest-invites/:id', endpoint({ params: idParams }, ({ caller, params }) => commands.revokeGuest(caller.actor, params.id), { status: 204 }));

  router.get(
    '/calls',
    endpoint({ query: pageQuery }, async ({ caller, query }) => {
      const page = await calls.log(caller.actor, { limit: query.limit, cursor: query.before });
      return { calls: page.items, nextCursor: page.nextCursor };
    }),
  );
  router.get(
    '/contacts',
    endpoint({ query: pageQuery }, async ({ caller, query }) => {
      const page = pageOf(await calls.contacts(caller.actor), query.limit, query.before);
      const online = await sessions.onlineUsers();
      return { contacts: page.items.map((p) => ({ ...p, online: online.has(p.id) })), nextCursor: page.nextCursor };
    }),
  );
  return router;
}
