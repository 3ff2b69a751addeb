import type { Database } from './db/database';
import { createRepositories } from './db/repositories';
import { hashPublicCode } from './domain/meetings';
import { projectDoc } from './domain/tenders';

const DAY = 86_400_000;

/**
 * Open organizational life in the demo: an open call for projects with bids and support, a library of a few
 * projects (one adopted into a meeting), and a meeting open to the public with registrations.
 */
export async function seedDemoProjects(
  db: Database,
  d: { wangFang: number; liMing: number; zhangWei: number; chenJing: number; zhaoLei: number; liuYang: number; general: number; first: number; second: number },
): Promise<void> {
  const repos = createRepositories(db, { now: () => Date.now() });
  await db.transactions.write(async (tx) => {
    // An open call with three bids and their supporters.
    const call = await repos.tenders.insert(tx, { orgId: d.general, title: '2026 年组织生活项目征集 Calls for projects', description: '围绕物价、民生和流动党员的生活，征集下季度的组织生活项目，大家投票支持。', closesAt: new Date(Date.now() + 14 * DAY).toISOString(), createdBy: d.wangFang });
    const bids = [
      await repos.tenders.insertBid(tx, { tenderId: call.id, authorId: d.zhangWei, title: '深圳菜市场物价走访', summary: '在外务工党员走访几个菜市场，记录物价，在圆桌会上比较。', plan: '一、分组走访；二、整理表格；三、圆桌会讨论。', format: '调研 + 座谈' }),
      await repos.tenders.insertBid(tx, { tenderId: call.id, authorId: d.chenJing, title: '海外学子线上读书会', summary: '每月一次线上读书会，照顾不同时区的同志。', plan: '选书、分章领读、线上讨论。', format: '线上读书会' }),
      await repos.tenders.insertBid(tx, { tenderId: call.id, authorId: d.liuYang, title: '社区拆迁政策答疑', summary: '请住建、拆迁部门和居民一起答疑。', plan: '收集问题、邀请部门、现场答疑。', format: '圆桌会' }),
    ];
    for (const [bid, supporters] of [[bids[0], [d.liMing, d.chenJing, d.zhaoLei, d.liuYang]], [bids[1], [d.zhangWei, d.wangFang]], [bids[2], [d.zhaoLei]]] as const) {
      for (const userId of supporters) await repos.tenders.setSupport(tx, bid.id, userId, true);
    }

    // The library: an awarded project from an earlier call, and two added by organizers; one adopted.
    const earlier = await repos.tenders.insert(tx, { orgId: d.first, title: '上季度项目征集', description: '已结束的征集。', closesAt: new Date(Date.now() + DAY).toISOString(), createdBy: d.liMing });
    const winner = await repos.tenders.insertBid(tx, { tenderId: earlier.id, authorId: d.zhangWei, title: '物价与生活圆桌会', summary: '邀请物价局的专家和各支部党员一起谈物价和生活。', plan: '物价局介绍、党员发言、形成建议。', format: '圆桌会' });
    await repos.tenders.award(tx, earlier.id, winner.id);
    const projects = [
      await repos.projects.insert(tx, { title: winner.title, summary: winner.summary, plan: winner.plan, format: winner.format, topics: ['物价', '民生'], origin: { tenderId: earlier.id, bidId: winner.id }, ownerOrgId: d.first, createdBy: d.liMing }),
      await repos.projects.insert(tx, { title: '拆迁圆桌会', summary: '社区邀请住建、拆迁、建设部门和居民，一起谈拆迁补偿。', plan: '收集居民问题、部门答复、形成纪要。', format: '圆桌会（向社会公开）', topics: ['拆迁', '民生'], origin: null, ownerOrgId: d.general, createdBy: d.wangFang }),
      await repos.projects.insert(tx, { title: '流动党员线上党课', summary: '每月一次，手机上就能参加的党课。', plan: '选题、录制、线上讨论、记录学时。', format: '线上党课', topics: ['学习'], origin: null, ownerOrgId: d.general, createdBy: d.wangFang }),
    ];
    await repos.search.put(tx, projects.map(projectDoc));

    // The demolition round table, adopted from the library and open to the public, with registrations.
    const startsAt = new Date(Date.now() + 10 * DAY).toISOString();
    const meeting = await repos.meetings.insert({
      hostOrgId: d.first, title: projects[1].title, topic: '拆迁', description: `${projects[1].summary}\n\n${projects[1].plan}`, startsAt, endsAt: new Date(Date.parse(startsAt) + 2 * 3_600_000).toISOString(),
      location: '滨江社区活动中心 Riverside community hall', online: false, onlineUrl: null, capacity: 40, openTo: 'public', trainingHours: null, projectId: projects[1].id, createdBy: d.liMing,
    }, tx);
    await repos.projects.countAdoption(tx, projects[1].id);
    const registrants = [['居民张大爷', '138 0000 0001'], ['居民李阿姨', 'li.ayi@example.org'], ['住建局 王科长', '0571-8888 0000']];
    await repos.meetings.insertSignups(tx, registrants.map(([name, contact], i) => ({ meetingId: meeting.id, userId: null, status: 'confirmed' as const, waitlistSeq: null, checkInCode: `PUB${i}DEMO`.slice(0, 6), guest: { name, contact, codeHash: hashPublicCode(`DEMOPUBLICCODE0${i}`) } })));
    await repos.meetings.save(tx, meeting.id, { confirmed: registrants.length });
  });
}
