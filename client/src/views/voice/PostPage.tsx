import { useEffect, useState } from 'preact/hooks';
import type { Post, PostComment } from '../../../../server/contract/voice';
import { apiRequest, type Me } from '../../api';
import { Notice } from '../../errors';
import { formatFullTime, t } from '../../i18n';
import { go } from '../../router';
import { BackLink, Page, Said } from '../controls';
import { Byline, tv, voiceError, type Say } from './common';
import { byOldest, mergeById, postActions } from './logic';

/**
 * A member's post and its comments. Its buttons are what the server says the viewer may do (`post.may`): the
 * author edits or deletes it; an organizer over the author features it (or no longer) and may delete it.
 */
export function PostPage({ id, token, me }: { id: number; token: string; me: Me }) {
  const [say, setSay] = useState<Say>(null);
  const [post, setPost] = useState<Post | null>(null);
  const [comments, setComments] = useState<PostComment[]>([]);
  const [failed, setFailed] = useState<string | null>(null);
  const [draft, setDraft] = useState('');
  const zone = me.user.timezone;
  const mine = post?.author.id === me.user.id;
  const actions = post ? postActions(post) : [];

  useEffect(() => {
    void apiRequest<{ post: Post; comments: PostComment[] }>('GET', `/api/posts/${id}`, token)
      .then((r) => {
        setPost(r.post);
        setComments([...r.comments].sort(byOldest));
      })
      .catch((error) => setFailed(voiceError(error)));
  }, [id]);

  async function feature(on: boolean) {
    try {
      const r = await apiRequest<{ post: Post }>(on ? 'POST' : 'DELETE', `/api/posts/${id}/feature`, token);
      setPost(r.post);
      setSay({ tone: 'success', text: tv(on ? 'post.featuredDone' : 'post.unfeaturedDone') });
    } catch (error) {
      setSay({ tone: 'error', text: voiceError(error) });
    }
  }

  async function remove() {
    if (!post || !confirm(tv('post.deleteConfirm', { title: post.title }))) return;
    try {
      await apiRequest('DELETE', `/api/posts/${id}`, token);
      go(mine ? '/posts?view=mine' : '/posts');
    } catch (error) {
      setSay({ tone: 'error', text: voiceError(error) });
    }
  }

  async function comment(event: Event) {
    event.preventDefault();
    const body = draft.trim();
    if (!body) return;
    try {
      const r = await apiRequest<{ comment: PostComment }>('POST', `/api/posts/${id}/comments`, token, { body });
      setComments((old) => mergeById(old, [r.comment], byOldest));
      setPost((p) => (p ? { ...p, comments: p.comments + 1 } : p));
      setDraft('');
      setSay({ tone: 'success', text: tv('post.commented') });
    } catch (error) {
      setSay({ tone: 'error', text: voiceError(error) });
    }
  }

  return (
    <Page>
      <BackLink href={mine ? '#/posts?view=mine' : '#/posts'}>{tv('post.back')}</BackLink>
      {failed && <Notice tone="error">{failed}</Notice>}
      {!post && !failed && <p role="status">{t('status.loading')}</p>}
      {post && (
        <article aria-labelledby="post-title">
          <h1 id="post-title">{post.title}</h1>
          <Byline name={post.author.name} at={post.publishedAt ?? post.updatedAt} zone={zone}>
            {post.featured && <span class="pill featured">{tv('post.featured')}</span>}
            {post.status === 'draft' && <span class="pill draft">{tv('post.draft')}</span>}
          </Byline>
          {post.status === 'draft' && <p class="muted small">{tv('post.draftNote')}</p>}
          <div class="prose">{post.body}</div>
        </article>
      )}
      <Said say={say} onClose={() => setSay(null)} />
      {post && actions.length > 0 && (
        <div class="actions">
          {actions.includes('edit') && (
            <a class="button-link" href={`#/posts/${post.id}/edit`}>
              {t('action.edit')}
            </a>
          )}
          {(actions.includes('feature') || actions.includes('unfeature')) && (
            <button type="button" class="quiet" onClick={() => void feature(!post.featured)}>
              {tv(post.featured ? 'post.unfeature' : 'post.feature')}
            </button>
          )}
          {actions.includes('remove') && (
            <button type="button" class="danger" onClick={() => void remove()}>
              {tv('post.delete')}
            </button>
          )}
        </div>
      )}
      {post?.status === 'published' && (
        <section aria-labelledby="comments-title">
          <h2 id="comments-title">{tv('post.commentsTitle', { count: Math.max(post.comments, comments.length) })}</h2>
          {comments.length === 0 && <p class="empty">{tv('post.noComments')}</p>}
          <ol class="replies">
            {comments.map((c) => (
              <li key={c.id} class={`reply${c.author.id === me.user.id ? ' mine' : ''}`}>
                <div class="reply-head">
                  <strong class="grow">{c.author.id === me.user.id ? t('message.you') : c.author.name}</strong>
                  <time class="muted small" dateTime={c.createdAt}>
                    {formatFullTime(c.createdAt, zone)}
                  </time>
                </div>
                <p class="text">{c.body}</p>
              </li>
            ))}
          </ol>
          <form class="reply-form" onSubmit={comment}>
            <label for="comment-body">{tv('post.comment')}</label>
            <textarea id="comment-body" value={draft} maxLength={2000} rows={3} onInput={(e) => setDraft(e.currentTarget.value)} />
            <button type="submit" disabled={!draft.trim()}>
              {tv('post.commentSend')}
            </button>
          </form>
        </section>
      )}
    </Page>
  );
}
