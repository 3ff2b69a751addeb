import type { SendRecordsRepo } from '../db/repositories/sendRecords';
import type { UsersRepo } from '../db/repositories/users';
import type { Arrear, DuesService } from '../domain/dues';
import { DEFAULT_LADDER, stageWindow, type DuesLadder, type DuesStage } from '../domain/duesSchedule';
import type { OrgDirectory } from '../domain/orgDirectory';
import type { UnitOfWork } from '../domain/unitOfWork';
import type { AddressedNotification } from '../notifications/sink';
import { periodOf } from '../contract/time';
import { GroupCommit } from '../util/groupCommit';
import type { JobQueue } from './registry';

/** Job data: ids only, never names or contact details. */
export interface DuesReminderJob {
  userId: number;
  period: string;
  stage: 'first' | 'second';
}
export interface DuesEscalationJob {
  branchId: number;
  period: string;
}

export interface DuesJobDeps {
  uow: UnitOfWork;
  dues: DuesService;
  users: Pick<UsersRepo, 'activeTimeZones'>;
  sendRecords: SendRecordsRepo;
  directory: OrgDirectory;
  ladder?: DuesLadder;
  /** The zone whose calendar the branch escalation follows (the district's; DISTRICT_TZ). */
  escalationTimeZone: string;
}

type ReminderDraft = DuesReminderJob & { amountDue: number; currency: string };

/**
 * Writes reminders for many concurrent jobs in one transaction: the send records (unique per member,
 * period and stage) and the notifications of the ones that were new commit together, so a reminder is
 * stored exactly once however often its job runs; they are pushed after the commit.
 */
export function duesReminderWriter(deps: Pick<DuesJobDeps, 'uow' | 'sendRecords'>) {
  const key = (d: DuesReminderJob) => `${d.userId}|${d.period}|${d.stage}`;
  return new GroupCommit<ReminderDraft, AddressedNotification | null>(async (drafts) =>
    deps.uow.run(async (tx, effects) => {
      const unique = [...new Map(drafts.map((d) => [key(d), d])).values()];
      const fresh = await deps.sendRecords.duesReminders(tx, unique);
      const toSend = unique.filter((d) => fresh.has(key(d)));
      const stored = await effects.notify(
        toSend.map((d) => ({ userId: d.userId, kind: 'dues_reminder', data: { stage: d.stage, period: d.period, amountDue: d.amountDue, currency: d.currency } })),
      );
      const byKey = new Map(toSend.map((d, i) => [key(d), stored[i]]));
      // Only the first draft of a key carries its notification; repeats in the batch get null.
      const handed = new Set<string>();
      return drafts.map((d) => {
        const k = key(d);
        if (handed.has(k)) return null;
        handed.add(k);
        return byKey.get(k) ?? null;
      });
    }),
  );
}

export type DuesReminderWriter = ReturnType<typeof duesReminderWriter>;

/** One reminder to one member for one period and stage, if they still owe (checked when it is sent). */
export async function sendDuesReminder(deps: DuesJobDeps & { writer: DuesReminderWriter }, job: DuesReminderJob): Promise<{ sent: boolean }> {
  const owed = await deps.dues.unpaidOf(job.userId, job.period);
  if (!owed) return { sent: false };
  const stored = await deps.writer.submit({ ...job, amountDue: owed.amountDue, currency: owed.currency });
  return { sent: stored !== null };
}

/** The branch's organizers get one list of who still has not paid (once per organizer and period). */
export async function sendDuesEscalation(deps: DuesJobDeps, job: DuesEscalationJob): Promise<{ sent: number }> {
  const unpaid = await deps.dues.unpaid(job.period, job.branchId);
  if (unpaid.length === 0) return { sent: 0 };
  const tree = await deps.directory.current();
  // The branch's own organizers; a branch without any escalates to the nearest unit above that has some.
  let organizers: number[] = [];
  for (const org of tree.lineage(job.branchId)) {
    organizers = tree.organizersOfUnit(org.id);
    if (organizers.length > 0) break;
  }
  const members = unpaid.map((a) => ({ id: a.user.id, name: a.user.name, amountDue: a.amountDue }));
  const data = { branchId: job.branchId, branchName: tree.get(job.branchId)?.name ?? '', period: job.period, members };
  return deps.uow.run(async (tx, effects) => {
    const fresh = await deps.sendRecords.duesEscalations(tx, job.branchId, job.period, organizers);
    const stored = await effects.notify(fresh.map((userId) => ({ userId, kind: 'dues_escalation', data })));
    return { sent: stored.length };
  });
}


