import type { Router } from 'express';
import type { AppServices } from '../../services';
import type { Endpoint } from '../endpoint';
import { authRoutes } from './auth';
import { callRoutes } from './calls';
import { checkinRoutes } from './checkins';
import { duesRoutes } from './dues';
import { meetingRoutes } from './meetings';
import { memberRoutes } from './members';
import { notificationRoutes } from './notifications';
import { orgRoutes } from './orgs';

/** One router per resource; a new resource adds its file and a line here. */
export const ROUTES: Array<(services: AppServices, endpoint: Endpoint) => Router> = [
  authRoutes,
  orgRoutes,
  memberRoutes,
  meetingRoutes,
  notificationRoutes,
  callRoutes,
  checkinRoutes,
  duesRoutes,
];
