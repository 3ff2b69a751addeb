import { useEffect, useState } from 'preact/hooks';
import type { Meeting, MeetingCounts, MySignup } from '../../../../server/contract/model';
import { apiRequest, downloadWithToken, type Me } from '../../api';
import { formatFullTime, t, type MessageKey } from '../../i18n';
import { command, type AppSocket } from '../../socket';
import { seatsText } from './MeetingsList';
import { OrganizerTools } from './OrganizerTools';

const errorText = (code: string) => {
  const text = t(`error.${code}` as MessageKey);
  return text.startsWith('error.') ? t('error.generic') : text;
};

/** One meeting: live seats, sign-up and cancel, the member's place, calendar file, organizer tools. */
export function MeetingDetail({ id, token, me, socket }: { id: number; token: string; me: Me; socket: AppSocket }) {
  const [meeting, setMeeting] = useState<Meeting | null>(null);
  const [counts, setCounts] = useState<MeetingCounts | null>(null);
  const [mine, setMine] = useState<MySignup | null>(null);
  const [canManage, setCanManage] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function load() {
    const result = await apiRequest<{ meeting: Meeting; mySignup: MySignup | null; canManage: boolean }>('GET', `/api/meetings/${id}`, token).catch(() => null);
    if (!result) return;
    setMeeting(result.meeting);
    setMine(result.mySignup);
    setCanManage(result.canManage);
  }

  useEffect(() => {
    void load();
    const watch = async () => {
      const ack = await command(socket, 'meeting:watch', { meetingId: id });
      if (ack.ok) setCounts((current) => (current && current.version > ack.data.counts.version ? current : ack.data.counts));
    };
    // Counters may arrive out of order from two servers: keep the newest version.
    const onCounts = (c: MeetingCounts) => c.meetingId === id && setCounts((current) => (current && current.version > c.version ? current : c));
    const onPromoted = ({ meetingId }: { meetingId: number }) => {
      if (meetingId !== id) return;
      setNotice(t('meeting.promoted'));
      void load();
    };
    socket.on('meeting:counts', onCounts);
    socket.on('meeting:promoted', onPromoted);
    socket.on('connect', watch);
    if (socket.connected) void watch();
    return () => {
      socket.off('meeting:counts', onCounts);
      socket.off('meeting:promoted', onPromoted);
      socket.off('connect', watch);
      void command(socket, 'meeting:unwatch', { meetingId: id });
    };
  }, [id]);

  if (!meeting) return <main class="page" id="main" aria-busy="true" />;
  const live = { ...meeting, ...(counts ?? {}) };
  const started = Date.parse(meeting.startsAt) <= Date.now();

  /** Signs up or cancels, then shows the member's sign-up as the server now has it. */
  async function act(event: 'meeting:signup' | 'meeting:cancel') {
    setBusy(true);
    const ack = await command(socket, event, { meetingId: id });
    setBusy(false);
    setNotice(ack.ok ? null : errorText(ack.error.code));
    if (ack.ok) await load();
  }

  const downloadCalendar = () => downloadWithToken(`/api/meetings/${id}/calendar.ics`, token, `meeting-${id}.ics`);

  const status = mine?.status;
  return (
    <main class="page" id="main">
      <a href="#/meetings">{t('meeting.back')}</a>
      <h1>{meeting.title}</h1>
      <p class="muted">{t(`meetings.openTo.${meeting.openTo}`)}</p>
      <dl class="facts">
        <dt>{t('meeting.when')}</dt>
        <dd>
          <time dateTime={meeting.startsAt}>{formatFullTime(meeting.startsAt, me.user.timezone)}</time>
        </dd>
        <dt>{t('meeting.where')}</dt>
        <dd>{[meeting.online ? t('meetings.online') : null, meeting.location].filter(Boolean).join(' · ')}</dd>
      </dl>
      {meeting.description && <p class="description">{meeting.description}</p>}
      <p class="seats" role="status" aria-live="polite" data-testid="seats">
        {live.status === 'open' ? seatsText(live) : t(`meetings.status.${live.status}`)}
      </p>
      {notice && (
        <p class="notice" role="alert">
          {notice}
        </p>
      )}
      <div class="actions">
        {status === 'confirmed' && <p class="ok">{t('meeting.confirmed')}</p>}
        {status === 'attended' && <p class="ok">{t('meeting.attended')}</p>}
        {status === 'waitlisted' && <p>{t('meeting.waitlisted', { position: mine!.position ?? '?' })}</p>}
        {mine && (
          <p class="code" aria-label={t('meeting.checkInCode', { code: mine.checkInCode.split('').join(' ') })}>
            {t('meeting.checkInCode', { code: mine.checkInCode })}
          </p>
        )}
        {!mine && live.status === 'open' && !started && (
          <button type="button" disabled={busy} onClick={() => act('meeting:signup')}>
            {t('meeting.signup')}
          </button>
        )}
        {(status === 'confirmed' || status === 'waitlisted') && live.status !== 'cancelled' && !started && (
          <button type="button" class="secondary" disabled={busy} onClick={() => act('meeting:cancel')}>
            {t('meeting.cancelSignup')}
          </button>
        )}
        {(status === 'confirmed' || status === 'attended' || canManage) && (
          <a class="button-link" href={`#/room/meeting:${id}`}>
            {t('meeting.enterRoom')}
          </a>
        )}
        <button type="button" class="link" onClick={downloadCalendar}>
          {t('meeting.calendar')}
        </button>
      </div>
      {canManage && <OrganizerTools meeting={{ ...meeting, ...live }} token={token} socket={socket} onChange={load} />}
    </main>
  );
}
