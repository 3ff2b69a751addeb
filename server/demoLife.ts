import type { Database } from './db/database';
import { createRepositories } from './db/repositories';
import { auditEntry } from './domain/audit';

const DAY = 86_400_000;

/**
 * Member life in the demo district, written as it would have happened (each thing at its time, with its
 * audit entries): a transfer completed two months ago, one waiting for the receiving branch, a training
 * with a confirmed and a pending record, a member nobody has heard from for months, a report home.
 */
export async function seedDemoLife(
  db: Database,
  d: { admin: number; wangFang: number; liMing: number; zhangWei: number; chenJing: number; zhaoLei: number; liuYang: number; committee: number; general: number; first: number; second: number; passwordHash: string },
): Promise<Array<{ email: string; name: string; what: string }>> {
  let at = Date.now();
  const repos = createRepositories(db, { now: () => at });
  const when = (daysAgo: number) => (at = Date.now() - daysAgo * DAY);
  const period = () => new Date(at).toISOString().slice(0, 7);

  // Entries are written in the order things happened (the audit log reads newest first by entry).
  // Sun Li moved from the second branch to the first, two months ago.
  when(400);
  const sunLi = await repos.users.insert({ name: '孙丽 Sun Li', email: 'sun.li@kitestring.example', passwordHash: d.passwordHash, role: 'member', branchId: d.second, timezone: 'Asia/Shanghai', mobile: true, location: '杭州 Hangzhou' });
  // Zhou Qiang: added a year ago, last heard from five months ago.
  when(365);
  const zhouQiang = await db.transactions.write(async (tx) => {
    const user = await repos.users.insert({ name: '周强 Zhou Qiang', email: 'zhou.qiang@kitestring.example', passwordHash: d.passwordHash, role: 'member', branchId: d.first, timezone: 'Asia/Urumqi', mobile: true, location: '新疆 Xinjiang' }, tx);
    await repos.audit.append(tx, [auditEntry({ id: d.liMing }, 'member.create', { type: 'user', id: user.id }, d.first, { after: { name: user.name, branchId: d.first, mobile: true, location: user.location } })]);
    return user;
  });
  await repos.memberLife.touch([zhouQiang.id], new Date(Date.now() - 160 * DAY).toISOString());

  when(70);
  const moved = await db.transactions.write(async (tx) => {
    const id = await repos.transfers.insert(tx, { memberId: sunLi.id, fromBranchId: d.second, toBranchId: d.first, reason: '到杭州工作，离第一支部的活动点更近。Work in Hangzhou, near the first branch.', destination: '杭州 Hangzhou', requestedBy: sunLi.id }, null);
    await repos.memberLife.setInTransit(tx, sunLi.id, true);
    return id;
  });
  when(68);
  await db.transactions.write(async (tx) => {
    await repos.transfers.advance(tx, moved, 'pending_out', 'pending_in', { action: 'approved_out', by: d.zhaoLei, note: '同意转出，祝工作顺利。' });
    await repos.audit.append(tx, [auditEntry({ id: d.zhaoLei }, 'transfer.approve', { type: 'transfer', id: moved }, d.second, { before: { status: 'pending_out' }, after: { status: 'pending_in' } })]);
  });
  when(66);
  await db.transactions.write(async (tx) => {
    await repos.transfers.advance(tx, moved, 'pending_in', 'completed', { action: 'approved_in', by: d.liMing, note: '欢迎加入第一支部！' });
    await repos.memberLife.moveBranch(tx, { userId: sunLi.id, toBranchId: d.first, fromPeriod: period(), transferId: moved });
    await repos.audit.append(tx, [auditEntry({ id: d.liMing }, 'transfer.approve', { type: 'transfer', id: moved }, d.first, { before: { status: 'pending_in', branchId: d.second }, after: { status: 'completed', branchId: d.first } })]);
  });

  // A training of the general branch: Zhang Wei's record confirmed, Chen Jing's self-report waiting.
  when(20);
  const course = await db.transactions.write(async (tx) => {
    const t = await repos.trainings.insert({ orgId: d.general, title: '党章党规学习 Party constitution course', kind: 'course', description: '线上四个课时，流动党员可以在手机上学习。Four online sessions, made for phones.', startsAt: new Date(at + 2 * DAY).toISOString(), hours: 4, createdBy: d.wangFang }, tx);
    await repos.audit.append(tx, [auditEntry({ id: d.wangFang }, 'training.create', { type: 'training', id: t.id }, d.general, { after: { title: t.title, hours: 4 } })]);
    return t;
  });
  when(10);
  await db.transactions.write(async (tx) => {
    await repos.trainings.upsertRecord(tx, { trainingId: course.id, userId: d.zhangWei, hours: 4, status: 'confirmed', note: null, confirmedBy: d.liMing }, []);
    await repos.audit.append(tx, [auditEntry({ id: d.liMing }, 'training.record', { type: 'user', id: d.zhangWei }, d.first, { after: { trainingId: course.id, hours: 4 } })]);
  });
  when(1);
  await db.transactions.write((tx) => repos.trainings.upsertRecord(tx, { trainingId: course.id, userId: d.chenJing, hours: 3, status: 'pending', note: '在伦敦看了前三节的回放。Watched the first three recordings in London.', confirmedBy: null }, []));

  // Liu Yang asks to move to the first branch; the second branch approved; the first branch decides.
  when(3);
  const pending = await db.transactions.write(async (tx) => {
    const id = await repos.transfers.insert(tx, { memberId: d.liuYang, fromBranchId: d.second, toBranchId: d.first, reason: '搬家到第一支部所在的社区。Moving to the first branch\'s neighbourhood.', destination: '滨江新村 Riverside New Village', requestedBy: d.liuYang }, null);
    await repos.memberLife.setInTransit(tx, d.liuYang, true);
    return id;
  });
  when(2);
  await db.transactions.write(async (tx) => {
    await repos.transfers.advance(tx, pending, 'pending_out', 'pending_in', { action: 'approved_out', by: d.zhaoLei, note: null });
    await repos.audit.append(tx, [auditEntry({ id: d.zhaoLei }, 'transfer.approve', { type: 'transfer', id: pending }, d.second, { before: { status: 'pending_out' }, after: { status: 'pending_in' } })]);
  });

  // Chen Jing reported home from London ten days ago; the others were seen lately.
  when(10);
  await db.transactions.write((tx) => repos.memberLife.insertReport(tx, d.chenJing, { location: 'London, UK', mobile: true, note: '开学了，住址换到了学校宿舍。Term started; I moved into the halls.' }));
  at = Date.now();
  for (const [id, hoursAgo] of [[d.liMing, 2], [d.wangFang, 5], [d.zhangWei, 30], [d.chenJing, 1], [d.zhaoLei, 50], [d.liuYang, 48], [sunLi.id, 200]] as const) {
    await repos.memberLife.touch([id], new Date(Date.now() - hoursAgo * 3_600_000).toISOString());
  }
  return [
    { email: 'sun.li@kitestring.example', name: sunLi.name, what: 'member who transferred from the second to the first branch' },
    { email: 'zhou.qiang@kitestring.example', name: zhouQiang.name, what: 'member out of touch for months: the lost-contact list' },
  ];
}
