import type { Database } from './db/database';
import { createRepositories } from './db/repositories';
import { auditEntry } from './domain/audit';
import { searchDoc } from './domain/search';

const HOUR = 3_600_000;

/**
 * The district's voice in the demo: a pinned announcement of the general branch that some have read, a
 * first-branch announcement, discussions with replies and posts, all in Chinese, so every page and the search
 * box have something on first start. Written through the repositories with their search documents and audit
 * entries, each at its time.
 */
export async function seedDemoVoice(
  db: Database,
  d: { wangFang: number; liMing: number; zhangWei: number; chenJing: number; zhaoLei: number; liuYang: number; general: number; first: number; second: number },
): Promise<void> {
  let at = Date.now();
  const repos = createRepositories(db, { now: () => at });
  const when = (hoursAgo: number) => (at = Date.now() - hoursAgo * HOUR);
  const iso = () => new Date(at).toISOString();

  // A pinned announcement to the whole general branch, read by some.
  when(50);
  const audience = (await repos.users.listActiveInBranches([d.first, d.second])).map((u) => u.id);
  const title = '关于按时交纳党费的通知 Dues reminder';
  const body = '各位党员：请在每月 25 日前通过网上党支部交纳本月党费。在外地、在海外的同志也可以用手机交。如有困难请联系支部书记。\nPlease pay this month\'s dues online by the 25th; members far from home can pay from their phones.';
  const pinned = await db.transactions.write(async (tx) => {
    const id = await repos.announcements.insert(tx, { orgId: d.general, authorId: d.wangFang, title, body, pinnedUntil: new Date(Date.now() + 14 * 24 * HOUR).toISOString(), audience });
    await repos.search.put(tx, [searchDoc({ kind: 'announcement', itemId: id, orgId: d.general, title, body, createdAt: iso() })]);
    await repos.audit.append(tx, [auditEntry({ id: d.wangFang }, 'announcement.publish', { type: 'announcement', id }, d.general, { after: { title, audience: audience.length } })]);
    return id;
  });
  for (const [userId, hoursAgo] of [[d.liMing, 48], [d.zhangWei, 30], [d.zhaoLei, 20]] as const) {
    when(hoursAgo);
    await db.transactions.write((tx) => repos.announcements.markRead(tx, pinned, userId));
  }

  // A first-branch announcement about the study session.
  when(6);
  const studyTitle = '本周六线上学习：流动党员如何参加组织生活';
  const studyBody = '本周六晚上八点（北京时间）线上学习，伦敦的同志是中午十二点。请提前下载会议软件，准备一个问题。';
  const firstAudience = (await repos.users.listActiveInBranches([d.first])).map((u) => u.id);
  await db.transactions.write(async (tx) => {
    const id = await repos.announcements.insert(tx, { orgId: d.first, authorId: d.liMing, title: studyTitle, body: studyBody, pinnedUntil: null, audience: firstAudience });
    await repos.search.put(tx, [searchDoc({ kind: 'announcement', itemId: id, orgId: d.first, title: studyTitle, body: studyBody, createdAt: iso() })]);
  });

  // Discussions with replies.
  const thread = async (hoursAgo: number, orgId: number, authorId: number, t: string, b: string, replies: Array<[number, number, string]>) => {
    when(hoursAgo);
    const discussion = await db.transactions.write(async (tx) => {
      const saved = await repos.discussions.insert(tx, { orgId, authorId, title: t, body: b });
      await repos.search.put(tx, [searchDoc({ kind: 'discussion', itemId: saved.id, orgId, title: t, body: b, createdAt: saved.createdAt })]);
      return saved;
    });
    for (const [ago, author, text] of replies) {
      when(ago);
      await db.transactions.write(async (tx) => {
        const outcome = await repos.discussions.addReply(tx, { discussionId: discussion.id, authorId: author, clientId: `demo-${discussion.id}-${ago}`, body: text });
        if (outcome !== 'locked') await repos.search.put(tx, [searchDoc({ kind: 'reply', itemId: outcome.reply.id, orgId, parentId: discussion.id, title: t, body: text, createdAt: outcome.reply.createdAt })]);
      });
    }
  };
  await thread(72, d.general, d.chenJing, '在海外怎么过好组织生活？', '我在伦敦读书，时差八个小时。大家在外地、在海外是怎么参加支部活动的？有什么好办法？', [
    [70, d.zhangWei, '我在深圳上班，一般晚上九点以后参加线上学习，支部会把录像发到群里。'],
    [60, d.liMing, '支部可以把重要的学习放在周六，照顾到不同时区的同志。党费也可以网上交。'],
    [12, d.chenJing, '谢谢！周六中午我可以参加。'],
  ]);
  await thread(30, d.first, d.zhangWei, '关于物价圆桌会的建议', '建议圆桌会请几位在外地打工的党员说说各地的物价和生活，大家可以互相比较。', [[28, d.wangFang, '好建议，我们会在会上留出时间。']]);
  await thread(8, d.second, d.liuYang, '搬家以后组织关系怎么转？', '我下个月搬到滨江新村，组织关系转接要准备什么材料？', [[7, d.zhaoLei, '在网上提交申请就可以，支部审批后转入新的支部，不用跑腿。']]);

  // Posts: a featured one, a plain one, a draft.
  const post = async (hoursAgo: number, authorId: number, t: string, b: string, status: 'draft' | 'published', featured = false) => {
    when(hoursAgo);
    await db.transactions.write(async (tx) => {
      const saved = await repos.posts.insert(tx, { authorId, title: t, body: b, status });
      if (featured) await repos.posts.update(tx, saved.id, { featured: true });
      if (status === 'published') await repos.search.put(tx, [searchDoc({ kind: 'post', itemId: saved.id, title: t, body: b, createdAt: saved.createdAt })]);
    });
  };
  await post(96, d.chenJing, '伦敦求学的第一个学期', '第一次离家这么远，支部每个月的视频谈心让我觉得家里一直有人惦记。这学期我参加了学校的志愿者活动，也把国内的读书会带到了这里。', 'published', true);
  await post(40, d.zhangWei, '在深圳打工，也能参加组织生活', '工地下班晚，但是网上党支部让我可以在手机上学习、交党费、参加会议。希望更多在外地的党员用起来。', 'published');
  await post(2, d.zhangWei, '（草稿）物价调查', '准备整理一下深圳几个菜市场的物价。', 'draft');
  at = Date.now();
}
