import { h, type ComponentType, type FunctionComponent, type VNode } from 'preact';
import type { Me } from '../api';
import type { MessageKey } from '../i18n';
import type { NotificationStore } from '../notifications';
import type { ChatStore } from '../chat/chatStore';
import type { Ledger } from './Shell';

/**
 * A page loaded when first opened (the first load stays small on a slow phone link). Unlike `lazy()`, a
 * load that failed (the link dropped, a deploy replaced the file) is not kept: the next mount tries again.
 */
function onDemand<P>(load: () => Promise<ComponentType<P>>): FunctionComponent<P> {
  let loaded: ComponentType<P> | null = null;
  let failure: { error: unknown } | null = null;
  let pending: Promise<void> | null = null;
  return function OnDemand(props: P) {
    if (loaded) return h(loaded as ComponentType<any>, props as any);
    if (failure) {
      const { error } = failure;
      failure = null; // thrown once, to the page boundary; mounting again loads again
      throw error;
    }
    pending ??= load().then(
      (component) => void (loaded = component),
      (error) => void (failure = { error }),
    ).finally(() => (pending = null));
    throw pending; // Suspense shows the loading line meanwhile
  };
}
const named = <K extends string, M extends Record<K, ComponentType<any>>>(load: () => Promise<M>, name: K) =>
  onDemand<M[K] extends ComponentType<infer P> ? P : never>(() => load().then((m) => m[name]));
