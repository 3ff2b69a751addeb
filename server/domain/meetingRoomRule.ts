import type { MeetingsRepo } from '../db/repositories/meetings';
import type { RoomRule } from './chat';
import { mayManageMeeting } from './meetingRules';
import type { OrgDirectory } from './orgDirectory';

/** `meeting:<id>` rooms: the admin, organizers over the host unit, and members holding a seat (confirmed or attended). */
export function meetingRoomRule(meetings: MeetingsRepo, directory: OrgDirectory): RoomRule {
  return {
    async canUse(actor, id) {
      const access = await meetings.accessOf(id, actor.id);
      if (!access) return null;
      if (mayManageMeeting(await directory.current(), actor, access.hostOrgId)) return true;
      return access.signupStatus === 'confirmed' || access.signupStatus === 'attended';
    },
    async canModerate(actor, id) {
      const meeting = await meetings.find(id);
      return meeting !== null && mayManageMeeting(await directory.current(), actor, meeting.host_org_id);
    },
  };
}
