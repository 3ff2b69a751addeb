/**
 * What the open organizational life pages share (calls for projects, the project library). They live in the
 * forum tab (its fourth section), are loaded on demand, and bring their strings and styles along.
 */
import { describeError } from '../../errors';
import { addMessages, t, type MessageKey } from '../../i18n';
import { projectsEn } from '../../i18n/projects/en';
import { projectsZhCN, type ProjectsKey } from '../../i18n/projects/zh-CN';
import type { VoiceKey } from '../../i18n/voice/zh-CN';
import { SubNav } from '../controls';
import { VoiceNav } from '../voice/common';
import './projects.css';

addMessages({ 'zh-CN': projectsZhCN, en: projectsEn });

/** `t()` for these pages: their own catalog part, the voice part and the shared one. */
export function tp(key: ProjectsKey | VoiceKey | MessageKey, params: Record<string, string | number> = {}): string {
  return t(key as MessageKey, params);
}

/** The one error presenter, with these pages' words for the codes they know more about. */
export function projectsError(error: unknown, overrides: Partial<Record<string, ProjectsKey | MessageKey>> = {}): string {
  return describeError(error, overrides as Partial<Record<string, MessageKey>>);
}

/** The forum's sections, then the two halves of projects: the calls and the library. */
export function ProjectsNav({ current }: { current: 'calls' | 'library' }) {
  const links: Array<[typeof current, string, ProjectsKey]> = [
    ['calls', '#/tenders', 'projects.calls'],
    ['library', '#/projects', 'projects.library'],
  ];
  return (
    <>
      <VoiceNav current="projects" />
      <SubNav class="minor" label={tp('projects.sections')} current={current} links={links.map(([id, href, key]) => [id, href, tp(key)])} />
    </>
  );
}

/** What a project says, in a bid and in a project added to the library: its title, summary, plan and format. */
export function ProjectFields({ prefix }: { prefix: string }) {
  return (
    <>
      <label for={`${prefix}-title`}>{tp('bid.title')}</label>
      <input id={`${prefix}-title`} name="title" required maxLength={200} />
      <label for={`${prefix}-summary`}>{tp('bid.summary')}</label>
      <textarea id={`${prefix}-summary`} name="summary" required rows={3} maxLength={2000} />
      <label for={`${prefix}-plan`}>{tp('bid.plan')}</label>
      <textarea id={`${prefix}-plan`} name="plan" required rows={6} maxLength={15000} />
      <label for={`${prefix}-format`}>{tp('bid.format')}</label>
      <input id={`${prefix}-format`} name="format" required maxLength={200} />
    </>
  );
}
