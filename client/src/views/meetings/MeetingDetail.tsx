import { useEffect, useState } from 'preact/hooks';
import type { Meeting, MeetingCounts, MySignup } from '../../../../server/contract/model';
import { apiRequest, downloadWithToken, type Me } from '../../api';
import { describeError, Notice } from '../../errors';
import { formatFullTime, t } from '../../i18n';
import { QrImage } from '../../qr';
import { command, type AppSocket } from '../../socket';
import { Page, Said } from '../controls';
import { seatsText } from './MeetingsList';
import { OrganizerTools } from './OrganizerTools';

/** The public page's address, to hand to people without an account (shown to members, who pass it on). */
function PublicLink({ id }: { id: number }) {
  const [copied, setCopied] = useState(false);
  const link = `${location.origin}${location.pathname}#/public/meetings/${id}`;
  return (
    <p class="public-link">
      {t('meeting.publicLink')}{' '}
      <a href={link} data-testid="public-link">{link}</a>{' '}
      <button type="button" class="link" onClick={() => void navigator.clipboard?.writeText(link).then(() => setCopied(true), () => {})}>
        {copied ? t('meeting.copied') : t('meeting.copyLink')}
      </button>
    </p>
  );
}

/** One meeting: live seats, sign-up and cancel, the member's place and check-in code, calendar file, organizer tools. */
export function MeetingDetail({ id, token, me, socket }: { id: number; token: string; me: Me; socket: AppSocket }) {
  const [meeting, setMeeting] = useState<Meeting | null>(null);
  const [counts, setCounts] = useState<MeetingCounts | null>(null);
  const [mine, setMine] = useState<MySignup | null>(null);
  const [canManage, setCanManage] = useState(false);
  const [notice, setNotice] = useState<{ tone: 'error' | 'success' | 'info'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [missing, setMissing] = useState<string | null>(null);

  async function load() {
    try {
      const result = await apiRequest<{ meeting: Meeting; mySignup: MySignup | null; canManage: boolean }>('GET', `/api/meetings/${id}`, token);
      setMeeting(result.meeting);
      setMine(result.mySignup);
      setCanManage(result.canManage);
    } catch (e) {
      setMissing(describeError(e));
    }
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
      setNotice({ tone: 'success', text: t('meeting.promoted') });
      void load();
    };
    const onAttended = ({ meetingId }: { meetingId: number }) => {
      if (meetingId !== id) return;
      setNotice({ tone: 'success', text: t('meeting.youAreCheckedIn') });
      void load();
    };
    socket.on('meeting:counts', onCounts);
    socket.on('meeting:promoted', onPromoted);
    socket.on('meeting:attended', onAttended);
    socket.on('connect', watch);
    if (socket.connected) void watch();
    return () => {
      socket.off('meeting:counts', onCounts);
      socket.off('meeting:promoted', onPromoted);
      socket.off('meeting:attended', onAttended);
      socket.off('connect', watch);
      void command(socket, 'meeting:unwatch', { meetingId: id });
    };
  }, [id]);

  if (missing) {
    return (
      <Page>
        <a href="#/meetings">{t('meeting.back')}</a>
        <Notice tone="error">{missing}</Notice>
      </Page>
    );
  }
  if (!meeting) return <main class="page" id="main" aria-busy="true" />;
  const live = { ...meeting, ...(counts ?? {}) };
  const started = Date.parse(meeting.startsAt) <= Date.now();
  const cancelled = live.status === 'cancelled';

  /** Signs up or cancels (after a confirmation), then shows the sign-up as the server now has it. */
  async function act(event: 'meeting:signup' | 'meeting:cancel') {
    if (event === 'meeting:cancel' && !confirm(t('meeting.cancelSignupConfirm'))) return;
    setBusy(true);
    const ack = await command(socket, event, { meetingId: id });
    setBusy(false);
    setNotice(ack.ok ? null : { tone: 'error', text: describeError(ack.error, { conflict: 'meeting.conflict' }) });
    if (ack.ok) await load();
  }

  const downloadCalendar = () => downloadWithToken(`/api/meetings/${id}/calendar.ics`, token, `meeting-${id}.ics`);
  const status = mine?.status;
  const holdsSeat = status === 'confirmed' || status === 'attended';
  return (
    <Page>
      <a href="#/meetings">{t('meeting.back')}</a>
      <h1>{meeting.title}</h1>
      <p class="muted">{t(`meetings.openTo.${meeting.openTo}`)}</p>
      {meeting.openTo === 'public' && <PublicLink id={meeting.id} />}
      <dl class="facts">
        <dt>{t('meeting.when')}</dt>
        <dd>
          <time dateTime={meeting.startsAt}>{formatFullTime(meeting.startsAt, me.user.timezone)}</time>
        </dd>
        <dt>{t('meeting.where')}</dt>
        <dd>
          {[meeting.online ? t('meetings.online') : null, meeting.location].filter(Boolean).join(' · ')}
          {meeting.onlineUrl && (holdsSeat || canManage) && (
            <>
              {' · '}
              <a href={meeting.onlineUrl} target="_blank" rel="noopener noreferrer">
                {t('meeting.joinOnline')}
              </a>
            </>
          )}
        </dd>
      </dl>
      {meeting.description && <p class="description">{meeting.description}</p>}
      {meeting.projectId !== null && meeting.projectId !== undefined && (
        <p>
          <a href={`#/projects/${meeting.projectId}`}>{t('meeting.fromProject')}</a>
        </p>
      )}
      <p class="seats" role="status" aria-live="polite" data-testid="seats">
        {live.status === 'open' ? seatsText(live) : t(`meetings.status.${live.status}`)}
      </p>
      <Said say={notice} onClose={() => setNotice(null)} />
      <div class="actions">
        {status === 'confirmed' && <p class="ok">{t('meeting.confirmed')}</p>}
        {status === 'attended' && <p class="ok">{t('meeting.attended')}</p>}
        {status === 'waitlisted' && <p>{t('meeting.waitlisted', { position: mine!.position ?? '?' })}</p>}
      </div>
      {mine && status === 'confirmed' && !cancelled && (
        <div class="tools">
          <p aria-label={t('meeting.checkInCode', { code: mine.checkInCode.split('').join(' ') })}>
            {t('meeting.checkInCodeLabel')}
            <span class="code">{mine.checkInCode}</span>
          </p>
          <QrImage text={mine.checkInCode} label={t('meeting.checkInQr')} />
        </div>
      )}
      <div class="actions">
        {!mine && live.status === 'open' && !started && (
          <button type="button" disabled={busy} onClick={() => act('meeting:signup')}>
            {t('meeting.signup')}
          </button>
        )}
        {(status === 'confirmed' || status === 'waitlisted') && !cancelled && !started && (
          <button type="button" class="secondary" disabled={busy} onClick={() => act('meeting:cancel')}>
            {t('meeting.cancelSignup')}
          </button>
        )}
        {!cancelled && (holdsSeat || canManage) && (
          <a class="button-link" href={`#/room/meeting:${id}`}>
            {t('meeting.enterRoom')}
          </a>
        )}
        <button type="button" class="link" onClick={downloadCalendar}>
          {t('meeting.calendar')}
        </button>
      </div>
      {canManage && <OrganizerTools meeting={{ ...meeting, ...live }} token={token} socket={socket} zone={me.user.timezone} onChange={load} />}
    </Page>
  );
}
