import type { Knex } from 'knex';
import type { Notification, NotificationKind } from '../../contract/notifications';
import type { Clock, Tx } from '../../domain/ports';
import { within } from '../tx';

interface NotificationRow {
  id: number;
  user_id: number;
  kind: string;
  title: string;
  body: string;
  data: string;
  created_at: string;
  read_at: string | null;
}

const toNotification = (row: NotificationRow): Notification =>
  ({
    id: row.id,
    kind: row.kind as NotificationKind,
    title: row.title,
    body: row.body,
    data: JSON.parse(row.data),
    createdAt: row.created_at,
    readAt: row.read_at,
  }) as Notification;

/** A stored notification and whom it is for. */
export type AddressedNotification = Notification & { userId: number };

/** A notification ready to store: its text already rendered in the reader's language. */
export interface NotificationRecord {
  userId: number;
  kind: NotificationKind;
  title: string;
  body: string;
  data: object;
  groupKey?: string;
}

export function createNotificationsRepo(knex: Knex, read: Knex = knex, clock: Clock = { now: Date.now }) {
  const now = () => new Date(clock.now()).toISOString();
  return {
    /** Stores notifications inside the caller's transaction (so they commit with what caused them). */
    async insertMany(tx: Tx, items: NotificationRecord[]): Promise<AddressedNotification[]> {
      const out: AddressedNotification[] = [];
      const at = now();
      for (let i = 0; i < items.length; i += 200) {
        const slice = items.slice(i, i + 200);
        const rows: NotificationRow[] = await within(tx, knex)('notifications')
          .insert(slice.map((n) => ({ user_id: n.userId, kind: n.kind, title: n.title, body: n.body, data: JSON.stringify(n.data), group_key: n.groupKey ?? null, created_at: at })))
          .returning('*');
        out.push(...rows.map((row) => ({ ...toNotification(row), userId: row.user_id })));
      }
      return out;
    },
    /** The user's latest notification of a group created since `since`, if any (to coalesce into it). */
    async latestOfGroup(tx: Tx, userId: number, groupKey: string, since: string): Promise<AddressedNotification | null> {
      const row: NotificationRow | undefined = await within(tx, knex)('notifications')
        .where({ user_id: userId, group_key: groupKey })
        .andWhere('created_at', '>=', since)
        .orderBy('id', 'desc')
        .first();
      return row ? { ...toNotification(row), userId: row.user_id } : null;
    },
    /** Rewrites a coalesced notification (new count, new text) and marks it unread again. */
    async rewrite(tx: Tx, id: number, change: { title: string; body: string; data: object }): Promise<AddressedNotification> {
      const [row]: NotificationRow[] = await within(tx, knex)('notifications')
        .where({ id })
        .update({ title: change.title, body: change.body, data: JSON.stringify(change.data), read_at: null })
        .returning('*');
      return { ...toNotification(row), userId: row.user_id };
    },
    /** Newest first, `limit` of them, older than the notification `beforeId`. */
    async list(userId: number, opts: { unreadOnly: boolean; limit: number; beforeId?: number }): Promise<Notification[]> {
      const query = read('notifications').where({ user_id: userId }).orderBy('id', 'desc').limit(opts.limit);
      if (opts.unreadOnly) query.whereNull('read_at');
      if (opts.beforeId !== undefined) query.where('id', '<', opts.beforeId);
      return ((await query) as NotificationRow[]).map(toNotification);
    },
    async unreadCount(userId: number): Promise<number> {
      const [row] = await read('notifications').where({ user_id: userId }).whereNull('read_at').count<{ n: string | number }[]>('* as n');
      return Number(row.n);
    },
    async markAllRead(userId: number): Promise<number> {
      return knex('notifications').where({ user_id: userId }).whereNull('read_at').update({ read_at: now() });
    },
    async markRead(userId: number, id: number): Promise<number> {
      const found = await knex('notifications').where({ id, user_id: userId }).first('id', 'read_at');
      if (!found) return 0;
      if (!found.read_at) await knex('notifications').where({ id }).update({ read_at: now() });
      return 1;
    },
  };
}

export type NotificationsRepo = ReturnType<typeof createNotificationsRepo>;
