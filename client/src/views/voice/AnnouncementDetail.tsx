import { useEffect, useRef, useState } from 'preact/hooks';
import type { UserRef } from '../../../../server/contract/model';
import type { Announcement } from '../../../../server/contract/voice';
import { apiRequest, type Me } from '../../api';
import { Notice } from '../../errors';
import { formatFullTime, t } from '../../i18n';
import { command, type AppSocket } from '../../socket';
import { BackLink, LoadMore, Page } from '../controls';
import { managedUnits } from '../life/logic';
import { nameOf, useOrgs } from '../orgs';
import { Byline, tv, voiceError } from './common';
import { appendPage, isPinned, isUnread, readShare } from './logic';

/** An announcement. Opening it marks it read; an organizer over its unit sees who has read it, live. */
export function AnnouncementDetail({ id, token, me, socket }: { id: number; token: string; me: Me; socket: AppSocket }) {
  const orgs = useOrgs(token);
  const [announcement, setAnnouncement] = useState<Announcement | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const zone = me.user.timezone;

  useEffect(() => {
    void apiRequest<{ announcement: Announcement }>('GET', `/api/announcements/${id}`, token)
      .then(({ announcement: a }) => {
        setAnnouncement(a);
        // Read now that it is open, by an addressee (idempotent; an organizer who was not addressed has nothing to read).
        if (isUnread(a)) void apiRequest('POST', `/api/announcements/${id}/read`, token).catch(() => {});
      })
      .catch((error) => setFailed(voiceError(error)));
  }, [id]);

  const organizes = announcement !== null && managedUnits(orgs ?? [], { role: me.user.role, organizerOf: me.organizerOf }).some((o) => o.id === announcement.orgId);

  return (
    <Page>
      <BackLink href="#/announcements">{tv('announcement.back')}</BackLink>
      {failed && <Notice tone="error">{failed}</Notice>}
      {!announcement && !failed && <p role="status">{t('status.loading')}</p>}
      {announcement && (
        <article aria-labelledby="announcement-title">
          <h1 id="announcement-title">{announcement.title}</h1>
          <Byline name={[announcement.author.name, nameOf(orgs, announcement.orgId)].filter(Boolean).join(' · ')} at={announcement.createdAt} zone={zone}>
            {isPinned(announcement) && announcement.pinnedUntil && <span class="pill pinned">{tv('announcement.pinnedTill', { date: formatFullTime(announcement.pinnedUntil, zone) })}</span>}
          </Byline>
          <div class="prose">{announcement.body}</div>
        </article>
      )}
      {announcement && organizes && <ReadPanel announcement={announcement} token={token} socket={socket} />}
    </Page>
  );
}

/**
 * "Read by N of M", live while members read it (`announcement:watch`, then `announcement:reads`, at most one a
 * second), and who has not read it yet, fetched again as the count moves so the list shrinks with it.
 */
function ReadPanel({ announcement, token, socket }: { announcement: Announcement; token: string; socket: AppSocket }) {
  const id = announcement.id;
  const [counts, setCounts] = useState({ audience: announcement.audience, read: announcement.read });
  const [unread, setUnread] = useState<UserRef[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const fetching = useRef<Promise<void> | null>(null);
  const again = useRef(false);

  async function loadUnread(cursor?: string) {
    try {
      const page = await apiRequest<{ audience: number; read: number; unread: UserRef[]; nextCursor?: string | null }>('GET', `/api/announcements/${id}/reads?${new URLSearchParams({ limit: '100', ...(cursor ? { before: cursor } : {}) })}`, token);
      setUnread((old) => (cursor ? appendPage(old ?? [], page.unread) : page.unread));
      setNext(page.nextCursor ?? null);
      // The stored count, never behind a live one that came meanwhile.
      if (!cursor) setCounts((c) => (page.read >= c.read ? { audience: page.audience, read: page.read } : c));
      setFailed(null);
    } catch (error) {
      setUnread((old) => old ?? []);
      setFailed(voiceError(error));
    }
  }
  /** One fetch of the first page at a time; a change during it fetches once more after. */
  function refresh() {
    if (fetching.current) {
      again.current = true;
      return;
    }
    fetching.current = loadUnread().finally(() => {
      fetching.current = null;
      if (again.current) {
        again.current = false;
        refresh();
      }
    });
  }

  useEffect(() => {
    let live = true;
    const watch = async () => {
      const ack = await command(socket, 'announcement:watch', { announcementId: id });
      if (live && ack.ok) setCounts((c) => (ack.data.read >= c.read ? ack.data : c));
      if (live) refresh(); // what changed while the socket was away
    };
    const onReads = (event: { announcementId: number; audience: number; read: number }) => {
      if (event.announcementId !== id) return;
      setCounts({ audience: event.audience, read: event.read });
      refresh();
    };
    socket.on('announcement:reads', onReads);
    socket.on('connect', watch);
    if (socket.connected) void watch();
    else refresh();
    return () => {
      live = false;
      socket.off('announcement:reads', onReads);
      socket.off('connect', watch);
      if (socket.connected) void command(socket, 'announcement:unwatch', { announcementId: id });
    };
  }, [id, socket]);

  const left = Math.max(0, counts.audience - counts.read);
  return (
    <section class="reads" aria-labelledby="reads-title">
      <h2 id="reads-title">{tv('announcement.reads')}</h2>
      <p class="read-count" role="status" data-testid="read-count">
        {tv('announcement.readBy', { read: counts.read, audience: counts.audience })}
      </p>
      <div class="bar-track" aria-hidden="true">
        <div class="bar-fill" style={{ width: `${readShare(counts.read, counts.audience)}%` }} />
      </div>
      <p class="muted small">{tv('announcement.live')}</p>
      {failed && <Notice tone="error">{failed}</Notice>}
      {counts.audience === 0 ? (
        <p class="empty">{tv('announcement.nobody')}</p>
      ) : left === 0 && unread !== null && unread.length === 0 ? (
        <p class="ok">{tv('announcement.allRead')}</p>
      ) : (
        <>
          <h3 id="unread-title">{tv('announcement.notRead', { count: left })}</h3>
          {unread === null ? (
            <p role="status">{t('status.loading')}</p>
          ) : (
            <ul class="names" aria-labelledby="unread-title" data-testid="unread-list">
              {unread.map((u) => (
                <li key={u.id}>{u.name}</li>
              ))}
            </ul>
          )}
          <LoadMore next={next} onMore={(cursor) => void loadUnread(cursor)} />
        </>
      )}
    </section>
  );
}
