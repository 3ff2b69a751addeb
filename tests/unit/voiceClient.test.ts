import { describe, expect, it } from 'vitest';
import { joinWindow } from '../../client/src/chat/roomState';
import { highlightParts, searchTerms } from '../../client/src/highlight';
import { en } from '../../client/src/i18n/en';
import { lifeEn } from '../../client/src/i18n/life/en';
import { voiceEn } from '../../client/src/i18n/voice/en';
import { voiceZhCN } from '../../client/src/i18n/voice/zh-CN';
import { zhCN } from '../../client/src/i18n/zh-CN';
import { appendPage, applyDiscussionChange, byOldest, isPinned, isUnread, mergeById, orderAnnouncements, postActions, readShare, repliesClosed, resultLink, resultRoom, searchPath } from '../../client/src/views/voice/logic';
import type { ChatMessage } from '../../server/contract/model';
import type { Discussion, Post, SearchResult } from '../../server/contract/voice';

/** The pure parts of the district's voice pages (client/src/highlight.ts, client/src/views/voice/logic.ts) and their catalog part. */

const marked = (text: string, terms: string[]) => highlightParts(text, terms).map((p) => (p.match ? `[${p.text}]` : p.text)).join('');

describe('what a search marks', () => {
  it('takes the words of a query: Chinese stays whole, spaces split, quotes and operators are not words, longest first', () => {
    expect(searchTerms('党费')).toEqual(['党费']);
    expect(searchTerms('  流动党员   学习 ')).toEqual(['流动党员', '学习']);
    expect(searchTerms('"党费" OR 交*')).toEqual(['党费', '交']);
    expect(searchTerms('党费 党费')).toEqual(['党费']);
    expect(searchTerms('')).toEqual([]);
    expect(searchTerms('ＡＢＣ')).toEqual(['ABC']); // full-width letters as typed on a Chinese keyboard
    expect(searchTerms('x '.repeat(50) + 'y')).toHaveLength(2);
  });

  it('marks every match in a text, Latin letters in any case, the rest left as it was', () => {
    expect(marked('请按时交党费，党费可以网上交。', ['党费'])).toBe('请按时交[党费]，[党费]可以网上交。');
    expect(marked('Zoom meeting at 8, zoom link below', ['zoom'])).toBe('[Zoom] meeting at 8, [zoom] link below');
    expect(marked('流动党员学习', ['流动党员', '党员'])).toBe('[流动党员]学习');
    expect(marked('no match here', ['党费'])).toBe('no match here');
    expect(marked('anything', [])).toBe('anything');
    expect(highlightParts('', ['x'])).toEqual([]);
    // The parts always put the text back together.
    const text = '2025年的党费：按 2025 标准';
    expect(highlightParts(text, ['2025', '党费']).map((p) => p.text).join('')).toBe(text);
  });
});

describe('the voice pages’ lists', () => {
  const at = (iso: string) => Date.parse(iso);
  const a = (id: number, createdAt: string, pinnedUntil: string | null = null) => ({ id, createdAt, pinnedUntil });

  it('orders announcements still pinned first, then the newest; a lapsed pin drops back', () => {
    const now = at('2026-12-01T00:00:00Z');
    const list = [a(1, '2026-11-01T00:00:00Z', '2026-12-15T00:00:00Z'), a(2, '2026-11-20T00:00:00Z'), a(3, '2026-11-25T00:00:00Z', '2026-11-30T00:00:00Z'), a(4, '2026-11-10T00:00:00Z', '2026-12-02T00:00:00Z')];
    expect(orderAnnouncements(list, now).map((x) => x.id)).toEqual([4, 1, 3, 2]);
    expect(isPinned(list[2], now)).toBe(false);
    expect(isPinned(list[0], now)).toBe(true);
  });

  it('merges live items and pages without doubles, newer copies winning', () => {
    const r = (id: number, body = `r${id}`) => ({ id, body });
    expect(mergeById([r(1), r(3)], [r(2), r(3, 'edited')], byOldest)).toEqual([r(1), r(2), r(3, 'edited')]);
    expect(appendPage([r(5), r(4)], [r(4), r(3), r(2)]).map((x) => x.id)).toEqual([5, 4, 3, 2]);
  });

  it('marks unread only what was addressed to the viewer and not read yet (an organizer over the unit who was not addressed: never)', () => {
    expect(isUnread({ addressed: true, readAt: null })).toBe(true);
    expect(isUnread({ addressed: true, readAt: '2026-12-01T00:00:00Z' })).toBe(false);
    expect(isUnread({ addressed: false, readAt: null })).toBe(false);
  });

  it('says how much of the audience has read it', () => {
    expect(readShare(0, 4)).toBe(0);
    expect(readShare(1, 3)).toBe(33);
    expect(readShare(4, 4)).toBe(100);
    expect(readShare(0, 0)).toBe(0);
    expect(readShare(5, 4)).toBe(100);
  });
});

