/**
 * Open organizational life (PROTOCOL.md, "Open organizational life"): calls for projects, bids and their
 * supporters, the project library. Shared by server, client and tests.
 */
import type { UserRef } from './model';

/** `open` until `closesAt`, then `closed`; `awarded` once a bid entered the library. */
export type TenderStatus = 'open' | 'closed' | 'awarded';
export const TENDER_STATUSES: readonly TenderStatus[] = ['open', 'closed', 'awarded'];

export interface Tender {
  id: number;
  orgId: number;
  title: string;
  description: string;
  closesAt: string;
  status: TenderStatus;
  /** How many bids it has. */
  bids: number;
  /** The bid that entered the library, once awarded. */
  awardedBidId: number | null;
  createdAt: string;
}

export interface Bid {
  id: number;
  tenderId: number;
  author: UserRef;
  title: string;
  summary: string;
  plan: string;
  format: string;
  supporters: number;
  supportedByMe: boolean;
  createdAt: string;
}

export interface Project {
  id: number;
  title: string;
  summary: string;
  plan: string;
  format: string;
  topics: string[];
  origin: { tenderId: number; bidId: number } | null;
  ownerOrgId: number;
  adoptions: number;
  createdAt: string;
}

/** District statistics (`GET /api/stats`): figures over a unit and everything under it. */
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
