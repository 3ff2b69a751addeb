import { useEffect, useState } from 'preact/hooks';
import type { Post } from '../../../../server/contract/voice';
import { apiRequest, type Me } from '../../api';
import { Notice } from '../../errors';
import { formatFullTime, t } from '../../i18n';
import { LoadMore } from '../controls';
import { tv, VoiceNav, voiceError, type Say } from './common';
import { appendPage } from './logic';

export type PostsView = 'all' | 'featured' | 'mine';

/** Members' blogs: everything published, the featured ones, or one's own (drafts included). */
export function Posts({ token, me, view }: { token: string; me: Me; view: PostsView }) {
  const [say, setSay] = useState<Say>(null);
  const [list, setList] = useState<Post[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const zone = me.user.timezone;

  async function load(cursor?: string) {
    if (!cursor) setList(null);
    const query = new URLSearchParams({ limit: '20', ...(view === 'featured' ? { featured: '1' } : {}), ...(view === 'mine' ? { authorId: String(me.user.id) } : {}), ...(cursor ? { before: cursor } : {}) });
    try {
      const page = await apiRequest<{ posts: Post[]; nextCursor?: string | null }>('GET', `/api/posts?${query}`, token);
      setList((old) => (cursor ? appendPage(old ?? [], page.posts) : page.posts));
      setNext(page.nextCursor ?? null);
    } catch (error) {
      setList((old) => old ?? []);
      setSay({ tone: 'error', text: voiceError(error) });
    }
  }
  useEffect(() => void load(), [view]);

  const views: Array<[PostsView, string, 'post.all' | 'post.featured' | 'post.mine']> = [
    ['all', '#/posts', 'post.all'],
    ['featured', '#/posts?view=featured', 'post.featured'],
    ['mine', '#/posts?view=mine', 'post.mine'],
  ];
  return (
    <main class="page" id="main" tabIndex={-1}>
      <div class="inner">
        <h1>{t('nav.posts')}</h1>
        <VoiceNav current="posts" />
        {say && <Notice tone={say.tone} onClose={() => setSay(null)}>{say.text}</Notice>}
        <div class="page-head">
          <nav class="subnav" aria-label={tv('post.views')}>
            {views.map(([id, href, label]) => (
              <a key={id} href={href} aria-current={view === id ? 'page' : undefined}>
                {tv(label)}
              </a>
            ))}
          </nav>
          <a class="button-link" href="#/posts/new">
            {tv('post.new')}
          </a>
        </div>
        {list === null && <p role="status">{t('status.loading')}</p>}
        {list?.length === 0 && <p class="empty">{tv(view === 'mine' ? 'post.noneMine' : view === 'featured' ? 'post.noneFeatured' : 'post.none')}</p>}
        <ul class="cards">
          {(list ?? []).map((p) => (
            <li key={p.id} class="card">
              <div class="card-row">
                <h2 class="grow">
                  <a href={`#/posts/${p.id}`}>{p.title}</a>
                </h2>
                {p.featured && <span class="pill featured">{tv('post.featured')}</span>}
                {p.status === 'draft' && <span class="pill draft">{tv('post.draft')}</span>}
              </div>
              <p class="excerpt">{p.body}</p>
              <p class="byline muted small">
                <span>{p.author.name}</span>
                <time dateTime={p.publishedAt ?? p.updatedAt}>{formatFullTime(p.publishedAt ?? p.updatedAt, zone)}</time>
                {p.status === 'published' && <span>{tv('post.comments', { count: p.comments })}</span>}
              </p>
            </li>
          ))}
        </ul>
        <LoadMore next={next} onMore={(cursor) => void load(cursor)} />
      </div>
    </main>
  );
}
