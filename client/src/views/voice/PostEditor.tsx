import { useEffect, useState } from 'preact/hooks';
import type { Post, PostStatus } from '../../../../server/contract/voice';
import { apiRequest } from '../../api';
import { Notice } from '../../errors';
import { t } from '../../i18n';
import { go } from '../../router';
import { BackLink, Page, submitted, Unavailable } from '../controls';
import { tv, voiceError } from './common';

/** Writing a post (`id` null) or editing one's own: kept as a draft, or published. */
export function PostEditor({ id, token }: { id: number | null; token: string }) {
  const [post, setPost] = useState<Post | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (id === null) return;
    void apiRequest<{ post: Post }>('GET', `/api/posts/${id}`, token)
      // Only what the server says the viewer may edit (its author's own).
      .then((r) => (r.post.may.edit ? setPost(r.post) : setFailed(t('error.forbidden'))))
      .catch((e) => setFailed(voiceError(e)));
  }, [id]);

  async function save(event: SubmitEvent) {
    const value = submitted(event);
    // The button pressed says what becomes of it: a draft, published, or saved as it stands.
    const status = ((event.submitter as HTMLButtonElement | null)?.value || post?.status || 'draft') as PostStatus;
    const fields = { title: value('title'), body: value('body'), status };
    setBusy(true);
    try {
      const r = id === null ? await apiRequest<{ post: Post }>('POST', '/api/posts', token, fields) : await apiRequest<{ post: Post }>('PATCH', `/api/posts/${id}`, token, fields);
      go(`/posts/${r.post.id}`);
    } catch (e) {
      setError(voiceError(e));
    } finally {
      setBusy(false);
    }
  }

  const editing = id !== null;
  if (failed) return <Unavailable href="#/posts?view=mine" back={tv('post.back')} why={failed} />;
  // The first button publishes; the second keeps it a draft (or takes a published one back).
  const [publish, keep] = post?.status === 'published' ? (['post.save', 'post.unpublish'] as const) : (['post.publish', 'post.saveDraft'] as const);
  return (
    <Page>
      <BackLink href={editing ? `#/posts/${id}` : '#/posts'}>{tv('post.back')}</BackLink>
      <h1>{tv(editing ? 'post.editorEdit' : 'post.editorNew')}</h1>
      {editing && !post ? (
        <p role="status">{t('status.loading')}</p>
      ) : (
        <form class="stack" onSubmit={(e) => void save(e as SubmitEvent)}>
          {error && <Notice tone="error" onClose={() => setError(null)}>{error}</Notice>}
          <label for="post-title-input">{t('form.title')}</label>
          <input id="post-title-input" name="title" required maxLength={200} defaultValue={post?.title ?? ''} />
          <label for="post-body-input">{tv('voice.body')}</label>
          <textarea id="post-body-input" name="body" class="long" required rows={12} maxLength={50000} defaultValue={post?.body ?? ''} />
          {(!post || post.status === 'draft') && <p class="muted small">{tv('post.draftNote')}</p>}
          <div class="actions">
            <button type="submit" name="status" value="published" disabled={busy}>
              {tv(publish)}
            </button>
            <button type="submit" name="status" value="draft" class="quiet" disabled={busy}>
              {tv(keep)}
            </button>
          </div>
        </form>
      )}
    </Page>
  );
}
