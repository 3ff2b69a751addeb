import { Suspense } from 'preact/compat';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { apiRequest, type Me } from '../api';
import { watchIncoming } from '../call/incoming';
import { ChatStore } from '../chat/chatStore';
import { linkOf } from '../notificationLinks';
import { locale, t, type MessageKey } from '../i18n';
import { NotificationStore } from '../notifications';
import { go, route } from '../router';
import { signOut, type Session } from '../session';
import { ChatPage } from './chat/ChatPage';
import { Icon, type IconName } from './icons';
import { IncomingCall } from './IncomingCall';
import { LanguageSwitch } from './LanguageSwitch';
import { PageBoundary } from './PageBoundary';
import { MANAGE_PATHS, pageAt, VOICE_PATHS } from './pages';
import type { LedgerEntry } from './dues/LedgerTable';

export interface Ledger {
  rate: { monthlyAmount: number; currency: string } | null;
  periods: Array<{ period: string; amount: number; currency: string; paid: number; status: 'paid' | 'due' | 'overdue' }>;
  balanceDue: number;
  payments: LedgerEntry[];
}

/** The signed-in app: a bar on top, the page (the only part that scrolls), the tabs (below on a phone). */
export function Shell({ session }: { session: Session }) {
  const [me, setMe] = useState<Me | null>(session.first ? { user: session.user, organizerOf: session.first.organizerOf, rooms: session.first.rooms } : null);
  const store = useMemo(() => new ChatStore(session.token, session.user, signOutIfRevoked, session.first), [session.token]);
  const notifications = useMemo(() => new NotificationStore(session.token, store.socket), [store]);
  const ringing = useMemo(() => watchIncoming(store.socket), [store]);
  const [peerName, setPeerName] = useState('');
  const [ledger, setLedger] = useState<Ledger | null>(null);
  const lastRoom = useRef<string | undefined>(undefined);
  const loadLedger = () => void apiRequest<Ledger>('GET', '/api/dues/me', session.token).then(setLedger).catch(() => {});

  async function signOutIfRevoked() {
    try {
      await apiRequest<Me>('GET', '/api/me', session.token);
    } catch (error) {
      if ((error as { status?: number }).status === 401) signOut();
    }
  }

  const loadMe = () =>
    apiRequest<Me>('GET', '/api/me', session.token)
      .then((fresh) => {
        setMe(fresh);
        store.setRooms(fresh.rooms);
      })
      .catch((error) => {
        if (error.status === 401) signOut();
      });
  useEffect(() => {
    // After a reload there is no sign-in answer: ask who I am (and refresh the rooms either way).
    void loadMe();
    loadLedger();
    // A reminder or a payment elsewhere changes the badge; a completed transfer changes the home branch and rooms.
    const onNotification = (n: { kind: string }) => {
      if (n.kind.startsWith('dues')) loadLedger();
      if (n.kind === 'transfer_completed') void loadMe();
    };
    store.socket.on('notification', onNotification);
    return () => {
      store.socket.off('notification', onNotification);
      store.close();
    };
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
  const user = me?.user ?? session.user;
  const home = me ? (user.branchId ? `org:${user.branchId}` : me.rooms[0]?.id) : session.first?.home?.roomId;
  // A room's address may say where to open it: #/room/org:3?seq=120&q=党费 (a search result).
  const [pathname, search = ''] = path.split('?', 2);
  const roomMatch = pathname.match(/^\/room\/(.+)$/)?.[1];
  const roomQuery = new URLSearchParams(search);
  const roomAt = Number(roomQuery.get('seq')) || undefined;
  const roomId = roomMatch ?? (path === '/' ? home : undefined);
  const inChat = roomId !== undefined || path === '/rooms';
  if (roomId) lastRoom.current = roomId;
  const manages = user.role === 'admin' || (me?.organizerOf.length ?? 0) > 0;
  const overdue = ledger?.periods.filter((p) => p.status === 'overdue').length ?? 0;
  const unread = notifications.unread.value;
  const startCall = (to: string, name: string) => {
    setPeerName(name);
    go(to);
  };

  async function logout() {
    await apiRequest('POST', '/api/auth/logout', session.token).catch(() => {});
    store.close();
    signOut();
  }

  const token = session.token;
  let title: MessageKey = 'nav.chat';
  let view = null;
  const page = me && pageAt(path, { token, me, store, notifications, ledger, reloadLedger: loadLedger, startCall, peerName, leave: go }, manages);
  if (page) ({ title, view } = page);
  else if (inChat || path === '/') view = <ChatPage store={store} me={user} roomId={roomId} token={token} at={roomMatch ? roomAt : undefined} query={roomQuery.get('q') ?? ''} />;
  else if (me) view = (
      <main class="page" id="main" tabIndex={-1}>
        <p class="empty">{t('error.not_found')}</p>
      </main>
    );

  const tabs: Array<{ icon: IconName; label: MessageKey; href: string; current: boolean; count?: number; countLabel?: MessageKey }> = [
    { icon: 'chat', label: 'nav.chat', href: inChat ? '#/rooms' : `#/room/${lastRoom.current ?? home ?? ''}`, current: inChat, count: store.rooms.value.reduce((n, r) => n + Math.max(0, r.lastSeq - r.readSeq), 0), countLabel: 'count.unread' },
    { icon: 'video', label: 'nav.calls', href: '#/calls', current: path.startsWith('/call') },
    { icon: 'meetings', label: 'nav.meetings', href: '#/meetings', current: path.startsWith('/meetings') },
    { icon: 'voice', label: 'nav.voice', href: '#/announcements', current: VOICE_PATHS.test(path) },
    { icon: 'dues', label: 'nav.dues', href: '#/dues', current: path.startsWith('/dues'), count: overdue, countLabel: 'count.overdue' },
    { icon: 'notifications', label: 'nav.notifications', href: '#/notifications', current: path === '/notifications', count: unread, countLabel: 'count.unread' },
    ...(manages ? [{ icon: 'manage' as const, label: 'nav.manage' as const, href: '#/admin/members', current: MANAGE_PATHS.test(path) }] : []),
  ];
  const tabBar = (
    <nav class="tabs" aria-label={t('nav.main')}>
      {tabs.map((tab) => (
        <a key={tab.label} href={tab.href} aria-current={tab.current ? 'page' : undefined}>
          <Icon name={tab.icon} />
          <span class="label">{t(tab.label)}</span>
          {tab.count ? (
            <span class="count" aria-hidden="true" data-testid={tab.icon === 'dues' ? 'overdue-badge' : undefined}>
              {tab.count > 99 ? '99+' : tab.count}
            </span>
          ) : null}
          {tab.count && tab.countLabel ? <span class="visually-hidden"> {t(tab.countLabel, { count: tab.count })}</span> : null}
        </a>
      ))}
    </nav>
  );
  // Each page names the tab, and a screen reader (or a keyboard) lands at the new page, not at the link left behind.
  document.title = `${t(title)} · ${t('app.name')}`;
  const previousPath = useRef(path);
  useEffect(() => {
    if (previousPath.current === path) return;
    previousPath.current = path;
    requestAnimationFrame(() => {
      if (document.activeElement && document.activeElement !== document.body && document.getElementById('main')?.contains(document.activeElement)) return;
      document.getElementById('main')?.focus({ preventScroll: true });
    });
  }, [path]);
  const connection = store.connection.value;
  const latest = notifications.latest.value;

  return (
    <div class="shell">
      <a class="skip" href="#main" onClick={(e) => {
        e.preventDefault();
        (document.getElementById(roomId ? 'composer' : 'main') ?? document.getElementById('messages'))?.focus();
      }}>
        {t(roomId ? 'app.skip' : 'app.skipToContent')}
      </a>
      <header class="bar">
        <strong class="brand">{t('app.name')}</strong>
        <span class="bar-title" aria-hidden="true">
          {t(title)}
        </span>
        {tabBar}
        <a class="icon-link" href="#/search" aria-label={t('nav.search')} aria-current={pathname === '/search' ? 'page' : undefined}>
          <Icon name="search" />
        </a>
        <AccountMenu name={user.name} onLogout={logout} />
      </header>
      <p class={`status status-${connection}`} role="status" data-connection={connection}>
        {connection === 'online' ? t('status.online') : connection === 'connecting' ? t('status.connecting') : t('status.offline')}
      </p>
      {latest && !latest.readAt && (
        <div class="toast" role="alert">
          {linkOf(latest) ? (
            <a href={linkOf(latest)!} onClick={() => void notifications.markRead(latest.id)}>
              {latest.title}
            </a>
          ) : (
            <span>{latest.title}</span>
          )}
          <button type="button" class="icon" aria-label={t('action.dismiss')} onClick={() => (notifications.latest.value = null)}>
            ×
          </button>
        </div>
      )}
      <IncomingCall ringing={ringing} socket={store.socket} onAccept={(call) => startCall(`/call/answer/${call.callId}${call.audioOnly ? '?voice=1' : ''}`, call.from.name)} />
      <div class="content">
        <PageBoundary key={page ? path : 'chat'}>
          <Suspense fallback={<p class="page" role="status">{t('status.loading')}</p>}>{view}</Suspense>
        </PageBoundary>
      </div>
    </div>
  );
}

/** Who is signed in, the language, the account page and signing out, behind one button. */
function AccountMenu({ name, onLogout }: { name: string; onLogout: () => void }) {
  const [open, setOpen] = useState(false);
  const first = useRef<HTMLAnchorElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (open) first.current?.focus();
  }, [open]);
  // A menu as screen readers expect: arrows move between its items, Escape closes it and returns to its button.
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && open) {
      setOpen(false);
      button.current?.focus();
      return;
    }
    if (!open || (e.key !== 'ArrowDown' && e.key !== 'ArrowUp')) return;
    const items = [...(e.currentTarget as HTMLElement).querySelectorAll<HTMLElement>('[role="menuitem"]')];
    const at = items.indexOf(document.activeElement as HTMLElement);
    items[(at + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length]?.focus();
    e.preventDefault();
  };
  return (
    <div
      class="menu"
      onKeyDown={onKeyDown}
      onFocusOut={(e) => {
        if (!(e.currentTarget as HTMLElement).contains(e.relatedTarget as Node)) setOpen(false);
      }}
    >
      <button ref={button} type="button" class="icon" aria-haspopup="menu" aria-expanded={open} aria-label={t('nav.account')} onClick={() => setOpen(!open)}>
        ☰
      </button>
      {open && (
        <div class="menu-list" role="menu">
          <span class="who">{t('nav.signedInAs', { name })}</span>
          <a ref={first} role="menuitem" class="button-link" href="#/account" onClick={() => setOpen(false)}>
            {t('nav.account')}
          </a>
          <a role="menuitem" class="button-link" href="#/card" onClick={() => setOpen(false)}>
            {t('nav.record')}
          </a>
          <LanguageSwitch menuItem />
          <button type="button" role="menuitem" class="quiet" onClick={onLogout}>
            {t('nav.logout')}
          </button>
        </div>
      )}
    </div>
  );
}
