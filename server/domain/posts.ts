import type { Actor } from '../contract/model';
import type { Post, PostComment, PostStatus } from '../contract/voice';
import type { PostRecord, PostsRepo, StoredPost } from '../db/repositories/posts';
import type { SearchRepo } from '../db/repositories/search';
import type { UsersRepo } from '../db/repositories/users';
import { invalid, notFound } from '../errors';
import { auditEntry, type AuditTrail } from './audit';
import type { OrgDirectory } from './orgDirectory';
import type { Tx } from './ports';
import { searchDoc } from './search';
import type { UnitOfWork } from './unitOfWork';

/**
 * Member blogs: drafts seen by their author only, published posts by every member of the district;
 * comments on published posts; organizers over the author feature a post; the author or an organizer over
 * them removes it (hidden, kept for the audit log). Only published posts are in the search index.
 */
export function createPostService(deps: {
  posts: PostsRepo;
  users: UsersRepo;
  search: SearchRepo;
  directory: OrgDirectory;
  uow: UnitOfWork;
  audit: AuditTrail;
  /** Throws `rate_limited` when the actor writes too fast (posts, edits, comments). */
  limit: (actor: Actor) => Promise<void>;
}) {
  const { posts, directory } = deps;

  async function load(actor: Actor, id: number): Promise<PostRecord> {
    const post = await posts.find(id);
    // A draft someone else may not read does not exist for them (404, not 403).
    if (!post || post.removed || !(await directory.policy()).can(actor, 'post.read', { authorId: post.author.id, published: post.status === 'published' })) throw notFound('post');
    return post;
  }

  async function author(post: StoredPost) {
    const found = await deps.users.findById(post.author.id);
    if (!found) throw notFound('author');
    return found;
  }

  /** The posts with what the actor may do with each (its author looked up once per page). */
  async function withMay(actor: Actor, list: StoredPost[]): Promise<Post[]> {
    const policy = await directory.policy();
    const authors = new Map((await deps.users.findManyByIds([...new Set(list.map((p) => p.author.id))])).map((u) => [u.id, u]));
    return list.map((p) => {
      const writer = authors.get(p.author.id);
      return {
        ...p,
        may: {
          edit: writer !== undefined && policy.can(actor, 'post.edit', writer),
          feature: writer !== undefined && p.status === 'published' && policy.can(actor, 'post.feature', writer),
          remove: writer !== undefined && policy.can(actor, 'post.remove', writer),
        },
      };
    });
  }
  const one = async (actor: Actor, post: StoredPost) => (await withMay(actor, [post]))[0];

  /** The post's place in the index follows its status. */
  async function index(tx: Tx, post: StoredPost): Promise<void> {
    if (post.status === 'published') await deps.search.put(tx, [searchDoc({ kind: 'post', itemId: post.id, title: post.title, body: post.body, createdAt: post.publishedAt ?? post.createdAt })]);
    else await deps.search.remove(tx, 'post', [post.id]);
  }

  return {
    async create(actor: Actor, input: { title: string; body: string; status: PostStatus }): Promise<Post> {
      await deps.limit(actor);
      const saved = await deps.uow.run(async (tx) => {
        const stored = await posts.insert(tx, { authorId: actor.id, ...input });
        await index(tx, stored);
        return stored;
      });
      return one(actor, saved);
    },

    async update(actor: Actor, id: number, change: { title?: string; body?: string; status?: PostStatus }): Promise<Post> {
      const post = await load(actor, id);
      (await directory.policy()).assert(actor, 'post.edit', await author(post));
      await deps.limit(actor);
      const saved = await deps.uow.run(async (tx) => {
        // The write holds only while the post is not removed: an edit racing a removal changes nothing.
        const stored = await posts.update(tx, id, change);
        if (!stored) throw notFound('post');
        await index(tx, stored);
        return stored;
      });
      return one(actor, saved);
    },

    async list(actor: Actor, filter: { authorId?: number; featured?: boolean; beforeId?: number; limit: number }): Promise<{ posts: Post[]; nextCursor: string | null }> {
      const list = await posts.list({ ...filter, draftsOf: filter.authorId === actor.id ? actor.id : undefined });
      const last = list.at(-1);
      return { posts: await withMay(actor, list), nextCursor: list.length === filter.limit && last ? String(last.id) : null };
    },

    async get(actor: Actor, id: number, page: { afterId?: number; limit: number }): Promise<{ post: Post; comments: PostComment[]; nextCursor: string | null }> {
      const { removed: _removed, ...post } = await load(actor, id);
      const comments = await posts.comments(id, page);
      const last = comments.at(-1);
      return { post: await one(actor, post), comments, nextCursor: comments.length === page.limit && last ? String(last.id) : null };
    },

    async comment(actor: Actor, id: number, body: string): Promise<PostComment> {
      const post = await load(actor, id);
      if (post.status !== 'published') throw invalid('comments are for published posts');
      await deps.limit(actor);
      return deps.uow.run(async (tx) => {
        const comment = await posts.addComment(tx, { postId: id, authorId: actor.id, body });
        if (!comment) throw notFound('post');
        return comment;
      });
    },

    async feature(actor: Actor, id: number, featured: boolean): Promise<Post> {
      const post = await load(actor, id);
      if (post.status !== 'published') throw invalid('only a published post is featured');
      const writer = await author(post);
      (await directory.policy()).assert(actor, 'post.feature', writer);
      const saved = await deps.uow.run(async (tx) => {
        const stored = await posts.update(tx, id, { featured });
        if (!stored) throw notFound('post');
        if (stored.featured !== post.featured) await deps.audit.append(tx, [auditEntry(actor, 'post.feature', { type: 'post', id }, writer.branchId, { before: { featured: post.featured }, after: { featured } })]);
        return stored;
      });
      return one(actor, saved);
    },

    async remove(actor: Actor, id: number): Promise<void> {
      const post = await load(actor, id);
      const writer = await author(post);
      (await directory.policy()).assert(actor, 'post.remove', writer);
      await deps.uow.run(async (tx) => {
        await posts.remove(tx, id, actor.id);
        await deps.search.remove(tx, 'post', [id]);
        if (actor.id !== writer.id) await deps.audit.append(tx, [auditEntry(actor, 'post.remove', { type: 'post', id }, writer.branchId, { before: { title: post.title, status: post.status } })]);
      });
    },
  };
}

export type PostService = ReturnType<typeof createPostService>;
