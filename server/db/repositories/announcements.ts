import type { Knex } from 'knex';
import type { UserRef } from '../../contract/model';
import type { Announcement } from '../../contract/voice';
import type { Clock, Tx } from '../../domain/ports';
import { within } from '../tx';

interface AnnouncementRow {
  id: number;
  org_id: number;
  author_id: number;
  author_name: string;
  title: string;
  body: string;
  pinned_until: string | null;
  audience: number;
  read_count: number;
  created_at: string;
  read_at?: string | null;
  addressee?: number | null;
}

const toAnnouncement = (r: AnnouncementRow): Announcement => ({
  id: r.id,
  orgId: r.org_id,
  author: { id: r.author_id, name: r.author_name },
  title: r.title,
  body: r.body,
  pinnedUntil: r.pinned_until,
  createdAt: r.created_at,
  readAt: r.read_at ?? null,
  addressed: r.addressee !== null && r.addressee !== undefined,
  audience: r.audience,
  read: r.read_count,
});

/** Announcements, their audience (fixed when published) and who has read them. */
export function createAnnouncementsRepo(knex: Knex, read: Knex = knex, clock: Clock = { now: Date.now }) {
  const now = () => new Date(clock.now()).toISOString();
  /** Announcements with the author's name and, for `userId`, when they read it. */
  const base = (db: Knex, userId: number) =>
    db('announcements as a')
      .join('users as u', 'u.id', 'a.author_id')
      .leftJoin('announcement_reads as r', (j) => j.on('r.announcement_id', 'a.id').andOn('r.user_id', db.raw('?', [userId])))
      .select('a.*', 'u.name as author_name', 'r.read_at', 'r.user_id as addressee');

  return {
    /** Publishes: the announcement and one row per addressee, in the caller's transaction. */
    async insert(tx: Tx, a: { orgId: number; authorId: number; title: string; body: string; pinnedUntil: string | null; audience: number[] }): Promise<number> {
      const db = within(tx, knex);
      const [row] = await db('announcements')
        .insert({ org_id: a.orgId, author_id: a.authorId, title: a.title, body: a.body, pinned_until: a.pinnedUntil, audience: a.audience.length, read_count: 0, created_at: now() })
        .returning('id');
      const id: number = typeof row === 'object' ? row.id : row;
      for (let i = 0; i < a.audience.length; i += 500) {
        await db('announcement_reads').insert(a.audience.slice(i, i + 500).map((userId) => ({ announcement_id: id, user_id: userId })));
      }
      return id;
    },
    async find(id: number, userId: number, tx?: Tx): Promise<Announcement | null> {
      const row: AnnouncementRow | undefined = await base(within(tx, read), userId).where('a.id', id).first();
      return row ? toAnnouncement(row) : null;
    },
    /**
     * Those addressed to the user or published in `orgIds`, optionally of one unit: on the first page the
     * still-pinned ones first, then the rest newest first (paged by id).
     */
    async list(userId: number, opts: { orgIds: number[]; onlyOrg?: number; beforeId?: number; limit: number }): Promise<{ pinned: Announcement[]; rest: Announcement[] }> {
      const at = now();
      const visible = (q: Knex.QueryBuilder) => {
        q.where((w) => {
          w.whereExists(read('announcement_reads as x').whereRaw('x.announcement_id = a.id').andWhere('x.user_id', userId).select(read.raw('1')));
          if (opts.orgIds.length > 0) w.orWhereIn('a.org_id', opts.orgIds);
        });
        if (opts.onlyOrg !== undefined) q.where('a.org_id', opts.onlyOrg);
        return q;
      };
      const pinned = opts.beforeId === undefined ? ((await visible(base(read, userId)).where('a.pinned_until', '>', at).orderBy('a.id', 'desc').limit(20)) as AnnouncementRow[]) : [];
      const rest = visible(base(read, userId)).where((w) => w.whereNull('a.pinned_until').orWhere('a.pinned_until', '<=', at)).orderBy('a.id', 'desc').limit(opts.limit);
      if (opts.beforeId !== undefined) rest.where('a.id', '<', opts.beforeId);
      return { pinned: pinned.map(toAnnouncement), rest: ((await rest) as AnnouncementRow[]).map(toAnnouncement) };
    },
    /** Marks the addressee's read once; true if this was the first read (the count went up). */
    async markRead(tx: Tx, id: number, userId: number): Promise<boolean> {
      const db = within(tx, knex);
      const changed = await db('announcement_reads').where({ announcement_id: id, user_id: userId }).whereNull('read_at').update({ read_at: now() });
      if (changed === 0) return false;
      await db('announcements').where({ id }).increment('read_count', 1);
      return true;
    },
    /** The latest announcements of these units (their watchers are re-checked when the units move). */
    async idsIn(orgIds: number[], limit = 1000): Promise<number[]> {
      if (orgIds.length === 0) return [];
      return ((await read('announcements').whereIn('org_id', orgIds).orderBy('id', 'desc').limit(limit).select('id')) as Array<{ id: number }>).map((r) => r.id);
    },
    async counts(id: number): Promise<{ audience: number; read: number } | null> {
      const row = await read('announcements').where({ id }).first('audience', 'read_count');
      return row ? { audience: row.audience, read: row.read_count } : null;
    },
    /** A page of the addressees who have not read it yet, by id. */
    async unread(id: number, opts: { afterId?: number; limit: number }): Promise<UserRef[]> {
      const q = read('announcement_reads as r').join('users as u', 'u.id', 'r.user_id').where('r.announcement_id', id).whereNull('r.read_at').orderBy('u.id').limit(opts.limit).select('u.id', 'u.name');
      if (opts.afterId !== undefined) q.where('u.id', '>', opts.afterId);
      return (await q) as UserRef[];
    },
  };
}

export type AnnouncementsRepo = ReturnType<typeof createAnnouncementsRepo>;
