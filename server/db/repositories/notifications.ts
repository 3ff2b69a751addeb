import type { Knex } from 'knex';
import type { Notification } from '../../domain/types';

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

const toNotification = (row: NotificationRow): Notification => ({
  id: row.id,
  kind: row.kind,
  title: row.title,
  body: row.body,
  data: JSON.parse(row.data) as Record<string, unknown>,
  createdAt: row.created_at,
  readAt: row.read_at,
});

export interface NewNotification {
  userId: number;
  kind: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
}

export function createNotificationsRepo(knex: Knex, read: Knex = knex) {
  return {
    /** Stores notifications inside the caller's transaction (so they commit with what caused them). */
    async insertMany(trx: Knex | Knex.Transaction, items: NewNotification[]): Promise<Array<Notification & { userId: number }>> {
      const out: Array<Notification & { userId: number }> = [];
      const now = new Date().toISOString();
      for (let i = 0; i < items.length; i += 200) {
        const slice = items.slice(i, i + 200);
        const rows: NotificationRow[] = await trx('notifications')
          .insert(slice.map((n) => ({ user_id: n.userId, kind: n.kind, title: n.title, body: n.body, data: JSON.stringify(n.data), created_at: now })))
          .returning('*');
        out.push(...rows.map((row) => ({ ...toNotification(row), userId: row.user_id })));
      }
      return out;
    },
    /** Stores notifications on their own (no surrounding transaction). */
    async add(items: NewNotification[]): Promise<Array<Notification & { userId: number }>> {
      return this.insertMany(knex, items);
    },
    async list(userId: number, unreadOnly: boolean, limit = 100): Promise<Notification[]> {
      const query = read('notifications').where({ user_id: userId }).orderBy('id', 'desc').limit(limit);
      if (unreadOnly) query.whereNull('read_at');
      return ((await query) as NotificationRow[]).map(toNotification);
    },
    async unreadCount(userId: number): Promise<number> {
      const [row] = await read('notifications').where({ user_id: userId }).whereNull('read_at').count<{ n: string | number }[]>('* as n');
      return Number(row.n);
    },
    async markRead(userId: number, id: number): Promise<number> {
      const found = await knex('notifications').where({ id, user_id: userId }).first('id', 'read_at');
      if (!found) return 0;
      if (!found.read_at) await knex('notifications').where({ id }).update({ read_at: new Date().toISOString() });
      return 1;
    },
  };
}

export type NotificationsRepo = ReturnType<typeof createNotificationsRepo>;
