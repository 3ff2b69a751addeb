import { useEffect, useState } from 'preact/hooks';
import type { Project } from '../../../../server/contract/projects';
import { apiRequest, type Me } from '../../api';
import { go } from '../../router';
import { FilterRow, named, OpenButton, Page, Said, SelectField, submitted, ToolForm, type Say } from '../controls';
import { managedUnits } from '../life/logic';
import { Card, Cards, Meta, usePagedList } from '../lists';
import { nameOf, useOrgs } from '../orgs';
import { ProjectFields, projectsError, ProjectsNav, tp } from './common';
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
  const params = new URLSearchParams({ limit: '20', ...(q.trim() ? { q: q.trim().slice(0, 200) } : {}), ...(topic ? { topic } : {}) });
  const projects = usePagedList<Project>(token, `/api/projects?${params}`, 'projects', (error) => setSay({ tone: 'error', text: projectsError(error) }));
  const [writing, setWriting] = useState(false);
  const [typed, setTyped] = useState(q);
  const managed = managedUnits(orgs ?? [], { role: me.user.role, organizerOf: me.organizerOf });
  useEffect(() => setTyped(q), [q]);

  async function add(event: Event) {
    const value = submitted(event);
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

  const topics = topicChoices(projects.list ?? [], topic);
  return (
    <Page>
      <h1>{tp('projects.library')}</h1>
      <ProjectsNav current="library" />
      <Said say={say} onClose={() => setSay(null)} />
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
      <FilterRow id="project-topic" label={tp('project.topic')} any={tp('project.anyTopic')} choices={topics.map((name) => [name, name])} value={topic} onChange={(chosen) => go(libraryPath(q, chosen))}>
        {managed.length > 0 && (
          <OpenButton open={writing} onToggle={setWriting}>
            {tp('project.new')}
          </OpenButton>
        )}
      </FilterRow>
      {writing && (
        <ToolForm id="new-project" title={tp('project.new')} submit={tp('project.add')} onSubmit={add}>
          <SelectField id="pj-owner" label={tp('project.owner')} name="ownerOrgId" choices={named(managed)} required />
          <ProjectFields prefix="pj" />
          <label for="pj-topics">{tp('project.topics')}</label>
          <input id="pj-topics" name="topics" maxLength={400} />
        </ToolForm>
      )}
      <Cards {...projects} empty={tp(q || topic ? 'project.noneFound' : 'project.none')}>
        {(project) => (
          <Card key={project.id} href={`#/projects/${project.id}`} title={project.title} excerpt={project.summary}>
            <Topics topics={project.topics} />
            <Meta>
              <span>{nameOf(orgs, project.ownerOrgId)}</span>
              <span>{tp('project.adoptions', { count: project.adoptions })}</span>
            </Meta>
          </Card>
        )}
      </Cards>
    </Page>
  );
}
