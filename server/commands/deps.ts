import type { Repositories } from '../db/repositories';
import type { CallService } from '../domain/calls';
import type { OrgDirectory } from '../domain/orgDirectory';
import type { Sessions } from '../domain/ports';
import type { UnitOfWork } from '../domain/unitOfWork';
import type { AuditTrail } from '../domain/audit';

/** What the commands work with. */
export interface CommandDeps {
  repos: Repositories;
  directory: OrgDirectory;
  uow: UnitOfWork;
  sessions: Sessions;
  calls: Pick<CallService, 'endAllOf'>;
  audit: AuditTrail;
}
