import type { Knex } from 'knex';
import type { Post, PostComment, PostStatus } from '../../contract/voice';
import type { Clock, Tx } from '../../domain/ports';
import { within } from '../tx';

interface PostRow {
  id: number;
  author_id: number;
  author_name: string;
  title: string;
  body: string;
  status: string;
  featured: number | boolean;
  published_at: string | null;
  comments: number;
  created_at: string;
  updated_at: string;
  removed_at: string | null;
}

/** A post as stored (what the caller may do with it is the service's to say). */
export type StoredPost = Omit<Post, 'may'>;

const toPost = (r: PostRow): StoredPost => ({
  id: r.id, author: { id: r.author_id, name: r.author_name }, title: r.title, body: r.body, status: r.status as PostStatus, featured: Boolean(r.featured),
  publishedAt: r.published_at, comments: r.comments, createdAt: r.created_at, updatedAt: r.updated_at,
});

/** A stored post: the public shape and whether it was removed (kept for the audit log). */
export type PostRecord = StoredPost & { removed: boolean };

/** Member blogs: posts (drafts and published) and their comments. */
export function createPostsRepo(knex: Knex, read: Knex = knex, clock: Clock = { now: Date.now }) {
  const now = () => new Date(clock.now()).toISOString();
  const posts = (db: Knex) => db('posts as p').join('users as u', 'u.id', 'p.author_id').select('p.*', 'u.name as author_name');

  return {
    async insert(tx: Tx, p: { authorId: number; title: string; body: string; status: PostStatus }): Promise<StoredPost> {
      const db = within(tx, knex);
      const at = now();
      const [row] = await db('posts').insert({ author_id: p.authorId, title: p.title, body: p.body, status: p.status, published_at: p.status === 'published' ? at : null, created_at: at, updated_at: at }).returning('id');
      return toPost(await posts(db).where('p.id', typeof row === 'object' ? row.id : row).first());
    },
    async find(id: number, tx?: Tx): Promise<PostRecord | null> {
      const row: PostRow | undefined = await posts(within(tx, read)).where('p.id', id).first();
      return row ? { ...toPost(row), removed: row.removed_at !== null } : null;
    },
    /**
     * Edits a post that is not removed (null if it is: the update is conditional, so an edit racing a removal
     * loses); publishing for the first time sets `published_at` (a post taken back to draft keeps it).
     */
    async update(tx: Tx, id: number, changes: { title?: string; body?: string; status?: PostStatus; featured?: boolean }): Promise<StoredPost | null> {
      const db = within(tx, knex);
      const update: Record<string, unknown> = { updated_at: now() };
      for (const key of ['title', 'body', 'status', 'featured'] as const) if (changes[key] !== undefined) update[key] = changes[key];
      if (changes.status === 'published') update.published_at = db.raw('coalesce(published_at, ?)', [now()]);
      if ((await db('posts').where({ id }).whereNull('removed_at').update(update)) === 0) return null;
      return toPost(await posts(db).where('p.id', id).first());
    },
    async remove(tx: Tx, id: number, by: number): Promise<void> {
      await within(tx, knex)('posts').where({ id }).whereNull('removed_at').update({ removed_at: now(), removed_by: by });
    },
    /** Published posts (or, with `draftsOf`, that author's drafts too), newest first. */
    async list(opts: { authorId?: number; featured?: boolean; draftsOf?: number; beforeId?: number; limit: number }): Promise<StoredPost[]> {
      const q = posts(read).whereNull('p.removed_at').orderBy('p.id', 'desc').limit(opts.limit);
      q.where((w) => {
        w.where('p.status', 'published');
        if (opts.draftsOf !== undefined) w.orWhere((d) => d.where('p.status', 'draft').andWhere('p.author_id', opts.draftsOf!));
      });
      if (opts.authorId !== undefined) q.where('p.author_id', opts.authorId);
      if (opts.featured) q.where('p.featured', true);
      if (opts.beforeId !== undefined) q.where('p.id', '<', opts.beforeId);
      return ((await q) as PostRow[]).map(toPost);
    },
    /** A comment on a published post that is not removed (null otherwise; the count is bumped first, as the lock). */
    async addComment(tx: Tx, c: { postId: number; authorId: number; body: string }): Promise<PostComment | null> {
      const db = within(tx, knex);
      if ((await db('posts').where({ id: c.postId, status: 'published' }).whereNull('removed_at').update({ comments: db.raw('comments + 1') })) === 0) return null;
      const [row] = await db('post_comments').insert({ post_id: c.postId, author_id: c.authorId, body: c.body, created_at: now() }).returning('id');
      const saved = await db('post_comments as c').join('users as u', 'u.id', 'c.author_id').where('c.id', typeof row === 'object' ? row.id : row).first('c.*', 'u.name as author_name');
      return { id: saved.id, postId: saved.post_id, author: { id: saved.author_id, name: saved.author_name }, body: saved.body, createdAt: saved.created_at };
    },
    async comments(postId: number, opts: { afterId?: number; limit: number }): Promise<PostComment[]> {
      const q = read('post_comments as c').join('users as u', 'u.id', 'c.author_id').where('c.post_id', postId).orderBy('c.id').limit(opts.limit).select('c.*', 'u.name as author_name');
      if (opts.afterId !== undefined) q.where('c.id', '>', opts.afterId);
      return ((await q) as Array<{ id: number; post_id: number; author_id: number; author_name: string; body: string; created_at: string }>).map((c) => ({
        id: c.id, postId: c.post_id, author: { id: c.author_id, name: c.author_name }, body: c.body, createdAt: c.created_at,
      }));
    },
  };
}

export type PostsRepo = ReturnType<typeof createPostsRepo>;
