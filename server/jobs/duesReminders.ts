import type { Queue } from 'bullmq';
import type { Database } from '../db/database';
import type { NotificationsRepo } from '../db/repositories/notifications';
import type { UsersRepo } from '../db/repositories/users';
import type { Arrear, DuesService } from '../domain/dues';
import { DEFAULT_LADDER, periodOf, stageWindow, type DuesLadder, type DuesStage } from '../domain/duesSchedule';
import type { MeetingEvents } from '../domain/meetings';
import type { Notification } from '../domain/types';
import { GroupCommit } from '../util/groupCommit';
import { insertNewRecords, notifyOnce } from './sendRecords';
import type { OrgDirectory } from '../domain/orgDirectory';

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

export const DUES_REMINDER = 'dues-reminder';
export const DUES_ESCALATION = 'dues-escalation';
export const DUES_SCAN = 'dues-scan';

export interface DuesJobDeps {
  db: Database;
  dues: DuesService;
  users: UsersRepo;
  notifications: NotificationsRepo;
  directory: OrgDirectory;
  events: Pick<MeetingEvents, 'notified'>;
  ladder?: DuesLadder;
  /** The zone whose calendar the branch escalation follows (the home district's; DUES_ESCALATION_TZ). */
  escalationTimeZone: string;
}

const yuan = (fen: number) => (fen / 100).toFixed(2);

type ReminderDraft = DuesReminderJob & { amountDue: number; currency: string };

/**
 * Writes reminders for many concurrent jobs in one transaction: the send records (unique per member,
 * period and stage) and the notifications of the ones that were new commit together, so a reminder is
 * stored exactly once however often its job runs.
 */
export function duesReminderWriter(db: Database, notifications: NotificationsRepo) {
  const key = (d: DuesReminderJob) => `${d.userId}|${d.period}|${d.stage}`;
  return new GroupCommit<ReminderDraft, (Notification & { userId: number }) | null>(async (drafts) =>
    db.writeTransaction(async (trx) => {
      const unique = [...new Map(drafts.map((d) => [key(d), d])).values()];
      const sentAt = new Date().toISOString();
      const rows = await insertNewRecords(trx, 'dues_reminders_sent', unique.map((d) => ({ user_id: d.userId, period: d.period, stage: d.stage, sent_at: sentAt })), ['user_id', 'period', 'stage']);
      const fresh = new Set(rows.map((row) => `${row.user_id}|${row.period}|${row.stage}`));
      const toSend = unique.filter((d) => fresh.has(key(d)));
      const stored = await notifications.insertMany(
        trx,
        toSend.map((d) => ({
          userId: d.userId,
          kind: 'dues_reminder',
          title: d.stage === 'first' ? `${d.period} 党费提醒` : `${d.period} 党费再次提醒`,
          body: `你 ${d.period} 的党费还有 ${yuan(d.amountDue)} 元未交。`,
          data: { stage: d.stage, period: d.period, amountDue: d.amountDue, currency: d.currency },
        })),
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
  if (stored) deps.events.notified([stored]);
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
  const names = members.map((m) => `${m.name}（${yuan(m.amountDue)} 元）`).join('、');
  const branch = tree.get(job.branchId);
  const sentAt = new Date().toISOString();
  const stored = await notifyOnce(
    deps,
    { table: 'dues_escalations_sent', rows: organizers.map((id) => ({ branch_id: job.branchId, period: job.period, organizer_id: id, sent_at: sentAt })), key: ['branch_id', 'period', 'organizer_id'] },
    ({ organizer_id }) => ({
      userId: organizer_id,
      kind: 'dues_escalation',
      title: `${branch?.name ?? ''} ${job.period} 党费未交名单（${members.length} 人）`,
      body: `以下党员 ${job.period} 的党费还没有交：${names}`,
      data: { branchId: job.branchId, period: job.period, members },
    }),
  );
  if (stored.length > 0) deps.events.notified(stored);
  return { sent: stored.length };
}

const JOB_OPTS = { attempts: 5, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: { count: 10_000 }, removeOnFail: { count: 10_000 } } as const;

async function addInBulk(queue: Queue, jobs: Array<{ name: string; data: object; opts: object }>): Promise<void> {
  for (let i = 0; i < jobs.length; i += 1000) await queue.addBulk(jobs.slice(i, i + 1000));
}

/**
 * Enqueues one stage for every member who still owes (first/second), or one escalation per branch with
 * anyone unpaid, skipping whoever was already reminded. `delayUntil` (per zone) holds jobs until the local
 * time; a manual run sends at once. Bulk adds: 100,000 jobs are a hundred round trips, not 100,000.
 */
export async function enqueueStage(
  deps: DuesJobDeps & { queue: Queue },
  input: { period: string; stage: DuesStage; orgId?: number; delayUntil?: (timeZone: string) => number; only?: (arrear: Arrear) => boolean; now?: number },
): Promise<number> {
  const unpaid = (await deps.dues.unpaid(input.period, input.orgId)).filter(input.only ?? (() => true));
  const now = input.now ?? Date.now();
  if (input.stage === 'escalation') {
    const branches = [...new Set(unpaid.map((a) => a.user.branchId!))];
    const delay = Math.max(0, (input.delayUntil?.(deps.escalationTimeZone) ?? now) - now);
    await addInBulk(deps.queue, branches.map((branchId) => ({ name: DUES_ESCALATION, data: { branchId, period: input.period } satisfies DuesEscalationJob, opts: { ...JOB_OPTS, delay, jobId: `dues-escalation-${input.period}-${branchId}` } })));
    return branches.length;
  }
  const sent = await deps.dues.remindedIn(input.period, input.stage);
  const todo = unpaid.filter((a) => !sent.has(a.user.id));
  await addInBulk(
    deps.queue,
    todo.map((a) => ({
      name: DUES_REMINDER,
      data: { userId: a.user.id, period: input.period, stage: input.stage } as DuesReminderJob,
      opts: { ...JOB_OPTS, delay: Math.max(0, (input.delayUntil?.(a.user.timezone) ?? now) - now), jobId: `dues-${input.stage}-${input.period}-${a.user.id}` },
    })),
  );
  return todo.length;
}

/**
 * The periodic scan (a BullMQ job scheduler runs it): for every stage that is current, or starts within
 * the next `lookaheadMs`, in a member's own zone, enqueue that member's reminder delayed to the exact
 * local time. A stage missed while the system was down still goes out while it is current; a stage whose
 * window has passed is never backfilled.
 */
export async function scanDues(deps: DuesJobDeps & { queue: Queue }, now: number, lookaheadMs: number): Promise<number> {
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
      });
    }
    if (dueSoon(period, 'escalation', deps.escalationTimeZone)) {
      const from = stageWindow(period, 'escalation', deps.escalationTimeZone, ladder).from;
      enqueued += await enqueueStage(deps, { period, stage: 'escalation', delayUntil: () => from, now });
    }
  }
  return enqueued;
}