const CallPage = onDemand(() => import('../call/CallPage').then((m) => m.default));
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
const TransferPage = named(() => import('./life/TransferPage'), 'TransferPage');
const TransfersQueue = named(() => import('./life/TransfersQueue'), 'TransfersQueue');
const TransferDetail = named(() => import('./life/TransferDetail'), 'TransferDetail');
const LostContact = named(() => import('./life/LostContact'), 'LostContact');
const ReportIn = named(() => import('./life/ReportIn'), 'ReportIn');
const Trainings = named(() => import('./life/Trainings'), 'Trainings');
const TrainingDetail = named(() => import('./life/TrainingDetail'), 'TrainingDetail');
const TrainingQueue = named(() => import('./life/TrainingQueue'), 'TrainingQueue');
const CardPage = named(() => import('./life/CardPage'), 'CardPage');
const AuditPage = named(() => import('./life/AuditPage'), 'AuditPage');
const Announcements = named(() => import('./voice/Announcements'), 'Announcements');
const AnnouncementDetail = named(() => import('./voice/AnnouncementDetail'), 'AnnouncementDetail');
const Discussions = named(() => import('./voice/Discussions'), 'Discussions');
const DiscussionThread = named(() => import('./voice/DiscussionThread'), 'DiscussionThread');
const Posts = named(() => import('./voice/Posts'), 'Posts');
const PostPage = named(() => import('./voice/PostPage'), 'PostPage');
const PostEditor = named(() => import('./voice/PostEditor'), 'PostEditor');
const SearchPage = named(() => import('./voice/SearchPage'), 'SearchPage');
const Tenders = named(() => import('./projects/Tenders'), 'Tenders');
const TenderDetail = named(() => import('./projects/TenderDetail'), 'TenderDetail');
const Projects = named(() => import('./projects/Projects'), 'Projects');
const ProjectDetail = named(() => import('./projects/ProjectDetail'), 'ProjectDetail');
const StatsPage = named(() => import('./stats/StatsPage'), 'StatsPage');
const tenderStatus = (s: string | null) => (s === 'open' || s === 'closed' || s === 'awarded' ? s : null);
const manages = (me: Me) => me.user.role === 'admin' || me.organizerOf.length > 0;

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
  // Member life across branches: the member's record, and the organizers' queues and logs.
  { path: /^\/card$/, title: 'nav.card', render: (_, __, ctx) => <CardPage key={ctx.me.user.id} memberId={ctx.me.user.id} token={ctx.token} me={ctx.me} /> },
  { path: /^\/members\/(\d+)\/card$/, title: 'nav.card', render: ([id], _, ctx) => <CardPage key={id} memberId={Number(id)} token={ctx.token} me={ctx.me} /> },
  { path: /^\/transfer$/, title: 'nav.transfer', render: (_, __, ctx) => <TransferPage token={ctx.token} me={ctx.me} socket={ctx.store.socket} /> },
  { path: /^\/transfers$/, title: 'nav.transfers', managers: true, render: (_, __, ctx) => <TransfersQueue token={ctx.token} me={ctx.me} socket={ctx.store.socket} /> },
  { path: /^\/transfers\/(\d+)$/, title: 'nav.transfer', render: ([id], _, ctx) => <TransferDetail key={id} id={Number(id)} token={ctx.token} me={ctx.me} socket={ctx.store.socket} manages={manages(ctx.me)} /> },
  { path: /^\/report-in$/, title: 'nav.reportIn', render: (_, __, ctx) => <ReportIn token={ctx.token} me={ctx.me} /> },
  { path: /^\/trainings$/, title: 'nav.trainings', render: (_, __, ctx) => <Trainings token={ctx.token} me={ctx.me} /> },
  { path: /^\/trainings\/pending$/, title: 'nav.trainingQueue', managers: true, render: (_, __, ctx) => <TrainingQueue token={ctx.token} me={ctx.me} /> },
  { path: /^\/trainings\/(\d+)$/, title: 'nav.trainings', render: ([id], _, ctx) => <TrainingDetail key={id} id={Number(id)} token={ctx.token} me={ctx.me} /> },
  { path: /^\/lost-contact$/, title: 'nav.lostContact', managers: true, render: (_, __, ctx) => <LostContact token={ctx.token} me={ctx.me} startCall={ctx.startCall} /> },
  { path: /^\/audit$/, title: 'nav.audit', managers: true, render: (_, __, ctx) => <AuditPage token={ctx.token} me={ctx.me} /> },
  { path: /^\/stats$/, title: 'nav.stats', managers: true, render: (_, query, ctx) => <StatsPage token={ctx.token} me={ctx.me} orgId={Number(query.get('orgId')) || null} /> },
  // The district's voice: announcements, discussions, blogs (the forum tab), and search (the header's button).
  { path: /^\/announcements$/, title: 'nav.announcements', render: (_, __, ctx) => <Announcements token={ctx.token} me={ctx.me} socket={ctx.store.socket} /> },
  { path: /^\/announcements\/(\d+)$/, title: 'nav.announcements', render: ([id], _, ctx) => <AnnouncementDetail key={id} id={Number(id)} token={ctx.token} me={ctx.me} socket={ctx.store.socket} /> },
  { path: /^\/discussions$/, title: 'nav.discussions', render: (_, query, ctx) => <Discussions token={ctx.token} me={ctx.me} orgId={Number(query.get('orgId')) || null} /> },
  { path: /^\/discussions\/(\d+)$/, title: 'nav.discussions', render: ([id], query, ctx) => <DiscussionThread key={id} id={Number(id)} token={ctx.token} me={ctx.me} socket={ctx.store.socket} replyId={Number(query.get('reply')) || null} /> },
  { path: /^\/posts$/, title: 'nav.posts', render: (_, query, ctx) => <Posts token={ctx.token} me={ctx.me} view={query.get('view') === 'featured' ? 'featured' : query.get('view') === 'mine' ? 'mine' : 'all'} /> },
  { path: /^\/posts\/new$/, title: 'nav.posts', render: (_, __, ctx) => <PostEditor id={null} token={ctx.token} /> },
  { path: /^\/posts\/(\d+)$/, title: 'nav.posts', render: ([id], _, ctx) => <PostPage key={id} id={Number(id)} token={ctx.token} me={ctx.me} /> },
  { path: /^\/posts\/(\d+)\/edit$/, title: 'nav.posts', render: ([id], _, ctx) => <PostEditor key={id} id={Number(id)} token={ctx.token} /> },
  // Open organizational life (the forum's fourth section): calls for projects and the project library.
  { path: /^\/tenders$/, title: 'nav.projects', render: (_, query, ctx) => <Tenders token={ctx.token} me={ctx.me} status={tenderStatus(query.get('status'))} /> },
  { path: /^\/tenders\/(\d+)$/, title: 'nav.projects', render: ([id], _, ctx) => <TenderDetail key={id} id={Number(id)} token={ctx.token} me={ctx.me} socket={ctx.store.socket} /> },
  { path: /^\/projects$/, title: 'nav.projects', render: (_, query, ctx) => <Projects token={ctx.token} me={ctx.me} q={query.get('q') ?? ''} topic={query.get('topic') ?? ''} /> },
  { path: /^\/projects\/(\d+)$/, title: 'nav.projects', render: ([id], _, ctx) => <ProjectDetail key={id} id={Number(id)} token={ctx.token} me={ctx.me} /> },
  { path: /^\/search$/, title: 'nav.search', render: (_, query, ctx) => <SearchPage token={ctx.token} me={ctx.me} query={query.get('q') ?? ''} kind={query.get('kind') ?? ''} /> },
];

/** The forum's paths (its tab is current on them). */
export const VOICE_PATHS = /^\/(announcements|discussions|posts|tenders|projects)(\/|\?|$)/;

/** The console's paths outside /admin (the Manage tab is current on them). */
export const MANAGE_PATHS = /^\/(admin|transfers|lost-contact|audit|stats|trainings\/pending)(\/|\?|$)/;

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
