import { useEffect, useState } from 'preact/hooks';
import type { Project } from '../../../../server/contract/projects';
import { apiRequest, type Me } from '../../api';
import { Notice } from '../../errors';
import { t } from '../../i18n';
import { go } from '../../router';
import { LoadMore } from '../controls';
import { managedUnits } from '../life/logic';
import { nameOf, useOrgs } from '../orgs';
import type { Say } from '../voice/common';
import { appendPage } from '../voice/logic';
import { projectsError, ProjectsNav, tp } from './common';
import { libraryPath, parseTopics, topicChoices } from './logic';

/** A project's topics as small pills. */
export const Topics = ({ topics }: { topics: readonly string[] }) =>
  topics.length ? (
    <ul class="topics" aria-label={tp('project.topic')}>
      {topics.map((topic) => (
        <li key={topic}>{topic}</li>
      ))}
    </ul>
  ) : null;

/**
 * The project library: projects awarded from calls and added by organizers, found by words (Chinese too) or
 * narrowed by topic (both in the address, so back returns to the results); organizers add projects here.
 */
export function Projects({ token, me, q, topic }: { token: string; me: Me; q: string; topic: string }) {
  const [say, setSay] = useState<Say>(null);
  const orgs = useOrgs(token);
  const [list, setList] = useState<Project[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [writing, setWriting] = useState(false);
  const [typed, setTyped] = useState(q);
  const managed = managedUnits(orgs ?? [], { role: me.user.role, organizerOf: me.organizerOf });

  async function load(cursor?: string) {
    try {
      const params = new URLSearchParams({ limit: '20', ...(q.trim() ? { q: q.trim().slice(0, 200) } : {}), ...(topic ? { topic } : {}), ...(cursor ? { before: cursor } : {}) });
      const page = await apiRequest<{ projects: Project[]; nextCursor?: string | null }>('GET', `/api/projects?${params}`, token);
      setList((old) => (cursor ? appendPage(old ?? [], page.projects) : page.projects));
      setNext(page.nextCursor ?? null);
    } catch (error) {
      setList((old) => old ?? []);
      setSay({ tone: 'error', text: projectsError(error) });
    }
  }
  useEffect(() => {
    setTyped(q);
    setList(null);
    void load();
  }, [token, q, topic]);

  async function add(event: Event) {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const value = (name: string) => String(data.get(name) ?? '').trim();
    try {
      const { project } = await apiRequest<{ project: Project }>('POST', '/api/projects', token, {
        title: value('title'),
        summary: value('summary'),
        plan: value('plan'),
        format: value('format'),
        topics: parseTopics(value('topics')),
        ...(value('ownerOrgId') ? { ownerOrgId: Number(value('ownerOrgId')) } : {}),
      });
      go(`/projects/${project.id}`);
    } catch (error) {
      setSay({ tone: 'error', text: projectsError(error) });
    }
  }

  const topics = topicChoices(list ?? [], topic);
  return (
    <main class="page" id="main" tabIndex={-1}>
      <div class="inner">
        <h1>{tp('projects.library')}</h1>
        <ProjectsNav current="library" />
        {say && <Notice tone={say.tone} onClose={() => setSay(null)}>{say.text}</Notice>}
        <form
          class="search-form"
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            go(libraryPath(typed, topic));
          }}
        >
          <label for="project-q" class="visually-hidden">
            {tp('project.search')}
          </label>
          <div class="search-row">
            <input id="project-q" type="search" maxLength={200} placeholder={tp('project.search')} value={typed} onInput={(e) => setTyped((e.currentTarget as HTMLInputElement).value)} />
            <button type="submit">{tp('project.searchButton')}</button>
          </div>
        </form>
        <div class="filter-row">
          <label for="project-topic">{tp('project.topic')}</label>
          <select id="project-topic" value={topic} onChange={(e) => go(libraryPath(q, (e.currentTarget as HTMLSelectElement).value))}>
            <option value="">{tp('project.anyTopic')}</option>
            {topics.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
          {managed.length > 0 && (
            <button type="button" aria-expanded={writing} onClick={() => setWriting(!writing)}>
              {tp('project.new')}
            </button>
          )}
        </div>
        {writing && (
          <form class="stack tools" onSubmit={add} aria-labelledby="new-project">
            <h2 id="new-project">{tp('project.new')}</h2>
            <label for="pj-owner">{tp('project.owner')}</label>
            <select id="pj-owner" name="ownerOrgId" required>
              {managed.map((o) => (
                <option key={o.id} value={String(o.id)}>
                  {o.name}
                </option>
              ))}
            </select>
            <label for="pj-title">{tp('bid.title')}</label>
            <input id="pj-title" name="title" required maxLength={200} />
            <label for="pj-summary">{tp('bid.summary')}</label>
            <textarea id="pj-summary" name="summary" required rows={3} maxLength={2000} />
            <label for="pj-plan">{tp('bid.plan')}</label>
            <textarea id="pj-plan" name="plan" required rows={6} maxLength={15000} />
            <label for="pj-format">{tp('bid.format')}</label>
            <input id="pj-format" name="format" required maxLength={200} />
            <label for="pj-topics">{tp('project.topics')}</label>
            <input id="pj-topics" name="topics" maxLength={400} />
            <button type="submit">{tp('project.add')}</button>
          </form>
        )}
        {list === null && <p role="status">{t('status.loading')}</p>}
        {list?.length === 0 && <p class="empty">{tp(q || topic ? 'project.noneFound' : 'project.none')}</p>}
        <ul class="cards">
          {(list ?? []).map((project) => (
            <li key={project.id} class="card">
              <h2>
                <a href={`#/projects/${project.id}`}>{project.title}</a>
              </h2>
              <p class="excerpt">{project.summary}</p>
              <Topics topics={project.topics} />
              <p class="byline muted small">
                <span>{nameOf(orgs, project.ownerOrgId)}</span>
                <span>{tp('project.adoptions', { count: project.adoptions })}</span>
              </p>
            </li>
          ))}
        </ul>
        <LoadMore next={next} onMore={(cursor) => void load(cursor)} />
      </div>
    </main>
  );
}
