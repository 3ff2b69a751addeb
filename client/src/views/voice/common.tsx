/**
 * What the district's voice pages share (announcements, discussions, blogs, search). Every one of them is loaded
 * on demand, and this module brings their strings and styles along, so none of it weighs on the first load.
 */
import type { ComponentChildren } from 'preact';
import { describeError } from '../../errors';
import { highlightParts } from '../../highlight';
import { addMessages, formatFullTime, t, type MessageKey } from '../../i18n';
import { voiceEn } from '../../i18n/voice/en';
import { voiceZhCN, type VoiceKey } from '../../i18n/voice/zh-CN';
import { SubNav } from '../controls';
import { Meta } from '../lists';
import './voice.css';

addMessages({ 'zh-CN': voiceZhCN, en: voiceEn });

/** `t()` for the voice pages: their own catalog part and the shared one. */
export function tv(key: VoiceKey | MessageKey, params: Record<string, string | number> = {}): string {
  return t(key as MessageKey, params);
}

/** The one error presenter, with the voice pages' words for the codes a page knows more about. */
export function voiceError(error: unknown, overrides: Partial<Record<string, VoiceKey | MessageKey>> = {}): string {
  return describeError(error, overrides as Partial<Record<string, MessageKey>>);
}

export type { Say } from '../controls';

/** The forum's sections, one tap apart: announcements, discussions, blogs, projects (calls and the library). */
export function VoiceNav({ current }: { current: 'announcements' | 'discussions' | 'posts' | 'projects' }) {
  const links: Array<[typeof current, string, VoiceKey | MessageKey]> = [
    ['announcements', '#/announcements', 'voice.announcements'],
    ['discussions', '#/discussions', 'voice.discussions'],
    ['posts', '#/posts', 'voice.posts'],
    ['projects', '#/tenders', 'nav.projects'],
  ];
  return <SubNav label={tv('voice.sections')} current={current} links={links.map(([id, href, key]) => [id, href, tv(key)])} />;
}

/** Who wrote it and when (in the viewer's zone), and whatever else belongs on that line. */
export function Byline({ name, at, zone, children }: { name: string; at: string; zone: string; children?: ComponentChildren }) {
  return (
    <Meta>
      <span>{name}</span>
      <time dateTime={at}>{formatFullTime(at, zone)}</time>
      {children}
    </Meta>
  );
}

/** A text with the words searched marked (`<mark>`). */
export function Marked({ text, terms }: { text: string; terms: readonly string[] }) {
  return (
    <>
      {highlightParts(text, terms).map((part, i) => (part.match ? <mark key={i} class="hit">{part.text}</mark> : part.text))}
    </>
  );
}

/** "Hidden" said in words (organizers see hidden items, marked as such). */
export const HiddenPill = () => <span class="pill hidden-pill">{tv('voice.hidden')}</span>;
