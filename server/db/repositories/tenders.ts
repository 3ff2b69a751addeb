import type { Knex } from 'knex';
import type { Bid, Tender, TenderStatus } from '../../contract/projects';
import type { Clock, Tx } from '../../domain/ports';
import { within } from '../tx';

interface TenderRow {
  id: number;
  org_id: number;
  title: string;
  description: string;
  closes_at: string;
  status: string;
  awarded_bid_id: number | null;
  created_at: string;
  bids: number | string;
}

interface BidRow {
  id: number;
  tender_id: number;
  author_id: number;
  author_name: string;
  title: string;
  summary: string;
  plan: string;
  format: string;
  supporters: number;
  created_at: string;
  mine: number | string | null;
}

/** Calls for projects, their bids and who supports which bid (one row per supporter, so support is idempotent). */
export function createTendersRepo(knex: Knex, read: Knex = knex, clock: Clock = { now: Date.now }) {
  const now = () => new Date(clock.now()).toISOString();
  const toTender = (r: TenderRow): Tender => ({
    id: r.id,
    orgId: r.org_id,
    title: r.title,
    description: r.description,
    closesAt: r.closes_at,
    // An open tender past its date reads as closed: no job has to close it.
    status: (r.status === 'open' && r.closes_at <= now() ? 'closed' : r.status) as TenderStatus,
    bids: Number(r.bids),
    awardedBidId: r.awarded_bid_id,
    createdAt: r.created_at,
  });
  const tenders = (db: Knex) => db('tenders as t').select('t.*', db('bids').whereRaw('bids.tender_id = t.id').count('*').as('bids'));
  const bids = (db: Knex, viewerId: number) =>
    db('bids as b')
      .join('users as u', 'u.id', 'b.author_id')
      .leftJoin('bid_supports as s', (j) => j.on('s.bid_id', 'b.id').andOn('s.user_id', db.raw('?', [viewerId])))
      .select('b.*', 'u.name as author_name', 's.user_id as mine');
  const toBid = (r: BidRow): Bid => ({
    id: r.id, tenderId: r.tender_id, author: { id: r.author_id, name: r.author_name }, title: r.title, summary: r.summary, plan: r.plan, format: r.format,
    supporters: r.supporters, supportedByMe: r.mine !== null && r.mine !== undefined, createdAt: r.created_at,
  });

  return {
    async insert(tx: Tx, t: { orgId: number; title: string; description: string; closesAt: string; createdBy: number }): Promise<Tender> {
      const db = within(tx, knex);
      const [row] = await db('tenders').insert({ org_id: t.orgId, title: t.title, description: t.description, closes_at: t.closesAt, status: 'open', created_by: t.createdBy, created_at: now() }).returning('id');
      return toTender(await tenders(db).where('t.id', typeof row === 'object' ? row.id : row).first());
    },
    async find(id: number, tx?: Tx): Promise<Tender | null> {
      const row: TenderRow | undefined = await tenders(within(tx, read)).where('t.id', id).first();
      return row ? toTender(row) : null;
    },
    /** Newest first; `status` as read (closed = open and past its date). */
    async list(opts: { status?: TenderStatus; beforeId?: number; limit: number }): Promise<Tender[]> {
      const q = tenders(read).orderBy('t.id', 'desc').limit(opts.limit);
      if (opts.beforeId !== undefined) q.where('t.id', '<', opts.beforeId);
      if (opts.status === 'awarded') q.where('t.status', 'awarded');
      if (opts.status === 'open') q.where('t.status', 'open').andWhere('t.closes_at', '>', now());
      if (opts.status === 'closed') q.where('t.status', 'open').andWhere('t.closes_at', '<=', now());
      return ((await q) as TenderRow[]).map(toTender);
    },
    async insertBid(tx: Tx, b: { tenderId: number; authorId: number; title: string; summary: string; plan: string; format: string }): Promise<Bid> {
      const db = within(tx, knex);
      const [row] = await db('bids').insert({ tender_id: b.tenderId, author_id: b.authorId, title: b.title, summary: b.summary, plan: b.plan, format: b.format, created_at: now() }).returning('id');
      return toBid(await bids(db, b.authorId).where('b.id', typeof row === 'object' ? row.id : row).first());
    },
    async findBid(id: number, viewerId: number, tx?: Tx): Promise<Bid | null> {
      const row: BidRow | undefined = await bids(within(tx, read), viewerId).where('b.id', id).first();
      return row ? toBid(row) : null;
    },
    /** The bids of a tender, most supported first (at most 500: a call gathers tens). */
    async bidsOf(tenderId: number, viewerId: number): Promise<Bid[]> {
      return ((await bids(read, viewerId).where('b.tender_id', tenderId).orderBy([{ column: 'b.supporters', order: 'desc' }, { column: 'b.id' }]).limit(500)) as BidRow[]).map(toBid);
    },
    /** Adds or removes one member's support; the count moves only when the row did. Returns the count. */
    async setSupport(tx: Tx, bidId: number, userId: number, support: boolean): Promise<number> {
      const db = within(tx, knex);
      let changed: number;
      if (support) changed = (await db('bid_supports').insert({ bid_id: bidId, user_id: userId, created_at: now() }).onConflict(['bid_id', 'user_id']).ignore().returning('bid_id')).length;
      else changed = await db('bid_supports').where({ bid_id: bidId, user_id: userId }).delete();
      if (changed > 0) await db('bids').where({ id: bidId }).update({ supporters: db.raw(support ? 'supporters + 1' : 'supporters - 1') });
      return (await db('bids').where({ id: bidId }).first('supporters')).supporters;
    },
    async counts(tenderId: number): Promise<Array<{ id: number; supporters: number }>> {
      return (await read('bids').where({ tender_id: tenderId }).orderBy('id').limit(500).select('id', 'supporters')) as Array<{ id: number; supporters: number }>;
    },
    /** Awards a bid once: only if the tender is not awarded yet (racing awards: one wins). */
    async award(tx: Tx, tenderId: number, bidId: number): Promise<boolean> {
      return (await within(tx, knex)('tenders').where({ id: tenderId, status: 'open' }).update({ status: 'awarded', awarded_bid_id: bidId })) > 0;
    },
  };
}

export type TendersRepo = ReturnType<typeof createTendersRepo>;
