/**
 * What the open organizational life pages share (calls for projects, the project library). They live in the
 * forum tab (its fourth section), are loaded on demand, and bring their strings and styles along.
 */
import { describeError } from '../../errors';
import { addMessages, t, type MessageKey } from '../../i18n';
import { projectsEn } from '../../i18n/projects/en';
import { projectsZhCN, type ProjectsKey } from '../../i18n/projects/zh-CN';
import type { VoiceKey } from '../../i18n/voice/zh-CN';
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
      <nav class="subnav minor" aria-label={tp('projects.sections')}>
        {links.map(([id, href, label]) => (
          <a key={id} href={href} aria-current={current === id ? 'page' : undefined}>
            {tp(label)}
          </a>
        ))}
      </nav>
    </>
  );
}

/** A back link to a list (a phone installed as an app has no back button of its own). */
export function Back({ href, label }: { href: string; label: ProjectsKey }) {
  return (
    <a class="back-link" href={href}>
      <span aria-hidden="true">‹ </span>
      {tp(label)}
    </a>
  );
}
