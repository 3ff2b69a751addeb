/** The pure parts of the open organizational life pages (unit-tested). */
import type { Bid, Tender } from '../../../../server/contract/projects';

/** Counts from `tender:counts` (or a support's reply) put on the bids shown; the order stays (a button never moves under a finger). */
export function applyCounts(bids: readonly Bid[], counts: ReadonlyArray<{ id: number; supporters: number }>): Bid[] {
  const by = new Map(counts.map((c) => [c.id, c.supporters]));
  return bids.map((b) => (by.has(b.id) && by.get(b.id) !== b.supporters ? { ...b, supporters: by.get(b.id)! } : b));
}

/** Whether a call still takes bids and support: open, and its closing time not passed (a page left open past it). */
export function takesPart(tender: Pick<Tender, 'status' | 'closesAt'>, now = Date.now()): boolean {
  return tender.status === 'open' && Date.parse(tender.closesAt) > now;
}

/** The status a call shows: `open` turns `closed` on the page once its time passed. */
export function shownStatus(tender: Pick<Tender, 'status' | 'closesAt'>, now = Date.now()): Tender['status'] {
  return tender.status === 'open' && Date.parse(tender.closesAt) <= now ? 'closed' : tender.status;
}

/** Topics as typed ("党史, 社区 志愿"): split on commas (Chinese too), enumeration commas and spaces; once each, at most 10 of ≤ 30 characters. */
export function parseTopics(text: string): string[] {
  const topics = text.split(/[,，、;；\s]+/).map((s) => s.trim()).filter(Boolean).map((s) => s.slice(0, 30));
  return [...new Set(topics)].slice(0, 10);
}

/** The topics to filter by: those of the projects listed, and the one chosen (even when none listed has it). */
export function topicChoices(projects: ReadonlyArray<{ topics: readonly string[] }>, chosen: string): string[] {
  const all = new Set(projects.flatMap((p) => p.topics));
  if (chosen) all.add(chosen);
  return [...all].sort((a, b) => a.localeCompare(b, 'zh-CN'));
}

/** The library's address for a search and a topic (`#/projects?q=社区&topic=党史`). */
export function libraryPath(q: string, topic: string): string {
  const params = new URLSearchParams();
  if (q.trim()) params.set('q', q.trim());
  if (topic) params.set('topic', topic);
  const query = params.toString();
  return query ? `/projects?${query}` : '/projects';
}
