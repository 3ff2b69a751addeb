import { useEffect, useState } from 'preact/hooks';
import type { Discussion } from '../../../../server/contract/voice';
import { apiRequest, type Me } from '../../api';
import { Notice } from '../../errors';
import { formatFullTime, t } from '../../i18n';
import { go } from '../../router';
import { LoadMore } from '../controls';
import { HiddenPill, tv, VoiceNav, voiceError, type Say } from './common';
import { appendPage } from './logic';

/** The units whose discussions the member may join: those whose rooms they may use (their branch first). */
export function discussionUnits(me: Me): Array<{ id: number; name: string }> {
  const units = me.rooms.filter((r) => r.id.startsWith('org:')).map((r) => ({ id: Number(r.id.slice(4)), name: r.name }));
  return units.sort((a, b) => Number(b.id === me.user.branchId) - Number(a.id === me.user.branchId));
}

/**
 * Discussions of the member's units (or of one of them), latest activity first; anyone who may use a unit's
 * room starts one there.
 */
export function Discussions({ token, me, orgId }: { token: string; me: Me; orgId: number | null }) {
  const units = discussionUnits(me);
  const unit = units.find((u) => u.id === orgId) ?? null;
  const [say, setSay] = useState<Say>(null);
  const [list, setList] = useState<Discussion[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [writing, setWriting] = useState(false);
  const zone = me.user.timezone;

  async function load(cursor?: string) {
    if (!cursor) setList(null); // another unit: no stale rows meanwhile
    try {
      const page = await apiRequest<{ discussions: Discussion[]; nextCursor?: string | null }>('GET', `/api/discussions?${new URLSearchParams({ ...(unit ? { orgId: String(unit.id) } : {}), limit: '20', ...(cursor ? { before: cursor } : {}) })}`, token);
      setList((old) => (cursor ? appendPage(old ?? [], page.discussions) : page.discussions));
      setNext(page.nextCursor ?? null);
    } catch (error) {
      setList((old) => old ?? []);
      setSay({ tone: 'error', text: voiceError(error) });
    }
  }
  useEffect(() => void load(), [unit?.id]);

  async function start(event: Event) {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    try {
      const { discussion } = await apiRequest<{ discussion: Discussion }>('POST', '/api/discussions', token, {
        orgId: Number(data.get('orgId')),
        title: String(data.get('title') ?? '').trim(),
        body: String(data.get('body') ?? '').trim(),
      });
      go(`/discussions/${discussion.id}`);
    } catch (error) {
      setSay({ tone: 'error', text: voiceError(error) });
    }
  }

  return (
    <main class="page" id="main" tabIndex={-1}>
      <div class="inner">
        <h1>{t('nav.discussions')}</h1>
        <VoiceNav current="discussions" />
        {say && <Notice tone={say.tone} onClose={() => setSay(null)}>{say.text}</Notice>}
        {units.length > 1 && (
          <div class="filters unit-first">
            <label>
              {t('admin.unit')}
              <select value={String(unit?.id ?? '')} onChange={(e) => go(e.currentTarget.value ? `/discussions?orgId=${e.currentTarget.value}` : '/discussions')}>
                <option value="">{t('meetings.any')}</option>
                {units.map((u) => (
                  <option key={u.id} value={String(u.id)}>
                    {u.name}
                  </option>
                ))}
              </select>
            </label>
          </div>
        )}
        {units.length > 0 && (
          <div class="actions">
            <button type="button" aria-expanded={writing} onClick={() => setWriting(!writing)}>
              {tv('discussion.new')}
            </button>
          </div>
        )}
        {writing && units.length > 0 && (
          <form class="stack tools" onSubmit={start} aria-labelledby="new-discussion">
            <h2 id="new-discussion">{tv('discussion.new')}</h2>
            <label for="dn-org">{t('admin.unit')}</label>
            <select id="dn-org" name="orgId" defaultValue={String((unit ?? units[0]).id)}>
              {units.map((u) => (
                <option key={u.id} value={String(u.id)}>
                  {u.name}
                </option>
              ))}
            </select>
            <label for="dn-title">{t('form.title')}</label>
            <input id="dn-title" name="title" required maxLength={200} />
            <label for="dn-body">{tv('voice.body')}</label>
            <textarea id="dn-body" name="body" required rows={5} maxLength={20000} />
            <button type="submit">{tv('discussion.create')}</button>
          </form>
        )}
        {list === null && <p role="status">{t('status.loading')}</p>}
        {list?.length === 0 && <p class="empty">{tv('discussion.none')}</p>}
        <ul class="cards">
          {(list ?? []).map((d) => (
            <li key={d.id} class={`card${d.hidden ? ' hidden-item' : ''}`}>
              <div class="card-row">
                <h2 class="grow">
                  <a href={`#/discussions/${d.id}`}>{d.title}</a>
                </h2>
                {d.locked && <span class="pill locked">{tv('discussion.locked')}</span>}
                {d.hidden && <HiddenPill />}
              </div>
              <p class="excerpt">{d.body}</p>
              <p class="byline muted small">
                <span>{d.author.name}</span>
                {!unit && <span>{units.find((u) => u.id === d.orgId)?.name}</span>}
                <span>{tv('discussion.replies', { count: d.replies })}</span>
                <time dateTime={d.lastReplyAt ?? d.createdAt}>{d.lastReplyAt ? tv('discussion.lastReply', { time: formatFullTime(d.lastReplyAt, zone) }) : formatFullTime(d.createdAt, zone)}</time>
              </p>
            </li>
          ))}
        </ul>
        <LoadMore next={next} onMore={(cursor) => void load(cursor)} />
      </div>
    </main>
  );
}
