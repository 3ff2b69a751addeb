import type { Database } from './db/database';
import { createDuesRepo } from './db/repositories/dues';
import { createMeetingsRepo } from './db/repositories/meetings';
import { createMessagesRepo } from './db/repositories/messages';
import { createOrgsRepo } from './db/repositories/orgs';
import { createUsersRepo } from './db/repositories/users';
import { hashPassword } from './domain/auth';
import type { Role } from './contract/model';
import { createRepositories } from './db/repositories';
import { systemClock } from './domain/ports';
import { UnitOfWork } from './domain/unitOfWork';
import { NotificationSink } from './notifications/sink';
import { seedDemoLife } from './demoLife';
import { seedDemoVoice } from './demoVoice';
import { seedDemoProjects } from './demoProjects';

export const DEMO_PASSWORD = 'kitestring-demo';

/** Creates the admin account from ADMIN_EMAIL/ADMIN_PASSWORD unless it exists. Returns true if created. */
export async function ensureAdmin(db: Database, admin: { email: string; password: string }): Promise<boolean> {
  const users = createUsersRepo(db.knex);
  if (await users.emailTaken(admin.email)) return false;
  await users.insert({
    name: 'Administrator',
    email: admin.email,
    passwordHash: await hashPassword(admin.password),
    role: 'admin',
    branchId: null,
    timezone: 'Asia/Shanghai',
    mobile: false,
    location: null,
  });
  return true;
}

export async function databaseIsEmpty(db: Database): Promise<boolean> {
  const [users, orgs] = await Promise.all([createUsersRepo(db.knex).count(), createOrgsRepo(db.knex).count()]);
  return users === 0 && orgs === 0;
}

/**
 * A small district to try everything with: a street working committee, a general branch for migrant
 * members with two branches, organizers, and members at home, in another city and abroad.
 * Returns the accounts to print.
 */
