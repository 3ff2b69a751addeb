import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';

const digest = (text: string) => createHash('sha256').update(text).digest();
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * Who may read /metrics: with METRICS_TOKEN set, only a request bearing it; without it, only a request
 * made on this machine. "On this machine" is the socket's own peer address, and a request that passed
 * through a proxy (it carries X-Forwarded-For or Forwarded) never counts, so a reverse proxy on the same
 * host does not open the metrics to the world.
 */
export function metricsAllowed(req: Request, token: string | null): boolean {
  if (token) {
    const header = req.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    return timingSafeEqual(digest(given), digest(token));
  }
  if (req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined) return false;
  return LOOPBACK.has(req.socket.remoteAddress ?? '');
}
