import type { Actor, Meeting } from '../contract/model';
import type { Project } from '../contract/projects';
import type { MeetingsRepo } from '../db/repositories/meetings';
import type { ProjectsRepo } from '../db/repositories/projects';
import type { SearchRepo } from '../db/repositories/search';
import { notFound } from '../errors';
import type { MeetingService, NewMeetingInput } from './meetings';
import type { OrgDirectory } from './orgDirectory';
import type { SearchService } from './search';
import { projectDoc } from './tenders';
import type { UnitOfWork } from './unitOfWork';

/**
 * The project library: projects from awarded bids or added by organizers, searchable in Chinese, and
 * adopted into open meetings (linked both ways, counted).
 */
export function createProjectService(deps: { projects: ProjectsRepo; meetings: Pick<MeetingsRepo, 'ofProject'>; meetingService: Pick<MeetingService, 'create'>; search: SearchRepo; searchService: Pick<SearchService, 'search'>; directory: OrgDirectory; uow: UnitOfWork }) {
  const { projects, directory } = deps;

  async function load(id: number): Promise<Project> {
    const project = await projects.find(id);
    if (!project) throw notFound('project');
    return project;
  }

  return {
    /** An organizer adds a project to the library, owned by a unit they run (the first one, unless named). */
    async create(actor: Actor, input: { title: string; summary: string; plan: string; format: string; topics?: string[]; ownerOrgId?: number }): Promise<Project> {
      const policy = await directory.policy();
      const ownerOrgId = input.ownerOrgId ?? policy.unitsRunBy(actor)[0];
      if (ownerOrgId === undefined) throw policy.refusal('tender.manage');
      if (!policy.tree.get(ownerOrgId)) throw notFound('org');
      policy.assert(actor, 'tender.manage', ownerOrgId);
      return deps.uow.run(async (tx) => {
        const saved = await projects.insert(tx, { title: input.title, summary: input.summary, plan: input.plan, format: input.format, topics: [...new Set(input.topics ?? [])], origin: null, ownerOrgId, createdBy: actor.id });
        await deps.search.put(tx, [projectDoc(saved)]);
        return saved;
      });
    },

    /** The library, newest first, by topic; or found by words (Chinese too) through search. */
    async list(actor: Actor, filter: { q?: string; topic?: string; beforeId?: number; limit: number }): Promise<{ projects: Project[]; nextCursor: string | null }> {
      if (filter.q !== undefined) {
        const hits = await deps.searchService.search(actor, { q: filter.q, kind: 'project', limit: Math.min(filter.limit, 50) });
        const found = new Map((await projects.findMany(hits.map((h) => h.id))).map((p) => [p.id, p]));
        const list = hits.map((h) => found.get(h.id)).filter((p): p is Project => p !== undefined && (filter.topic === undefined || p.topics.includes(filter.topic)));
        return { projects: list, nextCursor: null };
      }
      const list = await projects.list(filter);
      const last = list.at(-1);
      return { projects: list, nextCursor: list.length === filter.limit && last ? String(last.id) : null };
    },

    /** A project and the meetings adopted from it that the actor may see (a host-only one: its unit's members). */
    async get(actor: Actor, id: number): Promise<{ project: Project; meetings: Meeting[] }> {
      const project = await load(id);
      const policy = await directory.policy();
      const meetings = (await deps.meetings.ofProject(id)).filter((m) => policy.can(actor, 'meeting.see', m));
      return { project, meetings: meetings.map((m) => ({ ...m, onlineUrl: null })) };
    },

    /** Turns a project into an open meeting of `hostOrgId` (an organizer over it), filled from the project. */
    async adopt(actor: Actor, id: number, input: Omit<NewMeetingInput, 'title' | 'topic' | 'description' | 'projectId'> & { topic?: string | null }): Promise<Meeting> {
      const project = await load(id);
      (await directory.policy()).assert(actor, 'project.adopt', input.hostOrgId);
      return deps.meetingService.create(actor, {
        ...input,
        title: project.title,
        topic: input.topic ?? project.topics[0] ?? null,
        description: `${project.summary}\n\n${project.plan}\n\n${project.format}`.slice(0, 5000),
        projectId: project.id,
      });
    },
  };
}

export type ProjectService = ReturnType<typeof createProjectService>;
