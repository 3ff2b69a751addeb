import { describe, expect, it } from 'vitest';
import { en } from '../../client/src/i18n/en';
import { lifeEn } from '../../client/src/i18n/life/en';
import { projectsEn } from '../../client/src/i18n/projects/en';
import { projectsZhCN } from '../../client/src/i18n/projects/zh-CN';
import { voiceEn } from '../../client/src/i18n/voice/en';
import { zhCN } from '../../client/src/i18n/zh-CN';
import { applyCounts, libraryPath, parseTopics, shownStatus, takesPart, topicChoices } from '../../client/src/views/projects/logic';
import type { Bid } from '../../server/contract/projects';

/** The pure parts of the open organizational life pages (client/src/views/projects/logic.ts) and their catalog part. */

const bid = (id: number, supporters: number): Bid => ({ id, tenderId: 1, author: { id: 1, name: 'A' }, title: `b${id}`, summary: '', plan: '', format: '', supporters, supportedByMe: false, createdAt: '2026-12-01T00:00:00Z' });

describe('live support counts', () => {
  it('puts the counts on the bids shown, keeps their order (a button never moves under a finger) and ignores bids not shown', () => {
    const shown = [bid(3, 5), bid(1, 2), bid(2, 0)];
    const next = applyCounts(shown, [{ id: 2, supporters: 9 }, { id: 7, supporters: 1 }, { id: 3, supporters: 5 }]);
    expect(next.map((b) => [b.id, b.supporters])).toEqual([[3, 5], [1, 2], [2, 9]]);
    expect(next[0]).toBe(shown[0]); // unchanged bids are the same objects
  });
});

describe('a call’s state', () => {
  const now = Date.parse('2026-12-10T12:00:00Z');
  it('takes bids and support while open and before its closing time; shows closed once the time passed', () => {
    expect(takesPart({ status: 'open', closesAt: '2026-12-11T00:00:00Z' }, now)).toBe(true);
    expect(takesPart({ status: 'open', closesAt: '2026-12-10T11:59:59Z' }, now)).toBe(false);
    expect(takesPart({ status: 'awarded', closesAt: '2026-12-11T00:00:00Z' }, now)).toBe(false);
    expect(shownStatus({ status: 'open', closesAt: '2026-12-10T11:00:00Z' }, now)).toBe('closed');
    expect(shownStatus({ status: 'awarded', closesAt: '2026-12-10T11:00:00Z' }, now)).toBe('awarded');
    expect(shownStatus({ status: 'open', closesAt: '2026-12-12T11:00:00Z' }, now)).toBe('open');
  });
});

describe('the library', () => {
  it('reads topics typed with Chinese or Latin commas, enumeration commas and spaces, once each, at most ten', () => {
    expect(parseTopics('党史，社区、志愿 党史, housing;;')).toEqual(['党史', '社区', '志愿', 'housing']);
    expect(parseTopics('  ')).toEqual([]);
    expect(parseTopics(Array.from({ length: 12 }, (_, i) => `t${i}`).join(' '))).toHaveLength(10);
  });
  it('offers the topics of the projects listed and the one chosen; keeps the search in the address', () => {
    expect(topicChoices([{ topics: ['社区', '党史'] }, { topics: ['党史'] }], '志愿')).toEqual(expect.arrayContaining(['社区', '党史', '志愿']));
    expect(topicChoices([], '')).toEqual([]);
    expect(libraryPath(' 独居老人 ', '社区')).toBe('/projects?q=%E7%8B%AC%E5%B1%85%E8%80%81%E4%BA%BA&topic=%E7%A4%BE%E5%8C%BA');
    expect(libraryPath('', '')).toBe('/projects');
  });
});

describe('the projects catalog part', () => {
  it('has the same keys in both languages, none empty, the same placeholders, and no key of another catalog', () => {
    expect(Object.keys(projectsEn).sort()).toEqual(Object.keys(projectsZhCN).sort());
    const placeholders = (text: string) => (text.match(/\{\w+\}/g) ?? []).sort();
    for (const [key, zh] of Object.entries(projectsZhCN)) {
      const english = projectsEn[key as keyof typeof projectsEn];
      expect(zh.length * english.length, key).toBeGreaterThan(0);
      expect(placeholders(english), key).toEqual(placeholders(zh));
      expect(key in zhCN || key in en || key in lifeEn || key in voiceEn, `${key} is in another catalog too`).toBe(false);
    }
    // The shell needs only the pages' title before they load.
    expect(zhCN['nav.projects'].length * en['nav.projects'].length).toBeGreaterThan(0);
  });
});
