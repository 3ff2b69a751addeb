import type { Actor } from '../contract/model';
import { conflict, notFound } from '../errors';
import type { CommandDeps } from './deps';
import { auditEntry } from '../domain/audit';

/**
 * Deactivates a member (an organizer over them, or the admin): the account, its tokens and its guest links
 * are revoked in one transaction; then, at once and on every process, their sockets are disconnected, their
 * guests' sockets too, and every call of theirs and of their guests ends. Their organizer roles lapse with
 * the account. The last active admin cannot be deactivated.
 */
export async function deactivateMember(deps: CommandDeps, actor: Actor, userId: number): Promise<void> {
  const { repos, directory, uow, sessions, calls } = deps;
  const user = await repos.users.findById(userId);
  if (!user || !user.active) throw notFound('member');
  (await directory.policy()).assert(actor, 'member.deactivate', user);
  await uow.run(async (tx, effects) => {
    if (user.role === 'admin' && (await repos.users.countActiveAdmins(tx)) <= 1) throw conflict('the last active admin cannot be deactivated');
    await repos.users.deactivate(userId, tx);
    // A transfer under way ends with the account: nobody is left to decide on a member who is gone.
    const pending = await repos.transfers.pendingOf(userId, tx);
    if (pending) await repos.transfers.advance(tx, pending.id, pending.status, 'withdrawn', { action: 'withdrawn', by: actor.id, note: 'account deactivated' });
    await repos.memberLife.setInTransit(tx, userId, false);
    await deps.audit.append(tx, [auditEntry(actor, 'member.deactivate', { type: 'user', id: userId }, user.branchId, { before: { status: user.status }, after: { status: 'deactivated' } })]);
    await repos.tokens.revokeAllOf(userId, tx);
    const guests = await repos.guestInvites.revokeAllOf(userId, tx);
    effects.afterCommit(() => directory.changed());
    effects.afterCommit(() => sessions.sync(userId));
    effects.afterCommit(async () => {
      await calls.endAllOf({ kind: 'user', id: userId, name: user.name }, 'revoked');
      for (const inviteId of guests) {
        sessions.disconnectGuest(inviteId);
        await calls.endAllOf({ kind: 'guest', inviteId, memberId: userId, name: '' }, 'revoked');
      }
    });
  });
}