describe('a thread changed live', () => {
  const d = (fields: Partial<Discussion> = {}): Discussion => ({
    id: 1, orgId: 2, author: { id: 3, name: 'A' }, title: 't', body: 'b', createdAt: '2026-12-01T00:00:00Z', lastReplyAt: '2026-12-01T01:00:00Z', replies: 5, locked: false, hidden: false, ...fields,
  });
  it('takes the lock and the hide as the server says, never a reply count or last reply behind what the page knows', () => {
    expect(applyDiscussionChange(d(), d({ locked: true }))).toMatchObject({ locked: true, hidden: false, replies: 5 });
    expect(applyDiscussionChange(d({ locked: true }), d({ locked: false, hidden: true }))).toMatchObject({ locked: false, hidden: true });
    // A reply arrived live before the change: the page's count and time stay.
    const ahead = d({ replies: 7, lastReplyAt: '2026-12-01T02:00:00Z' });
    expect(applyDiscussionChange(ahead, d({ locked: true }))).toMatchObject({ locked: true, replies: 7, lastReplyAt: '2026-12-01T02:00:00Z' });
    expect(applyDiscussionChange(d({ lastReplyAt: null }), d({ replies: 6 }))).toMatchObject({ replies: 6, lastReplyAt: '2026-12-01T01:00:00Z' });
    // Another thread's change, or none loaded yet: nothing moves.
    const current = d();
    expect(applyDiscussionChange(current, d({ id: 9, locked: true }))).toBe(current);
    expect(applyDiscussionChange(null, d({ locked: true }))).toBeNull();
  });
  it('closes the reply box when locked, or hidden from a member; an organizer over it still replies to a hidden one', () => {
    expect(repliesClosed({ locked: false, hidden: false }, false)).toBe(false);
    expect(repliesClosed({ locked: true, hidden: false }, true)).toBe(true);
    expect(repliesClosed({ locked: false, hidden: true }, false)).toBe(true);
    expect(repliesClosed({ locked: false, hidden: true }, true)).toBe(false);
  });
});

describe('a post’s buttons', () => {
  const may = (edit: boolean, feature: boolean, remove: boolean): Post['may'] => ({ edit, feature, remove });
  it('follow what the server says the viewer may do', () => {
    expect(postActions({ may: may(true, false, true), status: 'published', featured: false })).toEqual(['edit', 'remove']); // the author
    expect(postActions({ may: may(false, true, true), status: 'published', featured: false })).toEqual(['feature', 'remove']); // an organizer over the author
    expect(postActions({ may: may(false, true, true), status: 'published', featured: true })).toEqual(['unfeature', 'remove']);
    expect(postActions({ may: may(true, true, true), status: 'draft', featured: false })).toEqual(['edit', 'remove']); // a draft is not featured
    expect(postActions({ may: may(false, false, false), status: 'published', featured: true })).toEqual([]); // anyone else
  });
});

