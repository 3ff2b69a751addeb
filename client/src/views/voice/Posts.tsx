import { useState } from 'preact/hooks';
import type { Post } from '../../../../server/contract/voice';
import { apiRequest, type Me } from '../../api';
import { t } from '../../i18n';
import { Page, Said, SubNav, type Say } from '../controls';
import { Card, Cards, usePagedList } from '../lists';
import { Byline, tv, VoiceNav, voiceError } from './common';

export type PostsView = 'all' | 'featured' | 'mine';

/** Members' blogs: everything published, the featured ones, or one's own (drafts included). */
export function Posts({ token, me, view }: { token: string; me: Me; view: PostsView }) {
  const [say, setSay] = useState<Say>(null);
  const params = new URLSearchParams({ limit: '20', ...(view === 'featured' ? { featured: '1' } : {}), ...(view === 'mine' ? { authorId: String(me.user.id) } : {}) });
  const posts = usePagedList<Post>(token, `/api/posts?${params}`, 'posts', (error) => setSay({ tone: 'error', text: voiceError(error) }));
  const zone = me.user.timezone;

  const views: Array<[PostsView, string, 'post.all' | 'post.featured' | 'post.mine']> = [
    ['all', '#/posts', 'post.all'],
    ['featured', '#/posts?view=featured', 'post.featured'],
    ['mine', '#/posts?view=mine', 'post.mine'],
  ];
  return (
    <Page>
      <h1>{t('nav.posts')}</h1>
      <VoiceNav current="posts" />
      <Said say={say} onClose={() => setSay(null)} />
      <div class="page-head">
        <SubNav label={tv('post.views')} current={view} links={views.map(([id, href, key]) => [id, href, tv(key)])} />
        <a class="button-link" href="#/posts/new">
          {tv('post.new')}
        </a>
      </div>
      <Cards {...posts} empty={tv(view === 'mine' ? 'post.noneMine' : view === 'featured' ? 'post.noneFeatured' : 'post.none')}>
        {(p) => (
          <Card
            key={p.id}
            href={`#/posts/${p.id}`}
            title={p.title}
            marks={
              <>
                {p.featured && <span class="pill featured">{tv('post.featured')}</span>}
                {p.status === 'draft' && <span class="pill draft">{tv('post.draft')}</span>}
              </>
            }
            excerpt={p.body}
          >
            <Byline name={p.author.name} at={p.publishedAt ?? p.updatedAt} zone={zone}>
              {p.status === 'published' && <span>{tv('post.comments', { count: p.comments })}</span>}
            </Byline>
          </Card>
        )}
      </Cards>
    </Page>
  );
}
