import { randomBytes } from 'node:crypto';
import type { Actor, Party } from '../contract/model';
import type { GuestInvite, GuestInvitesRepo } from '../db/repositories/guestInvites';
import { hashToken } from './auth';
import type { Clock } from './ports';

export type GuestParty = Extract<Party, { kind: 'guest' }>;

export const DEFAULT_GUEST_TTL_MINUTES = 24 * 60;
export const MAX_GUEST_TTL_MINUTES = 30 * 24 * 60;

const view = (invite: GuestInvite) => ({ id: invite.id, label: invite.label, createdAt: invite.createdAt, expiresAt: invite.expiresAt, revoked: invite.revokedAt !== null });

/**
 * Guest links: a member lets a family member call them without an account, for a while.
 * (Revoking one ends its calls and disconnects it: commands/revokeGuest.ts.)
 */
export function createGuestService(deps: { invites: GuestInvitesRepo; publicUrl: string; clock: Clock }) {
  const { invites, publicUrl, clock } = deps;

  return {
    /** A new link; `base` is the address it leads to (the one the member's page was served from). */
    async create(actor: Actor, label: string, ttlMinutes = DEFAULT_GUEST_TTL_MINUTES, base = publicUrl) {
      const token = `kg_${randomBytes(24).toString('base64url')}`;
      const expiresAt = new Date(clock.now() + ttlMinutes * 60_000).toISOString();
      const invite = await invites.insert(actor.id, label, hashToken(token), expiresAt);
      return { id: invite.id, token, url: `${base}/#/guest/${token}`, expiresAt, label };
    },

    /** A page of the actor's own links, newest first. */
    async list(actor: Actor, page: { limit: number; beforeId?: number }) {
      const list = await invites.listOf(actor.id, page);
      return { invites: list.map(view), nextCursor: list.length === page.limit ? String(list.at(-1)!.id) : null };
    },

    /** The guest behind a token, if the link is live; with the member it may call. */
    async authenticate(token: string | undefined): Promise<{ guest: GuestParty; member: { id: number; name: string }; expiresAt: string } | null> {
      if (!token || token.length > 200) return null;
      const invite = await invites.findLive(hashToken(token));
      if (!invite) return null;
      return { guest: { kind: 'guest', inviteId: invite.id, memberId: invite.memberId, name: invite.label }, member: { id: invite.memberId, name: invite.memberName }, expiresAt: invite.expiresAt };
    },

    /** The guest of a live invite, by id (for a member calling their guest). */
    async byInvite(inviteId: number): Promise<GuestParty | null> {
      const invite = await invites.find(inviteId);
      if (!invite || invite.revokedAt || invite.expiresAt <= new Date(clock.now()).toISOString()) return null;
      return { kind: 'guest', inviteId: invite.id, memberId: invite.memberId, name: invite.label };
    },
  };
}

export type GuestService = ReturnType<typeof createGuestService>;