describe('where a search result leads', () => {
  const result = (fields: Partial<SearchResult>): SearchResult => ({ kind: 'message', id: 9, title: 't', snippet: 's', createdAt: '2026-12-01T00:00:00Z', ...fields });
  it('opens a message in its room at its seq (the words to mark along), a reply at its place in the thread, the rest on their pages', () => {
    expect(resultLink(result({ roomId: 'org:3', seq: 120 }), '党费')).toBe('#/room/org:3?seq=120&q=%E5%85%9A%E8%B4%B9');
    expect(resultLink(result({}), '党费')).toBeNull();
    expect(resultLink(result({ kind: 'reply', id: 7, discussionId: 2 }), 'x')).toBe('#/discussions/2?reply=7');
    expect(resultLink(result({ kind: 'discussion', id: 2 }), 'x')).toBe('#/discussions/2');
    expect(resultLink(result({ kind: 'post', id: 4 }), 'x')).toBe('#/posts/4');
    expect(resultLink(result({ kind: 'announcement', id: 5 }), 'x')).toBe('#/announcements/5');
    expect(resultLink(result({ kind: 'project', id: 6 }), 'x')).toBe('#/projects/6');
  });
  it('names a message’s room as the server does, else from the member’s rooms, else not at all', () => {
    const rooms = [{ id: 'org:3', name: '伦敦支部' }];
    expect(resultRoom({ roomId: 'org:3', roomName: 'London branch' }, rooms)).toBe('London branch');
    expect(resultRoom({ roomId: 'org:3' }, rooms)).toBe('伦敦支部');
    expect(resultRoom({ roomId: 'meeting:4', roomName: '十二月组织生活会' }, rooms)).toBe('十二月组织生活会');
    expect(resultRoom({ roomId: 'meeting:5' }, rooms)).toBe('');
  });
  it('keeps a search in the address', () => {
    expect(searchPath(' 党费 ', '')).toBe('/search?q=%E5%85%9A%E8%B4%B9');
    expect(searchPath('a&b', 'post')).toBe('/search?q=a%26b&kind=post');
  });
});

describe('the voice catalog part', () => {
  it('has the same keys in both languages, none empty, the same placeholders, and no key of the shared catalog or member life', () => {
    expect(Object.keys(voiceEn).sort()).toEqual(Object.keys(voiceZhCN).sort());
    const placeholders = (text: string) => (text.match(/\{\w+\}/g) ?? []).sort();
    for (const [key, zh] of Object.entries(voiceZhCN)) {
      const english = voiceEn[key as keyof typeof voiceEn];
      expect(zh.length * english.length, key).toBeGreaterThan(0);
      expect(placeholders(english), key).toEqual(placeholders(zh));
      expect(key in zhCN || key in en || key in lifeEn, `${key} is in another catalog too`).toBe(false);
    }
  });
  it('leaves in the shared catalog only what the shell needs before the pages load: their titles, the tab, the search button, the room opened at a message', () => {
    for (const key of ['nav.voice', 'nav.announcements', 'nav.discussions', 'nav.posts', 'nav.search', 'room.found', 'room.toLatest'] as const) {
      expect(zhCN[key].length * en[key].length, key).toBeGreaterThan(0);
    }
  });
});

describe('a room opened at a message', () => {
  const m = (seq: number) => ({ id: seq, roomId: 'org:1', seq, author: { id: 1, name: 'A' }, body: `m${seq}`, clientId: `c${seq}`, createdAt: '2026-12-01T00:00:00Z', deleted: false }) as ChatMessage;
  const run = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => m(from + i));
  it('joins the window to the room’s latest page when they meet, and keeps it apart otherwise', () => {
    expect(joinWindow(run(10, 30), run(31, 80))).toEqual({ messages: run(10, 80), live: true });
    expect(joinWindow(run(10, 40), run(31, 80))).toEqual({ messages: run(10, 80), live: true });
    expect(joinWindow(run(10, 30), run(50, 99))).toEqual({ messages: run(10, 30), live: false });
    expect(joinWindow([], run(50, 99))).toEqual({ messages: run(50, 99), live: true });
    expect(joinWindow(run(1, 5), [])).toEqual({ messages: run(1, 5), live: true });
  });
});
