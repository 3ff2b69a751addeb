import type { Database } from '../database';
import type { Clock } from '../../domain/ports';
import { createAnnouncementsRepo } from './announcements';
import { createAuditRepo } from './audit';
import { createCallsRepo } from './calls';
import { createCheckinsRepo } from './checkins';
import { createDuesRepo } from './dues';
import { createDiscussionsRepo } from './discussions';
import { createGuestInvitesRepo } from './guestInvites';
import { createMeetingsRepo } from './meetings';
import { createMemberLifeRepo } from './memberLife';
import { createMessagesRepo } from './messages';
import { createNotificationsRepo } from './notifications';
import { createOrgsRepo } from './orgs';
import { createPostsRepo } from './posts';
import { createProjectsRepo } from './projects';
import { createRoomReadsRepo } from './roomReads';
import { createSearchRepo } from './search';
import { createStatsRepo } from './stats';
import { createSendRecordsRepo } from './sendRecords';
import { createTendersRepo } from './tenders';
import { createTokensRepo } from './tokens';
import { createTrainingsRepo } from './trainings';
import { createTransfersRepo } from './transfers';
import { createUsersRepo } from './users';

/** Every repository over one database, for one process (stateless: SQL in, domain objects out). */
export function createRepositories(db: Database, clock: Clock) {
  return {
    users: createUsersRepo(db.knex, db.read, clock),
    orgs: createOrgsRepo(db.knex, db.read, clock),
    tokens: createTokensRepo(db.knex, db.read, clock),
    messages: createMessagesRepo(db.knex, db.read, clock),
    meetings: createMeetingsRepo(db.knex, db.read, clock),
    notifications: createNotificationsRepo(db.knex, db.read, clock),
    calls: createCallsRepo(db.knex, db.read),
    guestInvites: createGuestInvitesRepo(db.knex, db.read, clock),
    checkins: createCheckinsRepo(db.knex, db.read, clock),
    dues: createDuesRepo(db.knex, db.read, clock),
    sendRecords: createSendRecordsRepo(clock),
    roomReads: createRoomReadsRepo(db.knex, db.read, clock),
    memberLife: createMemberLifeRepo(db.knex, db.read, clock),
    transfers: createTransfersRepo(db.knex, db.read, clock),
    trainings: createTrainingsRepo(db.knex, db.read, clock),
    audit: createAuditRepo(db.knex, db.read, clock),
    announcements: createAnnouncementsRepo(db.knex, db.read, clock),
    discussions: createDiscussionsRepo(db.knex, db.read, clock),
    posts: createPostsRepo(db.knex, db.read, clock),
    search: createSearchRepo(db.knex, db.read),
    tenders: createTendersRepo(db.knex, db.read, clock),
    projects: createProjectsRepo(db.knex, db.read, clock),
    stats: createStatsRepo(db.read),
  };
}

export type Repositories = ReturnType<typeof createRepositories>;
