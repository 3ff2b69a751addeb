/** The statistics page's pure parts. The figures' shape is the contract's (`GET /api/stats`). */
import type { DistrictStats } from '../../../../server/contract/projects';

export type { DistrictStats };

/** A bar's length, 0..100, against the largest; a non-zero figure always shows (at least 2). */
export function barShare(value: number, largest: number): number {
  if (value <= 0 || largest <= 0) return 0;
  return Math.max(2, Math.min(100, Math.round((value / largest) * 100)));
}
