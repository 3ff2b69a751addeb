import { useEffect, useState } from 'preact/hooks';
import type { Announcement } from '../../../../server/contract/voice';
import { apiRequest, type Me } from '../../api';
import { t } from '../../i18n';
import type { AppSocket } from '../../socket';
import { zonedInputToIso } from '../../time';
import { named, OpenButton, Page, Said, SelectField, submitted, ToolForm, type Say } from '../controls';
import { managedUnits } from '../life/logic';
import { Card, Cards, usePagedList } from '../lists';
import { nameOf, useOrgs } from '../orgs';
import { Byline, tv, VoiceNav, voiceError } from './common';
import { isPinned, isUnread, mergeById, orderAnnouncements } from './logic';

/** Today as a date input's value in the viewer's zone (the earliest day an announcement may stay pinned to). */
const todayIn = (zone: string) => new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

/**
 * Announcements addressed to the member (and, for organizers, those published under their units): still pinned
 * first, the unread marked; a new one arrives live. Organizers publish from here.
 */
export function Announcements({ token, me, socket }: { token: string; me: Me; socket: AppSocket }) {
  const [say, setSay] = useState<Say>(null);
  const orgs = useOrgs(token);
  const announcements = usePagedList<Announcement>(token, '/api/announcements?limit=20', 'announcements', (error) => setSay({ tone: 'error', text: voiceError(error) }));
  const [writing, setWriting] = useState(false);
  const managed = managedUnits(orgs ?? [], { role: me.user.role, organizerOf: me.organizerOf });
  const mayPublish = me.user.role === 'admin' || me.organizerOf.length > 0;
  const zone = me.user.timezone;
  // A new one addressed to the member shows at once, in its place.
  const arrive = (a: Announcement) => announcements.setList((old) => orderAnnouncements(mergeById(old ?? [], [a], () => 0)));
  useEffect(() => {
    socket.on('announcement', arrive);
    return () => void socket.off('announcement', arrive);
  }, [socket]);

  async function publish(event: Event) {
    const value = submitted(event);
    const pinned = value('pinnedUntil');
    if (pinned && pinned < todayIn(zone)) {
      setSay({ tone: 'error', text: tv('announcement.pinPast') });
      return;
    }
    try {
      const { announcement } = await apiRequest<{ announcement: Announcement }>('POST', '/api/announcements', token, {
        orgId: Number(value('orgId')),
        title: value('title'),
        body: value('body'),
        // Pinned through the whole chosen day, in the publisher's zone.
        ...(pinned ? { pinnedUntil: zonedInputToIso(`${pinned}T23:59`, zone) } : {}),
      });
      arrive(announcement);
      setWriting(false);
      setSay({ tone: 'success', text: tv('announcement.published', { count: announcement.audience }) });
    } catch (error) {
      setSay({ tone: 'error', text: voiceError(error) });
    }
  }

  // The server's order, kept as live ones arrive (pinned first, then newest); a pin that lapsed meanwhile drops back.
  const list = announcements.list && orderAnnouncements(announcements.list);
  return (
    <Page>
      <h1>{t('nav.announcements')}</h1>
      <VoiceNav current="announcements" />
      <Said say={say} onClose={() => setSay(null)} />
      {mayPublish && (
        <div class="actions">
          <OpenButton open={writing} onToggle={setWriting}>
            {tv('announcement.new')}
          </OpenButton>
        </div>
      )}
      {writing && (
        <ToolForm id="new-announcement" title={tv('announcement.new')} submit={tv('announcement.publish')} onSubmit={publish}>
          <SelectField id="an-org" label={tv('announcement.unit')} name="orgId" choices={named(managed)} required />
          <label for="an-title">{t('form.title')}</label>
          <input id="an-title" name="title" required maxLength={200} />
          <label for="an-body">{tv('voice.body')}</label>
          <textarea id="an-body" name="body" required rows={6} maxLength={20000} />
          <label for="an-pin">{tv('announcement.pinnedUntil')}</label>
          <input id="an-pin" name="pinnedUntil" type="date" min={todayIn(zone)} />
        </ToolForm>
      )}
      <Cards {...announcements} list={list} empty={tv('announcement.none')}>
        {(a) => {
          // Organizers also see what was published under their units without being addressed: only an addressee's is "unread".
          const unread = isUnread(a);
          const organizes = managed.some((o) => o.id === a.orgId);
          return (
            <Card
              key={a.id}
              class={unread ? 'unread' : undefined}
              href={`#/announcements/${a.id}`}
              title={a.title}
              marks={
                <>
                  {isPinned(a) && <span class="pill pinned">{tv('announcement.pinned')}</span>}
                  {unread && <span class="pill unread-pill">{tv('announcement.unread')}</span>}
                </>
              }
              excerpt={a.body}
            >
              <Byline name={[a.author.name, nameOf(orgs, a.orgId)].filter(Boolean).join(' · ')} at={a.createdAt} zone={zone}>
                {organizes && <span>{tv('announcement.readShort', { read: a.read, audience: a.audience })}</span>}
              </Byline>
            </Card>
          );
        }}
      </Cards>
    </Page>
  );
}
