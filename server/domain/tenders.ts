import type { Actor } from '../contract/model';
import type { Bid, Project, Tender, TenderStatus } from '../contract/projects';
import type { ProjectsRepo } from '../db/repositories/projects';
import type { SearchRepo } from '../db/repositories/search';
import type { TendersRepo } from '../db/repositories/tenders';
import { conflict, invalid, notFound } from '../errors';
import { auditEntry, type AuditTrail } from './audit';
import type { OrgDirectory } from './orgDirectory';
import type { Clock } from './ports';
import { searchDoc } from './search';
import type { UnitOfWork } from './unitOfWork';

/** What calls for projects announce after a commit: a call's support counts changed (coalesced by the realtime layer). */
export interface TenderEvents {
  countsChanged(tenderId: number): void;
}

/** A project's document in the search index (the library is searchable in Chinese). */
export const projectDoc = (p: Project) => searchDoc({ kind: 'project', itemId: p.id, orgId: p.ownerOrgId, title: p.title, body: `${p.summary}\n${p.plan}\n${p.format}\n${p.topics.join(' ')}`, createdAt: p.createdAt });

/**
 * Calls for projects ("party-affairs bidding"): an organizer over a unit opens a call until a date; any member
 * bids and backs bids while it is open (backing twice changes nothing); the organizer awards one bid, which
 * enters the project library, and its author is told.
 */
export function createTenderService(deps: { tenders: TendersRepo; projects: ProjectsRepo; search: SearchRepo; directory: OrgDirectory; uow: UnitOfWork; audit: AuditTrail; events: TenderEvents; clock: Clock; limit: (actor: Actor) => Promise<void> }) {
  const { tenders, directory } = deps;

  async function load(id: number): Promise<Tender> {
    const tender = await tenders.find(id);
    if (!tender) throw notFound('call for projects');
    return tender;
  }

  /** Members of the district (anyone with a home branch) and the admin take part in calls. */
  async function open(actor: Actor, tenderId: number): Promise<Tender> {
    const tender = await load(tenderId);
    if (tender.status !== 'open') throw conflict(`this call is ${tender.status}`);
    (await directory.policy()).assert(actor, 'tender.take_part', null);
    return tender;
  }

  return {
    async create(actor: Actor, input: { orgId: number; title: string; description: string; closesAt: string }): Promise<Tender> {
      const policy = await directory.policy();
      if (!policy.tree.get(input.orgId)) throw notFound('org');
      policy.assert(actor, 'tender.manage', input.orgId);
      if (input.closesAt <= new Date(deps.clock.now()).toISOString()) throw invalid('closesAt must be in the future');
      return deps.uow.run(async (tx) => {
        const saved = await tenders.insert(tx, { ...input, createdBy: actor.id });
        await deps.audit.append(tx, [auditEntry(actor, 'tender.create', { type: 'tender', id: saved.id }, saved.orgId, { after: { title: saved.title, closesAt: saved.closesAt } })]);
        return saved;
      });
    },

    async list(filter: { status?: TenderStatus; beforeId?: number; limit: number }): Promise<{ tenders: Tender[]; nextCursor: string | null }> {
      const list = await tenders.list(filter);
      const last = list.at(-1);
      return { tenders: list, nextCursor: list.length === filter.limit && last ? String(last.id) : null };
    },

    async get(actor: Actor, id: number): Promise<{ tender: Tender; bids: Bid[] }> {
      return { tender: await load(id), bids: await tenders.bidsOf(id, actor.id) };
    },

    async bid(actor: Actor, tenderId: number, input: { title: string; summary: string; plan: string; format: string }): Promise<Bid> {
      await open(actor, tenderId);
      await deps.limit(actor);
      return deps.uow.run((tx) => tenders.insertBid(tx, { tenderId, authorId: actor.id, ...input }));
    },

    /** Backs a bid (or takes the support back); idempotent; the call's watchers hear the counts, coalesced. */
    async support(actor: Actor, bidId: number, support: boolean): Promise<{ supporters: number }> {
      const bid = await tenders.findBid(bidId, actor.id);
      if (!bid) throw notFound('bid');
      await open(actor, bid.tenderId);
      const supporters = await deps.uow.run(async (tx) => {
        // Still open as the support is written (an award or the closing date racing it wins).
        const now = await tenders.find(bid.tenderId, tx);
        if (now?.status !== 'open') throw conflict(`this call is ${now?.status ?? 'gone'}`);
        return tenders.setSupport(tx, bidId, actor.id, support);
      });
      deps.events.countsChanged(bid.tenderId);
      return { supporters };
    },

    /** Follows a call's counts: `join` puts the socket in its watch room. */
    async watch(actor: Actor, tenderId: number, join: () => unknown): Promise<{ tender: Tender; bids: Bid[] }> {
      const tender = await load(tenderId);
      await join();
      return { tender, bids: await tenders.bidsOf(tenderId, actor.id) };
    },

    counts: (tenderId: number) => tenders.counts(tenderId),

    /** Awards a bid (organizer over the call's unit, open or closed): it enters the library; its author is told. */
    async award(actor: Actor, tenderId: number, bidId: number): Promise<Project> {
      const tender = await load(tenderId);
      (await directory.policy()).assert(actor, 'tender.manage', tender.orgId);
      const bid = await tenders.findBid(bidId, actor.id);
      if (!bid || bid.tenderId !== tenderId) throw notFound('bid');
      return deps.uow.run(async (tx, effects) => {
        if (!(await tenders.award(tx, tenderId, bidId))) throw conflict('this call was already awarded');
        const project = await deps.projects.insert(tx, {
          title: bid.title, summary: bid.summary, plan: bid.plan, format: bid.format, topics: [], origin: { tenderId, bidId }, ownerOrgId: tender.orgId, createdBy: actor.id,
        });
        await deps.search.put(tx, [projectDoc(project)]);
        await deps.audit.append(tx, [auditEntry(actor, 'tender.award', { type: 'tender', id: tenderId }, tender.orgId, { after: { bidId, projectId: project.id } })]);
        await effects.notify([{ userId: bid.author.id, kind: 'bid_awarded', data: { tenderId, tenderTitle: tender.title, bidId, projectId: project.id, title: bid.title } }]);
        return project;
      });
    },
  };
}

export type TenderService = ReturnType<typeof createTenderService>;
