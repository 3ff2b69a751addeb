/** The statistics page's pure parts. The shape is the server's (`GET /api/stats`, PROTOCOL.md "District statistics"). */
export interface DistrictStats {
  units: { committee: number; general_branch: number; branch: number };
  members: { active: number; mobile: number; abroad: number; inTransit: number; lostContact: number };
  discussions: number;
  posts: number;
  announcements: number;
  transfers: { completed: number; pending: number };
  meetings: { held: number; attendance: number; publicRegistrations: number };
  dues: Array<{ period: string; due: number; paid: number }>;
  trainingHours: number;
}

/** A bar's length, 0..100, against the largest; a non-zero figure always shows (at least 2). */
export function barShare(value: number, largest: number): number {
  if (value <= 0 || largest <= 0) return 0;
  return Math.max(2, Math.min(100, Math.round((value / largest) * 100)));
}