export async function seedDemoDistrict(db: Database): Promise<Array<{ email: string; name: string; what: string }>> {
  const orgs = createOrgsRepo(db.knex);
  const users = createUsersRepo(db.knex);
  const passwordHash = await hashPassword(DEMO_PASSWORD);

  const committee = await orgs.insert({ name: '滨江街道党工委 Riverside Street Committee', kind: 'committee', parentId: null });
  const general = await orgs.insert({ name: '流动党员党总支 Migrant Members General Branch', kind: 'general_branch', parentId: committee.id });
  const first = await orgs.insert({ name: '第一支部 First Branch', kind: 'branch', parentId: general.id });
  const second = await orgs.insert({ name: '第二支部 Second Branch', kind: 'branch', parentId: general.id });

  const people: Array<{ email: string; name: string; what: string; role: Role; branchId: number | null; timezone?: string; mobile?: boolean; location?: string; organizes?: number }> = [
    { email: 'admin@kitestring.example', name: '区管理员 Admin', what: 'district admin', role: 'admin', branchId: null },
    { email: 'wang.fang@kitestring.example', name: '王芳 Wang Fang', what: 'organizer of the general branch', role: 'member', branchId: first.id, organizes: general.id },
    { email: 'li.ming@kitestring.example', name: '李明 Li Ming', what: 'organizer of the first branch', role: 'member', branchId: first.id, organizes: first.id },
    { email: 'zhang.wei@kitestring.example', name: '张伟 Zhang Wei', what: 'member, migrant worker in Shenzhen', role: 'member', branchId: first.id, mobile: true, location: '深圳 Shenzhen' },
    { email: 'chen.jing@kitestring.example', name: '陈静 Chen Jing', what: 'member, student in London', role: 'member', branchId: first.id, mobile: true, location: 'London, UK', timezone: 'Europe/London' },
    { email: 'zhao.lei@kitestring.example', name: '赵磊 Zhao Lei', what: 'organizer of the second branch', role: 'member', branchId: second.id, organizes: second.id },
    { email: 'liu.yang@kitestring.example', name: '刘洋 Liu Yang', what: 'member of the second branch', role: 'member', branchId: second.id },
  ];
  const ids: number[] = [];
  for (const person of people) {
    const user = await users.insert({
      name: person.name,
      email: person.email,
      passwordHash,
      role: person.role,
      branchId: person.branchId,
      timezone: person.timezone ?? 'Asia/Shanghai',
      mobile: person.mobile ?? false,
      location: person.location ?? null,
    });
    if (person.organizes) await orgs.addOrganizer(person.organizes, user.id);
    ids.push(user.id);
  }

  // Something to see on every page: dues owed since last month, and an open meeting next week.
  const now = new Date();
  const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
  await createDuesRepo(db.knex).addRate({ orgId: general.id, userId: null, monthlyAmount: 2000, currency: 'CNY', effectiveFrom: lastMonth, setBy: ids[0] });
  const meetings = createMeetingsRepo(db.knex);
  await meetings.insert({
    hostOrgId: first.id,
    title: '物价与生活圆桌会 Prices round table',
    topic: 'prices',
    description: '邀请专家和各支部党员一起谈谈物价和生活。Experts and members from every branch talk about prices.',
    startsAt: new Date(now.getTime() + 7 * 86_400_000).toISOString(),
    endsAt: new Date(now.getTime() + 7 * 86_400_000 + 2 * 3_600_000).toISOString(),
    location: '社区活动中心 Community hall',
    online: true,
    onlineUrl: 'https://meeting.example.org/kitestring-prices',
    capacity: 30,
    openTo: 'all',
    trainingHours: null,
    projectId: null,
    createdBy: ids[2],
  });

  // A branch room with some life in it, from yesterday and today.
  const [, wangFang, liMingId, zhangWeiId, chenJingId] = ids;
  const say = async (minutesAgo: number, author: number, body: string, clientId: string) => {
    const at = now.getTime() - minutesAgo * 60_000;
    const messages = createMessagesRepo(db.knex, db.read, { now: () => at });
    const name = people[ids.indexOf(author)].name;
    await db.transactions.write((tx) => messages.storeBatch(tx, [{ roomId: `org:${first.id}`, author: { id: author, name }, clientId, body }]));
  };
  await say(26 * 60, liMingId, '各位好！下周的物价圆桌会欢迎大家报名，线上也可以参加。', 'demo-1');
  await say(26 * 60 - 3, zhangWeiId, '收到，我在深圳，线上参加。', 'demo-2');
  await say(26 * 60 - 2, zhangWeiId, '这个月的党费我回头交。', 'demo-3');
  await say(90, chenJingId, '伦敦这边一切都好，谢谢支部的关心。', 'demo-4');
  await say(60, wangFang, '@陈静 Chen Jing 下周三晚上有空视频谈心吗？', 'demo-5');
  await say(55, chenJingId, '@王芳 Wang Fang 可以的，伦敦时间中午以后都行。', 'demo-6');

  // And a few notifications, written as the system writes them (each in its reader's language).
  const repos = createRepositories(db, systemClock);
  const sink = new NotificationSink({ notifications: repos.notifications, languagesOf: (list, tx) => repos.users.languagesOf(list, tx), push: { push() {} }, clock: systemClock });
  await new UnitOfWork(db.transactions, sink).run((_tx, effects) =>
    effects.notify([
      ...[zhangWeiId, chenJingId].map((userId) => ({ userId, kind: 'dues_reminder' as const, data: { stage: 'second' as const, period: lastMonth, amountDue: 2000, currency: 'CNY' } })),
      { userId: chenJingId, kind: 'missed_call', data: { callId: 'demo', from: { id: liMingId, name: people[2].name }, count: 2, lastAt: now.toISOString() } },
    ]),
  );
  const more = await seedDemoLife(db, {
    admin: ids[0], wangFang, liMing: liMingId, zhangWei: zhangWeiId, chenJing: chenJingId, zhaoLei: ids[5], liuYang: ids[6],
    committee: committee.id, general: general.id, first: first.id, second: second.id, passwordHash,
  });
  const units = { wangFang, liMing: liMingId, zhangWei: zhangWeiId, chenJing: chenJingId, zhaoLei: ids[5], liuYang: ids[6], general: general.id, first: first.id, second: second.id };
  await seedDemoVoice(db, units);
  await seedDemoProjects(db, units);
  return [...people.map(({ email, name, what }) => ({ email, name, what })), ...more];
}
