import type { Actor } from '../contract/model';
import { notFound } from '../errors';
import type { CommandDeps } from './deps';

/** Revokes a guest link (its member, or the admin): the guest is disconnected and its calls end, at once. */
export async function revokeGuest(deps: CommandDeps, actor: Actor, inviteId: number): Promise<void> {
  const { repos, directory, sessions, calls } = deps;
  const invite = await repos.guestInvites.find(inviteId);
  if (!invite) throw notFound('guest invite');
  (await directory.policy()).assert(actor, 'guest.manage', invite);
  await repos.guestInvites.revoke(inviteId);
  await calls.endAllOf({ kind: 'guest', inviteId, memberId: invite.memberId, name: invite.label }, 'revoked');
  sessions.disconnectGuest(inviteId);
}
