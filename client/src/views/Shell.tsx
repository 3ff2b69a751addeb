import { useEffect, useMemo, useState } from 'preact/hooks';
import { apiRequest, type Me } from '../api';
import { ChatStore } from '../chat/chatStore';
import { locale, t } from '../i18n';
import { NotificationStore } from '../notifications';
import { go, route } from '../router';
import { signOut, type Session } from '../session';
import { LanguageSwitch } from './LanguageSwitch';
import { MeetingDetail } from './meetings/MeetingDetail';
import { MeetingsList } from './meetings/MeetingsList';
import { NewMeeting } from './meetings/NewMeeting';
import { Notifications } from './Notifications';
import { Room } from './Room';
import { lazy, Suspense } from 'preact/compat';
import { watchIncoming } from '../call/incoming';
import { CallsPage } from './CallsPage';
import { DuesPage, type Ledger } from './DuesPage';
import { IncomingCall } from './IncomingCall';

// The call screen and simple-peer load only when a call starts.
const CallPage = lazy(() => import('../call/CallPage'));

/** The signed-in page: header and navigation, the connection banner, and the current view. */
export function Shell({ session }: { session: Session }) {
  const [me, setMe] = useState<Me | null>(null);
  const store = useMemo(() => new ChatStore(session.token, session.user, signOutIfRevoked), [session.token]);
  const notifications = useMemo(() => new NotificationStore(session.token, store.socket), [store]);
  const ringing = useMemo(() => watchIncoming(store.socket), [store]);
  const [peerName, setPeerName] = useState('');
  const [ledger, setLedger] = useState<Ledger | null>(null);
  const loadLedger = () => void apiRequest<Ledger>('GET', '/api/dues/me', session.token).then(setLedger).catch(() => {});
  useEffect(() => {
    loadLedger();
    // A reminder or a payment elsewhere changes the badge.
    const onNotification = (n: { kind: string }) => n.kind.startsWith('dues') && loadLedger();
    store.socket.on('notification', onNotification);
    return () => void store.socket.off('notification', onNotification);
  }, [store]);
  const overdue = ledger?.periods.filter((p) => p.status === 'overdue').length ?? 0;
  const startCall = (path: string, name: string) => {
    setPeerName(name);
    go(path);
  };

  async function signOutIfRevoked() {
    try {
      await apiRequest<Me>('GET', '/api/me', session.token);
    } catch (error) {
      if ((error as { status?: number }).status === 401) signOut();
    }
  }

  useEffect(() => {
    apiRequest<Me>('GET', '/api/me', session.token)
      .then(setMe)
      .catch((error) => {
        if (error.status === 401) signOut();
      });
    return () => store.close();
  }, [store]);

  // The server writes notifications in the member's language: keep it the language they read the app in.
  const language = locale.value;
  useEffect(() => {
    if (!me || me.user.language === language) return;
    void apiRequest('PATCH', `/api/members/${me.user.id}`, session.token, { language })
      .then(() => {
        me.user.language = language;
        void notifications.load();
      })
      .catch(() => {});
  }, [me, language]);

  const path = route.value;
  const home = me ? (me.user.branchId ? `org:${me.user.branchId}` : me.rooms[0]?.id) : undefined;
  const roomId = path.match(/^\/room\/(.+)$/)?.[1] ?? (path === '/' ? home : undefined);
  const inChat = roomId !== undefined;

  useEffect(() => {
    if (roomId) store.open(roomId);
  }, [roomId, store]);

  async function logout() {
    await apiRequest('POST', '/api/auth/logout', session.token).catch(() => {});
    store.close();
    signOut();
  }

  const connection = store.connection.value;
  const rooms = me?.rooms ?? [];
  const unread = notifications.unread.value;
  const latest = notifications.latest.value;
  const meetingMatch = path.match(/^\/meetings\/(\d+)$/);
  const roomName = rooms.find((r) => r.id === roomId)?.name ?? (roomId?.startsWith('meeting:') ? `${t('nav.meetings')} #${roomId.slice(8)}` : roomId ?? '');

  const callRoute = path.match(/^\/call\/(user|guest|answer)\/([^?]+)(?:\?checkin=(\d+))?$/);
  let view = null;
  if (me && callRoute) {
    const [, kind, target, checkin] = callRoute;
    const intent =
      kind === 'answer' ? { answer: target } : kind === 'guest' ? { guestInviteId: Number(target) } : { userId: Number(target), ...(checkin ? { checkinId: Number(checkin) } : {}) };
    view = (
      <Suspense fallback={<p role="status">{t('call.connecting')}</p>}>
        <CallPage key={path} socket={store.socket} token={session.token} intent={intent} peerName={peerName} onDone={() => go('/calls')} />
      </Suspense>
    );
  } else if (me && path === '/dues') view = <DuesPage token={session.token} me={me} ledger={ledger} reload={loadLedger} />;
  else if (me && path === '/calls') view = <CallsPage token={session.token} me={me} startCall={startCall} />;
  else if (me && path === '/meetings') view = <MeetingsList token={session.token} me={me} />;
  else if (me && path === '/meetings/new') view = <NewMeeting token={session.token} me={me} />;
  else if (me && meetingMatch) view = <MeetingDetail key={meetingMatch[1]} id={Number(meetingMatch[1])} token={session.token} me={me} socket={store.socket} />;
  else if (me && path === '/notifications') view = <Notifications store={notifications} timeZone={me.user.timezone} />;
  else if (roomId) view = <Room key={roomId} store={store} roomId={roomId} roomName={roomName} me={session.user} canModerate={rooms.find((r) => r.id === roomId)?.moderator ?? me?.user.role === 'admin'} />;
  else if (me) view = <p class="empty">{t('room.noRooms')}</p>;

  return (
    <div class="shell">
      <a class="skip" href={inChat ? '#messages' : '#main'} onClick={(e) => {
        e.preventDefault();
        document.getElementById(inChat ? 'messages' : 'main')?.focus();
      }}>
        {t('app.skip')}
      </a>
      <header class="bar">
        <strong class="brand">{t('app.name')}</strong>
        <nav aria-label={t('app.name')} class="nav">
          <a href={`#/room/${roomId ?? home ?? ''}`} aria-current={inChat ? 'page' : undefined}>
            {t('nav.chat')}
          </a>
          <a href="#/calls" aria-current={path.startsWith('/call') ? 'page' : undefined}>
            {t('nav.calls')}
          </a>
          <a href="#/meetings" aria-current={path.startsWith('/meetings') ? 'page' : undefined}>
            {t('nav.meetings')}
          </a>
          <a href="#/dues" aria-current={path === '/dues' ? 'page' : undefined} aria-label={overdue > 0 ? t('nav.duesOverdue', { count: overdue }) : t('nav.dues')}>
            {t('nav.dues')}
            {overdue > 0 && (
              <span class="badge-count" data-testid="overdue-badge" aria-hidden="true">
                {overdue}
              </span>
            )}
          </a>
          <a href="#/notifications" aria-current={path === '/notifications' ? 'page' : undefined} aria-label={unread > 0 ? t('nav.notificationsCount', { count: unread }) : t('nav.notifications')}>
            {t('nav.notifications')}
            {unread > 0 && <span class="badge-count" aria-hidden="true">{unread}</span>}
          </a>
        </nav>
        {inChat && rooms.length > 1 && (
          <label class="room-picker">
            <span class="visually-hidden">{t('nav.room')}</span>
            <select value={roomId} onChange={(e) => go(`/room/${e.currentTarget.value}`)}>
              {!rooms.some((r) => r.id === roomId) && <option value={roomId}>{roomName}</option>}
              {rooms.map((room) => (
                <option value={room.id} key={room.id}>
                  {room.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <span class="spacer" />
        <span class="who" title={t('nav.signedInAs', { name: session.user.name })}>
          {session.user.name}
        </span>
        <LanguageSwitch />
        <button type="button" class="link" onClick={logout}>
          {t('nav.logout')}
        </button>
      </header>
      <p class={`status status-${connection}`} role="status" data-connection={connection}>
        {connection === 'online' ? t('status.online') : connection === 'connecting' ? t('status.connecting') : t('status.offline')}
      </p>
      {latest && !latest.readAt && (
        <p class="toast" role="alert">
          {latest.title}{' '}
          <button type="button" class="link small" onClick={() => (notifications.latest.value = null)}>
            ×
          </button>
        </p>
      )}
      <IncomingCall ringing={ringing} socket={store.socket} onAccept={(call) => startCall(`/call/answer/${call.callId}`, call.from.name)} />
      {view}
    </div>
  );
}
