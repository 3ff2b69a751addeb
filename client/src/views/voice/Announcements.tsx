import { useEffect, useState } from 'preact/hooks';
import type { Announcement } from '../../../../server/contract/voice';
import { apiRequest, type Me } from '../../api';
import { Notice } from '../../errors';
import { t } from '../../i18n';
import type { AppSocket } from '../../socket';
import { zonedInputToIso } from '../../time';
import { LoadMore } from '../controls';
import { managedUnits } from '../life/logic';
import { nameOf, useOrgs } from '../orgs';
import { Byline, tv, VoiceNav, voiceError, type Say } from './common';
import { appendPage, isPinned, isUnread, mergeById, orderAnnouncements } from './logic';

/** Today as a date input's value in the viewer's zone (the earliest day an announcement may stay pinned to). */
const todayIn = (zone: string) => new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

/**
 * Announcements addressed to the member (and, for organizers, those published under their units): still pinned
 * first, the unread marked; a new one arrives live. Organizers publish from here.
 */
export function Announcements({ token, me, socket }: { token: string; me: Me; socket: AppSocket }) {
  const [say, setSay] = useState<Say>(null);
  const orgs = useOrgs(token);
  const [list, setList] = useState<Announcement[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [writing, setWriting] = useState(false);
  const managed = managedUnits(orgs ?? [], { role: me.user.role, organizerOf: me.organizerOf });
  const mayPublish = me.user.role === 'admin' || me.organizerOf.length > 0;
  const zone = me.user.timezone;

  async function load(cursor?: string) {
    try {
      const page = await apiRequest<{ announcements: Announcement[]; nextCursor?: string | null }>('GET', `/api/announcements?${new URLSearchParams({ limit: '20', ...(cursor ? { before: cursor } : {}) })}`, token);
      setList((old) => (cursor ? appendPage(old ?? [], page.announcements) : page.announcements));
      setNext(page.nextCursor ?? null);
    } catch (error) {
      setList((old) => old ?? []);
      setSay({ tone: 'error', text: voiceError(error) });
    }
  }
  useEffect(() => void load(), [token]);
  // A new one addressed to the member shows at once, in its place.
  useEffect(() => {
    const arrived = (a: Announcement) => setList((old) => orderAnnouncements(mergeById(old ?? [], [a], () => 0)));
    socket.on('announcement', arrived);
    return () => void socket.off('announcement', arrived);
  }, [socket]);

  async function publish(event: Event) {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const pinned = String(data.get('pinnedUntil') ?? '');
    if (pinned && pinned < todayIn(zone)) {
      setSay({ tone: 'error', text: tv('announcement.pinPast') });
      return;
    }
    try {
      const { announcement } = await apiRequest<{ announcement: Announcement }>('POST', '/api/announcements', token, {
        orgId: Number(data.get('orgId')),
        title: String(data.get('title') ?? '').trim(),
        body: String(data.get('body') ?? '').trim(),
        // Pinned through the whole chosen day, in the publisher's zone.
        ...(pinned ? { pinnedUntil: zonedInputToIso(`${pinned}T23:59`, zone) } : {}),
      });
      setList((old) => orderAnnouncements(mergeById(old ?? [], [announcement], () => 0)));
      setWriting(false);
      setSay({ tone: 'success', text: tv('announcement.published', { count: announcement.audience }) });
    } catch (error) {
      setSay({ tone: 'error', text: voiceError(error) });
    }
  }

  // The server's order, kept as live ones arrive (pinned first, then newest); a pin that lapsed meanwhile drops back.
  const shown = orderAnnouncements(list ?? []);
  return (
    <main class="page" id="main" tabIndex={-1}>
      <div class="inner">
        <h1>{t('nav.announcements')}</h1>
        <VoiceNav current="announcements" />
        {say && <Notice tone={say.tone} onClose={() => setSay(null)}>{say.text}</Notice>}
        {mayPublish && (
          <div class="actions">
            <button type="button" aria-expanded={writing} onClick={() => setWriting(!writing)}>
              {tv('announcement.new')}
            </button>
          </div>
        )}
        {writing && (
          <form class="stack tools" onSubmit={publish} aria-labelledby="new-announcement">
            <h2 id="new-announcement">{tv('announcement.new')}</h2>
            <label for="an-org">{tv('announcement.unit')}</label>
            <select id="an-org" name="orgId" required>
              {managed.map((o) => (
                <option key={o.id} value={String(o.id)}>
                  {o.name}
                </option>
              ))}
            </select>
            <label for="an-title">{t('form.title')}</label>
            <input id="an-title" name="title" required maxLength={200} />
            <label for="an-body">{tv('voice.body')}</label>
            <textarea id="an-body" name="body" required rows={6} maxLength={20000} />
            <label for="an-pin">{tv('announcement.pinnedUntil')}</label>
            <input id="an-pin" name="pinnedUntil" type="date" min={todayIn(zone)} />
            <button type="submit">{tv('announcement.publish')}</button>
          </form>
        )}
        {list === null && <p role="status">{t('status.loading')}</p>}
        {list?.length === 0 && <p class="empty">{tv('announcement.none')}</p>}
        <ul class="cards">
          {shown.map((a) => {
            // Organizers also see what was published under their units without being addressed: only an addressee's is "unread".
            const unread = isUnread(a);
            const organizes = managed.some((o) => o.id === a.orgId);
            return (
              <li key={a.id} class={`card${unread ? ' unread' : ''}`}>
                <div class="card-row">
                  <h2 class="grow">
                    <a href={`#/announcements/${a.id}`}>{a.title}</a>
                  </h2>
                  {isPinned(a) && <span class="pill pinned">{tv('announcement.pinned')}</span>}
                  {unread && <span class="pill unread-pill">{tv('announcement.unread')}</span>}
                </div>
                <p class="excerpt">{a.body}</p>
                <Byline name={[a.author.name, nameOf(orgs, a.orgId)].filter(Boolean).join(' · ')} at={a.createdAt} zone={zone}>
                  {organizes && <span>{tv('announcement.readShort', { read: a.read, audience: a.audience })}</span>}
                </Byline>
              </li>
            );
          })}
        </ul>
        <LoadMore next={next} onMore={(cursor) => void load(cursor)} />
      </div>
    </main>
  );
}
