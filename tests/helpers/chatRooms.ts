import type { Locator } from 'playwright-core';
import { userRoom } from '../../server/contract/events';
import type { App } from '../../server/app';
import type { Database } from '../../server/db/database';
import { api, waitFor } from './clients';

/** Helpers for the chat-room, notification and first-screen browser tests (used by those files only). */

/** The viewports these files use (kept with the browser set-up, where every browser test finds them). */
export { DESKTOP_EN, PHONE_ZH } from './browser';

export interface SeedMessage {
  authorId: number;
  body: string;
  createdAt: Date;
}

/**
 * Writes messages straight into a room (with the timestamps given, e.g. yesterday's), the way the
 * server stores them: the next seq numbers after the room's counter, which is moved on. Returns their seqs.
 */
export async function insertMessages(db: Database, roomId: string, messages: SeedMessage[]): Promise<number[]> {
  return db.knex.transaction(async (trx) => {
    const room = await trx('rooms').where({ id: roomId }).first('last_seq');
    if (!room) throw new Error(`no room ${roomId}`);
    let seq = Number(room.last_seq);
    const seqs: number[] = [];
    const rows = messages.map((m) => {
      seq += 1;
      seqs.push(seq);
      return { room_id: roomId, seq, author_id: m.authorId, client_id: `seed-${roomId.replace(':', '-')}-${seq}`, body: m.body, created_at: m.createdAt.toISOString() };
    });
    for (let i = 0; i < rows.length; i += 100) await trx('messages').insert(rows.slice(i, i + 100));
    await trx('rooms').where({ id: roomId }).update({ last_seq: seq });
    return seqs;
  });
}

/** Noon of yesterday in a time zone (always yesterday's date there, whatever the hour now). */
export function yesterdayNoon(timeZone: string, now = Date.now()): Date {
  const then = now - 86_400_000;
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(then));
  const hour = Number(parts.find((p) => p.type === 'hour')!.value);
  const minute = Number(parts.find((p) => p.type === 'minute')!.value);
  return new Date(then - ((hour * 60 + minute - 12 * 60) * 60_000));
}

/**
 * The network under a browser drops: its server-side connections are closed (as a dead link would be,
 * without waiting 40 s for missed pings), and while `setOffline(true)` holds it cannot reconnect.
 */
export async function dropConnections(app: App, userId: number): Promise<void> {
  const room = userRoom(userId);
  for (const socket of app.io.of('/').sockets.values()) {
    if (socket.rooms.has(room)) socket.conn.close();
  }
}

/** Waits until the member's profile says they read notifications in `language` (the client keeps it equal to the UI). */
export async function waitForLanguage(base: string, token: string, language: string): Promise<void> {
  await waitFor(async () => (await api(base, 'GET', '/api/me', { token })).body.user.language === language, 10_000, `language ${language}`);
}

/** The point at the centre of an element hits that element (or something inside it): nothing covers it. */
export async function isTappable(locator: Locator): Promise<boolean> {
  return locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return false;
    const x = r.left + r.width / 2;
    const y = r.top + r.height / 2;
    if (x < 0 || y < 0 || x > window.innerWidth || y > window.innerHeight) return false;
    const hit = document.elementFromPoint(x, y);
    return hit !== null && (hit === el || el.contains(hit));
  });
}

/** The top of an element relative to the top of a scroll container, in px. */
export async function topWithin(element: Locator, container: Locator): Promise<number> {
  const [a, b] = await Promise.all([element.boundingBox(), container.boundingBox()]);
  if (!a || !b) throw new Error('element not rendered');
  return a.y - b.y;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The accessible name of a link or tab that carries a count after its visible name, e.g. "Chat (2 unread)", "聊天（2 条未读）". */
export function named(name: string, count: number, what: 'unread' | 'overdue' = 'unread', lang: 'en' | 'zh-CN' = 'en'): RegExp {
  const tail = lang === 'en' ? `\\(${count} ${what === 'unread' ? 'unread' : 'months overdue'}\\)` : `（${count} ${what === 'unread' ? '条未读' : '个月逾期'}）`;
  return new RegExp(`^${escape(name)}\\s*${tail}$`);
}
