import type { Commands } from './commands';
import type { Config } from './config';
import type { Actor } from './contract/model';
import type { AnnouncementService } from './domain/announcements';
import type { AuditService } from './domain/audit';
import type { DiscussionService } from './domain/discussions';
import type { PostService } from './domain/posts';
import type { SearchIndexer, SearchService } from './domain/search';
import type { TenderService } from './domain/tenders';
import type { ProjectService } from './domain/projects';
import type { StatsService } from './domain/stats';
import type { AuthService } from './domain/auth';
import type { MemberLifeService } from './domain/memberLife';
import type { SignsOfLife } from './domain/signsOfLife';
import type { TrainingService } from './domain/trainings';
import type { TransferService } from './domain/transfers';
import type { CallService } from './domain/calls';
import type { CardService } from './domain/cards';
import type { ChatService } from './domain/chat';
import type { CheckinService } from './domain/checkins';
import type { DuesService } from './domain/dues';
import type { DuesStage } from './domain/duesSchedule';
import type { GuestService } from './domain/guests';
import type { MeetingService } from './domain/meetings';
import type { MemberService } from './domain/members';
import type { NotificationService } from './domain/notifications';
import type { OrgDirectory } from './domain/orgDirectory';
import type { OrgService } from './domain/orgs';
import type { ProfileService } from './domain/profile';
import type { Clock, Sessions } from './domain/ports';
import type { queueState } from './jobs/queues';
import type { importMembers } from './domain/memberImport';

/**
 * What the transport layer (HTTP routes, socket handlers) may use: the services and commands, built by
 * the composition root. Routes and handlers depend on this interface, never on app.ts.
 */
export interface AppServices {
  config: Config;
  clock: Clock;
  directory: OrgDirectory;
  sessions: Sessions;
  auth: AuthService;
  orgs: OrgService;
  members: MemberService;
  meetings: MeetingService;
  notifications: NotificationService;
  calls: CallService;
  guests: GuestService;
  checkins: CheckinService;
  cards: CardService;
  dues: DuesService;
  chat: ChatService;
  profile: ProfileService;
  commands: Commands;
  transfers: TransferService;
  trainings: TrainingService;
  life: MemberLifeService;
  audit: AuditService;
  /** Signs of life, noted in memory and written coalesced (lastSeenAt). */
  signs: SignsOfLife;
  announcements: AnnouncementService;
  discussions: DiscussionService;
  posts: PostService;
  search: SearchService;
  /** Indexes chat messages behind the send path (tests wait on `run()`). */
  indexer: SearchIndexer;
  tenders: TenderService;
  projects: ProjectService;
  stats: StatsService;
  importMembers(actor: Actor, csv: string): ReturnType<typeof importMembers>;
  runDuesStage(actor: Actor, input: { period: string; stage: DuesStage; orgId?: number }): Promise<number>;
  duesQueueState(actor: Actor): Promise<Awaited<ReturnType<typeof queueState>> & { mode: 'auto' | 'manual' }>;
}
