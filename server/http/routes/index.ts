import type { Router } from 'express';
import type { AppServices } from '../../services';
import type { Endpoint } from '../endpoint';
import { announcementRoutes } from './announcements';
import { auditRoutes } from './audit';
import { authRoutes } from './auth';
import { callRoutes } from './calls';
import { checkinRoutes } from './checkins';
import { discussionRoutes } from './discussions';
import { duesRoutes } from './dues';
import { lifeRoutes } from './life';
import { meetingRoutes } from './meetings';
import { memberRoutes } from './members';
import { notificationRoutes } from './notifications';
import { orgRoutes } from './orgs';
import { postRoutes } from './posts';
import { projectRoutes } from './projects';
import { publicRoutes } from './public';
import { searchRoutes } from './search';
import { statsRoutes } from './stats';
import { trainingRoutes } from './trainings';
import { transferRoutes } from './transfers';

/** One router per resource; a new resource adds its file and a line here. */
export const ROUTES: Array<(services: AppServices, endpoint: Endpoint) => Router> = [
  authRoutes,
  orgRoutes,
  // Before the members' routes: `/members/lost-contact` is not a member id.
  lifeRoutes,
  memberRoutes,
  meetingRoutes,
  notificationRoutes,
  callRoutes,
  checkinRoutes,
  duesRoutes,
  transferRoutes,
  trainingRoutes,
  auditRoutes,
  announcementRoutes,
  discussionRoutes,
  postRoutes,
  searchRoutes,
  projectRoutes,
  statsRoutes,
  publicRoutes,
];
