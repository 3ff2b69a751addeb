import type { MeetingsRepo } from '../db/repositories/meetings';
import type { RoomRule } from './chat';
import { mayManageMeeting } from './meetingRules';
import type { OrgDirectory } from './orgDirectory';

/** `meeting:<id>` rooms: the admin, organizers over the host unit, and members holding a seat (confirmed or attended). */
export function meetingRoomRule(meetings: MeetingsRepo, directory: OrgDirectory): RoomRule {
  return {
    async canUse(actor, id) {
      const meeting = await meetings.find(id);
      if (!meeting) return null;
      if (mayManageMeeting(await directory.current(), actor, meeting.host_org_id)) return true;
      const signup = await meetings.signupOf(id, actor.id);
      return signup?.status === 'confirmed' || signup?.status === 'attended';
    },
    async canModerate(actor, id) {
      const meeting = await meetings.find(id);
      return meeting !== null && mayManageMeeting(await directory.current(), actor, meeting.host_org_id);
    },
  };
}
