import type { Knex } from 'knex';
import type { Project } from '../../contract/projects';
import type { Clock, Tx } from '../../domain/ports';
import { within } from '../tx';

interface ProjectRow {
  id: number;
  title: string;
  summary: string;
  plan: string;
  format: string;
  topics: string;
  origin_tender_id: number | null;
  origin_bid_id: number | null;
  owner_org_id: number;
  adoptions: number;
  created_at: string;
}

const toProject = (r: ProjectRow): Project => ({
  id: r.id,
  title: r.title,
  summary: r.summary,
  plan: r.plan,
  format: r.format,
  topics: JSON.parse(r.topics) as string[],
  origin: r.origin_tender_id !== null && r.origin_bid_id !== null ? { tenderId: r.origin_tender_id, bidId: r.origin_bid_id } : null,
  ownerOrgId: r.owner_org_id,
  adoptions: r.adoptions,
  createdAt: r.created_at,
});

/** The project library: projects (from an awarded bid, or added by an organizer) and how often they were adopted. */
export function createProjectsRepo(knex: Knex, read: Knex = knex, clock: Clock = { now: Date.now }) {
  const now = () => new Date(clock.now()).toISOString();
  return {
    async insert(tx: Tx, p: Omit<Project, 'id' | 'adoptions' | 'createdAt'> & { createdBy: number }): Promise<Project> {
      const db = within(tx, knex);
      const [row] = await db('projects')
        .insert({
          title: p.title, summary: p.summary, plan: p.plan, format: p.format, topics: JSON.stringify(p.topics), origin_tender_id: p.origin?.tenderId ?? null,
          origin_bid_id: p.origin?.bidId ?? null, owner_org_id: p.ownerOrgId, created_by: p.createdBy, created_at: now(),
        })
        .returning('id');
      return toProject(await db('projects').where({ id: typeof row === 'object' ? row.id : row }).first());
    },
    async find(id: number, tx?: Tx): Promise<Project | null> {
      const row: ProjectRow | undefined = await within(tx, read)('projects').where({ id }).first();
      return row ? toProject(row) : null;
    },
    async findMany(ids: number[]): Promise<Project[]> {
      if (ids.length === 0) return [];
      return ((await read('projects').whereIn('id', ids)) as ProjectRow[]).map(toProject);
    },
    /** Newest first, optionally with a topic (topics are few per project: matched in the stored JSON). */
    async list(opts: { topic?: string; beforeId?: number; limit: number }): Promise<Project[]> {
      const q = read('projects').orderBy('id', 'desc').limit(opts.limit);
      if (opts.beforeId !== undefined) q.where('id', '<', opts.beforeId);
      if (opts.topic !== undefined) q.whereRaw("topics like ? escape '\\'", [`%${JSON.stringify(opts.topic).replace(/[\\%_]/g, (c) => `\\${c}`)}%`]);
      return ((await q) as ProjectRow[]).map(toProject);
    },
    async countAdoption(tx: Tx, id: number): Promise<void> {
      await within(tx, knex)('projects').where({ id }).update({ adoptions: knex.raw('adoptions + 1') });
    },
  };
}

export type ProjectsRepo = ReturnType<typeof createProjectsRepo>;
