import type { VNode } from 'preact';
import { lazy } from 'preact/compat';
import type { Me } from '../api';
import type { MessageKey } from '../i18n';
import type { NotificationStore } from '../notifications';
import type { ChatStore } from '../chat/chatStore';
import type { Ledger } from './Shell';

// Every page but chat loads when first opened: the first load stays small on a slow phone link.
const named = <K extends string, M extends Record<K, any>>(load: () => Promise<M>, name: K) => lazy(() => load().then((m) => ({ default: m[name] })));
const CallPage = lazy(() => import('../call/CallPage'));
const CallsPage = named(() => import('./CallsPage'), 'CallsPage');
const MeetingsList = named(() => import('./meetings/MeetingsList'), 'MeetingsList');
const MeetingDetail = named(() => import('./meetings/MeetingDetail'), 'MeetingDetail');
const NewMeeting = named(() => import('./meetings/NewMeeting'), 'NewMeeting');
const DuesPage = named(() => import('./dues/DuesPage'), 'DuesPage');
const MemberLedger = named(() => import('./dues/MemberLedger'), 'MemberLedger');
const Notifications = named(() => import('./Notifications'), 'Notifications');
const MembersAdmin = named(() => import('./admin/MembersAdmin'), 'MembersAdmin');
const OrgsAdmin = named(() => import('./admin/OrgsAdmin'), 'OrgsAdmin');
const AccountPage = named(() => import('./AccountPage'), 'AccountPage');

/** What the shell hands every page. */
export interface PageContext {
  token: string;
  me: Me;
  store: ChatStore;
  notifications: NotificationStore;
  ledger: Ledger | null;
  reloadLedger: () => void;
  startCall: (path: string, name: string) => void;
  /** The name of whom a call being opened is with (known to the page that started it). */
  peerName: string;
  /** Leaves a page that is over (a call that ended). */
  leave: (to: string) => void;
}

interface Page {
  /** The path after `#`, query string excluded; groups are the page's parameters. */
  path: RegExp;
  /** The heading of the bar on a phone. */
  title: MessageKey;
  /** Only for those who manage a unit (organizers and the admin). */
  managers?: true;
  render(params: string[], query: URLSearchParams, ctx: PageContext): VNode;
}

/** Every page of the signed-in app but chat (the shell's own): a new page adds a line here. */
const PAGES: Page[] = [
  {
    path: /^\/call\/(user|guest|answer)\/([^/]+)$/,
    title: 'nav.calls',
    render: ([kind, target], query, ctx) => {
      const audioOnly = query.get('voice') === '1';
      const checkin = query.get('checkin');
      const intent =
        kind === 'answer'
          ? { answer: target, audioOnly }
          : kind === 'guest'
            ? { guestInviteId: Number(target), audioOnly }
            : { userId: Number(target), audioOnly, ...(checkin ? { checkinId: Number(checkin) } : {}) };
      return <CallPage key={`${kind}/${target}`} socket={ctx.store.socket} token={ctx.token} intent={intent} peerName={ctx.peerName || query.get('name') || ''} onDone={() => ctx.leave('/calls')} />;
    },
  },
  { path: /^\/calls$/, title: 'nav.calls', render: (_, __, ctx) => <CallsPage token={ctx.token} me={ctx.me} startCall={ctx.startCall} /> },
  { path: /^\/meetings$/, title: 'nav.meetings', render: (_, __, ctx) => <MeetingsList token={ctx.token} me={ctx.me} /> },
  { path: /^\/meetings\/new$/, title: 'nav.meetings', render: (_, __, ctx) => <NewMeeting token={ctx.token} me={ctx.me} /> },
  { path: /^\/meetings\/(\d+)$/, title: 'nav.meetings', render: ([id], _, ctx) => <MeetingDetail key={id} id={Number(id)} token={ctx.token} me={ctx.me} socket={ctx.store.socket} /> },
  { path: /^\/dues$/, title: 'nav.dues', render: (_, __, ctx) => <DuesPage token={ctx.token} me={ctx.me} ledger={ctx.ledger} reload={ctx.reloadLedger} /> },
  { path: /^\/dues\/members\/(\d+)$/, title: 'nav.dues', render: ([id], _, ctx) => <MemberLedger key={id} token={ctx.token} me={ctx.me} memberId={Number(id)} /> },
  { path: /^\/notifications$/, title: 'nav.notifications', render: (_, __, ctx) => <Notifications store={ctx.notifications} me={ctx.me} startCall={ctx.startCall} /> },
  { path: /^\/admin\/orgs$/, title: 'nav.manage', managers: true, render: (_, __, ctx) => <OrgsAdmin token={ctx.token} me={ctx.me} /> },
  { path: /^\/admin(\/members)?$/, title: 'nav.manage', managers: true, render: (_, __, ctx) => <MembersAdmin token={ctx.token} me={ctx.me} /> },
  { path: /^\/account$/, title: 'nav.account', render: (_, __, ctx) => <AccountPage token={ctx.token} me={ctx.me} /> },
];

/** The page at a path (`/meetings/7?x=1`), or null when no page is there (or not for this viewer). */
export function pageAt(path: string, ctx: PageContext, manages: boolean): { title: MessageKey; view: VNode } | null {
  const [pathname, search = ''] = path.split('?', 2);
  for (const page of PAGES) {
    const match = pathname.match(page.path);
    if (!match || (page.managers && !manages)) continue;
    return { title: page.title, view: page.render(match.slice(1), new URLSearchParams(search), ctx) };
  }
  return null;
}
