import { Router } from 'express';
import { z } from 'zod';
import type { AppServices } from '../../app';
import { MAX_GUEST_TTL_MINUTES } from '../../domain/guests';
import { iceServersFor } from '../../domain/iceServers';
import { unauthorized } from '../../errors';
import { bearerToken, type Endpoint } from '../endpoint';

export const createGuestInviteSchema = z.object({
  label: z.string().trim().min(1).max(100),
  ttlMinutes: z.number().int().min(5).max(MAX_GUEST_TTL_MINUTES).optional(),
});

/** Calls over HTTP: ICE servers, guest links, the guest's own view, the call log, whom I may call. */
export function callRoutes(services: AppServices, endpoint: Endpoint): Router {
  const router = Router();
  const { guests, calls, auth, config, hub } = services;

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

  router.post('/guest-invites', endpoint({ body: createGuestInviteSchema }, ({ caller, body }) => guests.create(caller.actor, body.label, body.ttlMinutes), { status: 201 }));
  router.get('/guest-invites', endpoint({}, async ({ caller }) => ({ invites: await guests.list(caller.actor) })));
  router.delete(
    '/guest-invites/:id',
    endpoint({ params: z.object({ id: z.coerce.number().int().positive() }) }, async ({ caller, params }) => {
      const guest = await guests.revoke(caller.actor, params.id);
      await calls.endAllOf(guest, 'revoked');
      hub.disconnectGuest(guest.inviteId);
    }, { status: 204 }),
  );

  router.get('/calls', endpoint({}, async ({ caller }) => ({ calls: await calls.log(caller.actor) })));
  router.get(
    '/contacts',
    endpoint({}, async ({ caller }) => {
      const people = await calls.contacts(caller.actor);
      const online = await hub.onlineUsers();
      return { contacts: people.map((p) => ({ ...p, online: online.has(p.id) })) };
    }),
  );
  return router;
}
