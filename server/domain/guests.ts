import { randomBytes } from 'node:crypto';
import type { GuestInvitesRepo } from '../db/repositories/guestInvites';
import { forbidden, notFound } from '../errors';
import { hashToken } from './auth';
import type { Actor, Party } from './types';

export type GuestParty = Extract<Party, { kind: 'guest' }>;

export const DEFAULT_GUEST_TTL_MINUTES = 24 * 60;
export const MAX_GUEST_TTL_MINUTES = 30 * 24 * 60;

/** Guest links: a member lets a family member call them without an account, for a while. */
export function createGuestService(deps: { invites: GuestInvitesRepo; publicUrl: string }) {
  const { invites, publicUrl } = deps;
  const view = (row: { id: number; label: string; created_at: string; expires_at: string; revoked_at: string | null }) => ({
    id: row.id,
    label: row.label,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revoked: row.revoked_at !== null,
  });

  return {
    async create(actor: Actor, label: string, ttlMinutes = DEFAULT_GUEST_TTL_MINUTES) {
      const token = `kg_${randomBytes(24).toString('base64url')}`;
      const expiresAt = new Date(Date.now() + ttlMinutes * 60_000).toISOString();
      const row = await invites.insert(actor.id, label, hashToken(token), expiresAt);
      return { id: row.id, token, url: `${publicUrl}/#/guest/${token}`, expiresAt, label };
    },

    async list(actor: Actor) {
      return (await invites.listOf(actor.id)).map(view);
    },

    /** Revokes one of the actor's links; the caller disconnects the guest and ends its calls. */
    async revoke(actor: Actor, id: number): Promise<GuestParty> {
      const row = await invites.find(id);
      if (!row) throw notFound('guest invite');
      if (row.member_id !== actor.id && actor.role !== 'admin') throw forbidden('this is not your guest link');
      await invites.revoke(id);
      return { kind: 'guest', inviteId: row.id, memberId: row.member_id, name: row.label };
    },

    /** The guest behind a token, if the link is live; with the member it may call. */
    async authenticate(token: string | undefined): Promise<{ guest: GuestParty; member: { id: number; name: string }; expiresAt: string } | null> {
      if (!token || token.length > 200) return null;
      const row = await invites.findLive(hashToken(token), new Date().toISOString());
      if (!row) return null;
      return { guest: { kind: 'guest', inviteId: row.id, memberId: row.member_id, name: row.label }, member: { id: row.member_id, name: row.member_name }, expiresAt: row.expires_at };
    },

    /** The guest of a live invite, by id (for a member calling their guest). */
    async byInvite(inviteId: number): Promise<GuestParty | null> {
      const row = await invites.find(inviteId);
      if (!row || row.revoked_at || row.expires_at <= new Date().toISOString()) return null;
      return { kind: 'guest', inviteId: row.id, memberId: row.member_id, name: row.label };
    },
  };
}

export type GuestService = ReturnType<typeof createGuestService>;