/**
 * How long after its due time a queued reminder keeps the member from being queued again (by hand; the scan uses
 * three scan intervals). The database, not the queue, says who was reminded: a run after this queues whoever is still
 * not (their job gave up, or was lost with Redis's keys), and a reminder that does run twice is stored and sent once.
 */
const QUEUED_FOR_MS = 30 * 60_000;

/**
 * Enqueues one stage for every member who still owes (first/second), or one escalation per branch with
 * anyone unpaid, skipping whoever was already reminded. `delayUntil` (per zone) holds jobs until the local
 * time; a manual run sends at once. Bulk adds: 100,000 jobs are a hundred round trips, not 100,000.
 */
export async function enqueueStage(
  deps: DuesJobDeps & { queue: JobQueue },
  input: { period: string; stage: DuesStage; orgId?: number; delayUntil?: (timeZone: string) => number; only?: (arrear: Arrear) => boolean; now?: number; queuedForMs?: number },
): Promise<number> {
  const stage = input.stage;
  const unpaid = (await deps.dues.unpaid(input.period, input.orgId)).filter(input.only ?? (() => true));
  const now = input.now ?? Date.now();
  const ttlMs = input.queuedForMs ?? QUEUED_FOR_MS;
  // A job id of its own per run (never BullMQ's counter, which starts again at 1 when the keys are lost while a
  // worker still holds the old job of that number); the member is kept from a second job by the deduplication id.
  const queued = <D>(id: string, data: D, delay: number) => ({ data, delay, jobId: `${id}@${now}`, dedupe: { id, ttlMs: delay + ttlMs } });
  if (stage === 'escalation') {
    const branches = [...new Set(unpaid.map((a) => a.user.branchId!))];
    const delay = Math.max(0, (input.delayUntil?.(deps.escalationTimeZone) ?? now) - now);
    await deps.queue.addBulk('dues-escalation', branches.map((branchId) => queued(`dues-escalation-${input.period}-${branchId}`, { branchId, period: input.period }, delay)));
    return branches.length;
  }
  const sent = await deps.dues.remindedIn(input.period, stage);
  const todo = unpaid.filter((a) => !sent.has(a.user.id));
  await deps.queue.addBulk(
    'dues-reminder',
    todo.map((a) => {
      const delay = Math.max(0, (input.delayUntil?.(a.user.timezone) ?? now) - now);
      return queued(`dues-${stage}-${input.period}-${a.user.id}`, { userId: a.user.id, period: input.period, stage }, delay);
    }),
  );
  return todo.length;
}

/**
 * The periodic scan (a BullMQ job scheduler runs it): for every stage that is current, or starts within
 * the next `lookaheadMs`, in a member's own zone, enqueue that member's reminder delayed to the exact
 * local time. A stage missed while the system was down still goes out while it is current; a stage whose
 * window has passed is never backfilled.
 */
export async function scanDues(deps: DuesJobDeps & { queue: JobQueue }, now: number, lookaheadMs: number): Promise<number> {
  const ladder = deps.ladder ?? DEFAULT_LADDER;
  const zones = await deps.users.activeTimeZones();
  /** The stage is under way in this zone's calendar, or starts within the lookahead. */
  const dueSoon = (period: string, stage: DuesStage, zone: string) => {
    const window = stageWindow(period, stage, zone, ladder);
    return periodOf(now, zone) === period && now + lookaheadMs >= window.from && now < window.until;
  };
  let enqueued = 0;
  const periods = new Set<string>();
  for (const zone of zones) periods.add(periodOf(now, zone));
  for (const period of [...periods].sort()) {
    for (const stage of ['first', 'second'] as const) {
      const live = (zone: string) => dueSoon(period, stage, zone);
      if (!zones.some(live)) continue;
      enqueued += await enqueueStage(deps, {
        period,
        stage,
        only: (a) => live(a.user.timezone),
        delayUntil: (zone) => stageWindow(period, stage, zone, ladder).from,
        now,
        queuedForMs: lookaheadMs * 2,
      });
    }
    if (dueSoon(period, 'escalation', deps.escalationTimeZone)) {
      const from = stageWindow(period, 'escalation', deps.escalationTimeZone, ladder).from;
      enqueued += await enqueueStage(deps, { period, stage: 'escalation', delayUntil: () => from, now, queuedForMs: lookaheadMs * 2 });
    }
  }
  return enqueued;
}
