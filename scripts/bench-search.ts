/**
 * Search benchmark (issue 11): BENCH_SEARCH_MESSAGES (default 1,000,000) stored chat messages of generated
 * Chinese text about branch life, 5–200 characters, over 100 rooms and 2,000 authors, on SQLite (a file under
 * the temp directory) and on PostgreSQL (a schema of its own in TEST_PG_URL, dropped afterwards). Then:
 *   1. indexing with the real indexer (`SearchIndexer`, batches of 1,000 in one transaction each), its
 *      throughput against the chat bench's stored messages per second, and where its time goes;
 *   2. query latency through `createSearchService(...).search(actor, {q, limit: 20})` for the admin and for a
 *      branch member (5 of the 100 rooms), a realistic mix of queries, p50/p95/p99;
 *   3. the `LIKE '%word%'` scan it replaces (`scanMessages`) on a sample of the same words: the speed-up.
 * Then, at full size, BENCH_SEARCH_PROFILE (50,000) more messages indexed with the full-text index and as many
 * without it (FTS5 trigger / GIN index dropped), to say where indexing time goes. Indexing is compared with the
 * chat bench's stored msg/s, run first in this process's stead on each database (BENCH_SENDERS, default 600).
 * Prints figures and a summary table; asserts nothing. Every figure comes from this one run on a shared,
 * noisy machine: compare ratios within the run.
 *
 *   npm run bench:search
 *   BENCH_SEARCH_DB=sqlite BENCH_SEARCH_MESSAGES=200000 npm run bench:search
 *   BENCH_CHAT_RATE=2100 npm run bench:search            (the chat rate to compare with: chat bench not run)
 *   BENCH_SEARCH_KEEP=1 …  keeps the database and prints its URL; BENCH_SEARCH_URL=<that URL> reuses it
 *                          (generation and indexing skipped: queries only)
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Actor } from '../server/contract/model';
import { createDatabase, migrateToLatest, type Database } from '../server/db/database';
import { createMeetingsRepo } from '../server/db/repositories/meetings';
import { createOrgsRepo } from '../server/db/repositories/orgs';
import { createSearchRepo, type SearchRepo } from '../server/db/repositories/search';
import { OrgDirectory } from '../server/domain/orgDirectory';
import { createSearchService, SearchIndexer } from '../server/domain/search';
import { indexTokens } from '../server/domain/searchText';

const MESSAGES = Number(process.env.BENCH_SEARCH_MESSAGES ?? 1_000_000);
const AUTHORS = Number(process.env.BENCH_SEARCH_AUTHORS ?? 2_000);
const QUERIES = Number(process.env.BENCH_SEARCH_QUERIES ?? 240);
const LIKE_SAMPLE = Number(process.env.BENCH_SEARCH_LIKE_SAMPLE ?? 40);
const KINDS = (process.env.BENCH_SEARCH_DB ?? 'sqlite,postgres').split(',').map((s) => s.trim()) as Array<'sqlite' | 'postgres'>;
const PG_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const KEEP = process.env.BENCH_SEARCH_KEEP === '1';
const REUSE = process.env.BENCH_SEARCH_URL;
/** Messages indexed again at full size, with and without the full-text index (where indexing time goes). */
const PROFILE = Number(process.env.BENCH_SEARCH_PROFILE ?? 50_000);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

// ---------------------------------------------------------------------------------------------------------
// Deterministic generated text: party-branch life in a chat room.

let seed = 20261201;
function rand(): number {
  // mulberry32
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
/** Picks from a list, earlier entries more often (Zipf-like, exponent `s`). */
function zipf<T>(items: readonly T[], s = 0.9): () => T {
  const cum: number[] = [];
  let total = 0;
  items.forEach((_, i) => cum.push((total += 1 / (i + 1) ** s)));
  return () => {
    const x = rand() * total;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return items[lo];
  };
}
const pick = <T>(items: readonly T[]) => items[Math.floor(rand() * items.length)];

const people = zipf(['各位党员', '大家', '同志们', '支部委员', '流动党员', '预备党员', '入党积极分子', '青年党员', '老党员', '各位同志', '支委会成员', '党小组长', '在外地的同志', '海外的党员']);
const leaders = zipf(['书记', '李书记', '王书记', '张委员', '组织委员', '宣传委员', '刘老师', '陈主任', '纪检委员', '赵书记']);
const meetings = zipf(['支部委员会', '党员大会', '主题党日活动', '组织生活会', '党小组会', '专题学习会', '民主生活会', '党课', '读书会', '座谈会', '民主评议党员会议', '线上学习会']);
const topics = zipf(['党费', '组织生活', '学习', '三会一课', '主题党日', '理论学习', '思想汇报', '志愿服务', '组织关系转接', '学习强国积分', '党史学习教育', '民主评议', '发展党员', '乡村振兴', '基层治理', '社区服务', '党员档案', '入党申请书', '红色教育基地参观', '心得体会']);
const docs = zipf(['学习材料', '会议通知', '会议纪要', '签到表', '学习笔记', '心得体会', '讲话精神', '文件汇编', '学习清单', '活动方案', '总结报告', '党费收缴表', '工作计划']);
const places = zipf(['北京', '上海', '深圳', '广州', '杭州', '成都', '武汉', '西安', '南京', '苏州', '重庆', '天津', '长沙', '郑州', '青岛', '厦门', '昆明', '贵阳', '合肥', '济南', '兰州', '南宁', '哈尔滨', '乌鲁木齐', '拉萨', '海口', '伦敦', '纽约', '东京', '悉尼', '温哥华', '新加坡', '三楼会议室', '党群服务中心', '社区服务中心', '街道办', '党员活动室', '村委会', '红色教育基地']);
const apps = zipf(['微信', 'WeChat', '腾讯会议', 'Zoom', '钉钉', 'QQ', '学习强国App', 'PPT', 'PDF', 'Excel', 'Word文档', 'H5页面', 'WiFi', '小程序', 'APP']);
const verbs = zipf(['参加', '学习', '提交', '上传', '填写', '缴纳', '报名', '签到', '转发', '传达', '落实', '讨论', '交流', '分享', '确认', '观看', '收看', '整理', '核对', '补交']);
const times = zipf(['今天下午', '明天上午', '本周五', '下周一', '今晚八点', '月底前', '本周内', '周六上午九点', '下午三点', '明天晚上', '下周三下午', '这个周末', '月初', '十点半']);
const replies = zipf(['收到', '好的，收到', '收到，谢谢书记', '明白', '已交党费', '已提交', '好的，马上填写', '收到，准时参加', '谢谢提醒', '辛苦了', '没问题', '我已经签到了', '我请个假', '好的👍', '收到🌹', '已完成', '明白了，谢谢', '我在外地，线上参加', '请假一次', '已上传']);
const feelings = zipf(['受益匪浅', '很有收获', '深受教育', '感触很深', '备受鼓舞', '很有启发', '意义重大', '内容很充实']);
const everyday = zipf([
  '今天降温了，大家出门注意保暖。', '孩子今天发烧，我晚点再看群消息。', '早上地铁太挤了，迟到了几分钟。', '这周单位加班，周末的活动可能去不了。',
  '刚下飞机，晚上回家再细看。', '照片我发到相册里了，大家可以自己下载。', '感谢各位的帮助，问题已经解决了。', '有没有人知道报销单在哪里领？',
  '楼下的快递点换地方了，在东门旁边。', '我妈妈住院了，这几天请假。', '食堂今天中午有饺子。', '停车场东边在修路，开车的同志绕一下。',
  '这个链接打不开，能再发一次吗？', '我手机没电了，用电脑登录的。', '外面下大雨，注意安全。', '有同志需要顺路车的吗？我六点出发。',
  '听说下个月要调整作息时间。', '新来的同事姓周，大家多关照。', '打印机又卡纸了，谁会修？', '我在高铁上，信号不好。',
  '祝大家节日快乐，阖家幸福！', '生日快乐！', '今年的体检安排在医院三楼。', '图书角新到了一批书，欢迎借阅。',
  '周末带孩子去了博物馆，很有意思。', '大家辛苦了，早点休息。', '会后请把椅子摆回原位。', '我把文件放在你桌上了。',
]);
const rare = ['阿勒泰', '呼伦贝尔', '区块链', '敦煌莫高窟', '量子通信'];

const year = () => `${pick([2024, 2025, 2026, 2026, 2026])}年`;
const month = () => `${int(1, 12)}月`;
const day = () => `${int(1, 28)}号`;
const money = () => `${pick([10, 20, 30, 50, 100, 120, 200, 300])}元`;
const count = () => `${int(3, 120)}人`;

const sentences: Array<[number, () => string]> = [
  [8, () => `${times()}在${places()}召开${meetings()}，请${people()}准时参加。`],
  [7, () => `请${people()}于${month()}${day()}前缴纳${year()}${month()}党费，可以通过${apps()}转账。`],
  [6, () => `关于${topics()}的${docs()}已经发到群里，请${people()}及时查看。`],
  [6, () => `今天的${meetings()}主要学习了${docs()}，大家${feelings()}。`],
  [5, () => `我在${places()}，这个月的组织生活能线上参加吗？`],
  [5, () => `${places()}的流动党员可以通过${apps()}参加组织生活。`],
  [5, () => `${year()}${month()}${day()}${meetings()}签到表已上传，共${count()}参加。`],
  [4, () => `转发：${topics()}学习资料，${int(2, 60)}页${pick(['PDF', 'PPT', 'Word文档'])}，请大家下载学习。`],
  [4, () => `${leaders()}：请各支部${times()}前把${docs()}报上来。`],
  [4, () => `${people()}注意，${topics()}的截止时间是${month()}${day()}。`],
  [4, () => `本月党费标准不变，每人${money()}，已交的同志请在${apps()}里接龙。`],
  [4, () => `${leaders()}好，我的组织关系还在${places()}，转接需要准备什么材料？`],
  [3, () => `${times()}${verbs()}${topics()}，地点在${places()}。`],
  [3, () => `第${int(1, 12)}期${topics()}专题学习开始了，请在${apps()}上${verbs()}。`],
  [3, () => `${people()}的${docs()}请用${apps()}发给${leaders()}。`],
  [3, () => `上次${meetings()}的${docs()}我整理好了，一共${int(2, 30)}条意见。`],
  [3, () => `我们支部${year()}已经发展了${int(1, 9)}名预备党员。`],
  [3, () => `学习强国积分这周要达到${int(100, 500)}分，大家加油。`],
  [2, () => `${places()}这边网络不好，${apps()}经常掉线，我晚点补看。`],
  [2, () => `志愿服务活动在${places()}，需要${count()}，有意向的请报名。`],
  [2, () => `明天去${places()}参观，早上${int(7, 9)}点在单位门口集合。`],
  [2, () => `${leaders()}，我这个月在${places()}出差，党费下周补交可以吗？`],
  [2, () => `大家写的${docs()}都很认真，${feelings()}。`],
  [2, () => `${topics()}和${topics()}的通知同时发了，别搞混了。`],
  [1, () => `附件是${year()}${docs()}，共${int(2, 40)}页，密码是${int(1000, 9999)}。`],
  [1, () => `新的WiFi密码已经贴在${places()}的公告栏上了。`],
  [12, () => everyday()],
];
const sentence = (() => {
  const cum: number[] = [];
  let total = 0;
  for (const [w] of sentences) cum.push((total += w));
  return () => {
    const x = rand() * total;
    return sentences[cum.findIndex((c) => c > x)][1]();
  };
})();

/** A message body: mostly short, some long (5–200 characters); now and then a rare word. */
function messageBody(): string {
  const r = rand();
  const target = r < 0.3 ? int(5, 12) : r < 0.65 ? int(13, 40) : r < 0.9 ? int(41, 110) : int(111, 200);
  let body: string;
  if (target <= 12) {
    body = replies();
    while ([...body].length < 5) body += `，${replies()}`;
  } else {
    body = sentence();
    while ([...body].length < target) body += (rand() < 0.2 ? `${replies()}，` : '') + sentence();
  }
  if (rand() < 0.0004) body = `${pick(rare)}${body}`;
  const chars = [...body];
  if (chars.length > 200) body = chars.slice(0, 200).join('');
  if (chars.length < 5) body += '，谢谢';
  return body;
}

const surnames = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'];
const given = [...'伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华建国红梅志海波辉玲宇鹏飞晨阳雪琳浩然思远佳怡欣悦子涵一鸣文博'];
const personName = () => pick(surnames) + pick(given) + (rand() < 0.6 ? pick(given) : '');

// ---------------------------------------------------------------------------------------------------------
// The district: 1 committee, 6 general branches, 83 branches (90 org rooms) and 10 meeting rooms; authors
// in branches; one member (of a middling branch, signed up to 2 meetings) reads 5 of the 100 rooms.

interface District {
  admin: Actor;
  member: Actor;
  memberRooms: string[];
  rooms: Array<{ id: string; weight: number; authors: number[] }>;
}

const ago = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

async function insertReturningIds(db: Database, table: string, rows: Array<Record<string, unknown>>): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < rows.length; i += 200) {
    const out = await db.knex(table).insert(rows.slice(i, i + 200)).returning('id');
    ids.push(...out.map((r: { id: number } | number) => (typeof r === 'object' ? r.id : r)));
  }
  return ids;
}

async function buildDistrict(db: Database): Promise<District> {
  const created = ago(800);
  const [committee] = await insertReturningIds(db, 'orgs', [{ name: '某区机关党委', kind: 'committee', parent_id: null, created_at: created }]);
  const generals = await insertReturningIds(db, 'orgs', Array.from({ length: 6 }, (_, i) => ({ name: `第${i + 1}党总支`, kind: 'general_branch', parent_id: committee, created_at: created })));
  const branches = await insertReturningIds(db, 'orgs', Array.from({ length: 83 }, (_, i) => ({ name: `第${i + 1}党支部`, kind: 'branch', parent_id: generals[i % 6], created_at: created })));
  const hash = 'bench-no-login';
  const [adminId] = await insertReturningIds(db, 'users', [{ name: '管理员', email: 'admin@search.bench', password_hash: hash, role: 'admin', branch_id: null, created_at: created }]);
  const users = await insertReturningIds(db, 'users', Array.from({ length: AUTHORS }, (_, i) => ({ name: personName(), email: `u${i}@search.bench`, password_hash: hash, role: 'member', branch_id: branches[i % branches.length], created_at: created })));
  const branchOf = (u: number) => branches[(u - users[0]) % branches.length];
  const meetingIds = await insertReturningIds(db, 'meetings', Array.from({ length: 10 }, (_, i) => ({ host_org_id: generals[i % 6], title: `第${i + 1}期专题学习会`, starts_at: ago(200 - i * 10), capacity: 500, open_to: 'district', status: 'open', created_by: adminId, created_at: created })));

  // The member: in branch 10 (general branch 4), signed up to meetings 2 and 7.
  const memberBranch = branches[9];
  const memberId = users.find((u) => branchOf(u) === memberBranch)!;
  const signups = [meetingIds[1], meetingIds[6]].map((m, i) => ({ meeting_id: m, user_id: memberId, status: 'confirmed', check_in_code: `BENCH${i}00`, created_at: created, updated_at: created }));
  await db.knex('meeting_signups').insert(signups);

  const inBranch = new Map<number, number[]>();
  for (const u of users) inBranch.set(branchOf(u), [...(inBranch.get(branchOf(u)) ?? []), u]);
  const rooms: District['rooms'] = [
    { id: `org:${committee}`, authors: users, weight: 0 },
    ...generals.map((g) => ({ id: `org:${g}`, authors: users.filter((u) => branches.indexOf(branchOf(u)) % 6 === generals.indexOf(g)), weight: 0 })),
    ...branches.map((b) => ({ id: `org:${b}`, authors: inBranch.get(b)!, weight: 0 })),
    ...meetingIds.map((m) => ({ id: `meeting:${m}`, authors: Array.from({ length: 60 }, () => pick(users)), weight: 0 })),
  ];
  // Activity: a Zipf-like spread over the rooms in a shuffled order (some branches are busy, most are not).
  const order = rooms.map((_, i) => i).sort(() => rand() - 0.5);
  order.forEach((roomIndex, rank) => (rooms[roomIndex].weight = 1 / (rank + 1) ** 0.7));
  await db.knex.batchInsert('rooms', rooms.map((r) => ({ id: r.id, last_seq: 0 })), 100);

  const memberRooms = [`org:${memberBranch}`, `org:${generals[9 % 6]}`, `org:${committee}`, `meeting:${meetingIds[1]}`, `meeting:${meetingIds[6]}`];
  return {
    admin: { id: adminId, name: '管理员', role: 'admin', branchId: null, tokenId: 0 },
    member: { id: memberId, name: 'member', role: 'member', branchId: memberBranch, tokenId: 0 },
    memberRooms,
    rooms,
  };
}

/** Writes the messages straight into the table: multi-row inserts (SQLite), `unnest` arrays (PostgreSQL). */
async function insertMessages(db: Database, district: District): Promise<void> {
  const cum: number[] = [];
  let total = 0;
  for (const r of district.rooms) cum.push((total += r.weight));
  const seqs = new Map<string, number>();
  const span = 365 * 86_400_000;
  const start = Date.now() - span - 3_600_000;
  const CHUNK = db.kind === 'sqlite' ? 50_000 : 20_000;
  const ROWS_PER_STATEMENT = 4_000; // 7 bindings each: under SQLite's 32,766
  let done = 0;
  let lastPrint = Date.now();
  while (done < MESSAGES) {
    const n = Math.min(CHUNK, MESSAGES - done);
    const cols = { room: [] as string[], seq: [] as number[], author: [] as number[], client: [] as string[], body: [] as string[], at: [] as string[], deleted: [] as Array<string | null> };
    for (let i = 0; i < n; i++) {
      const x = rand() * total;
      let k = 0;
      while (cum[k] < x) k++;
      const room = district.rooms[k];
      const seq = (seqs.get(room.id) ?? 0) + 1;
      seqs.set(room.id, seq);
      const at = new Date(start + ((done + i) / MESSAGES) * span).toISOString();
      cols.room.push(room.id);
      cols.seq.push(seq);
      cols.author.push(pick(room.authors));
      cols.client.push(`b${done + i}`);
      cols.body.push(messageBody());
      cols.at.push(at);
      cols.deleted.push(rand() < 0.003 ? at : null);
    }
    if (db.kind === 'postgres') {
      await db.knex.raw(
        'INSERT INTO messages (room_id, seq, author_id, client_id, body, created_at, deleted_at) SELECT * FROM unnest(?::text[], ?::int[], ?::int[], ?::text[], ?::text[], ?::text[], ?::text[])',
        [cols.room, cols.seq, cols.author, cols.client, cols.body, cols.at, cols.deleted] as never,
      );
    } else {
      await db.knex.transaction(async (trx) => {
        for (let i = 0; i < n; i += ROWS_PER_STATEMENT) {
          const m = Math.min(ROWS_PER_STATEMENT, n - i);
          const bindings: unknown[] = [];
          for (let j = i; j < i + m; j++) bindings.push(cols.room[j], cols.seq[j], cols.author[j], cols.client[j], cols.body[j], cols.at[j], cols.deleted[j]);
          await trx.raw(`INSERT INTO messages (room_id, seq, author_id, client_id, body, created_at, deleted_at) VALUES ${Array(m).fill('(?,?,?,?,?,?,?)').join(',')}`, bindings as never);
        }
      });
    }
    done += n;
    if (Date.now() - lastPrint > 15_000) {
      console.log(`  … ${done} messages stored`);
      lastPrint = Date.now();
    }
  }
  for (const [room, seq] of seqs) await db.knex('rooms').where({ id: room }).update({ last_seq: seq });
  if (db.kind === 'postgres') await db.knex.raw('ANALYZE');
  else await db.knex.raw('ANALYZE');
}

// ---------------------------------------------------------------------------------------------------------
// Indexing, with where its time goes.

interface IndexRun {
  ms: number;
  indexed: number;
  selectMs: number;
  putMs: number;
  markMs: number;
  batches: number;
}

/** Runs the real indexer (SearchIndexer, batches of 1,000) over everything not indexed yet, timing its steps. */
async function indexAll(db: Database, progress = false): Promise<IndexRun> {
  const repo = createSearchRepo(db.knex, db.read);
  const p: IndexRun = { ms: 0, indexed: 0, selectMs: 0, putMs: 0, markMs: 0, batches: 0 };
  const timed: SearchRepo = {
    ...repo,
    async unindexedMessages(tx, after, limit) {
      const t = performance.now();
      const out = await repo.unindexedMessages(tx, after, limit);
      p.selectMs += performance.now() - t;
      p.batches++;
      p.indexed += out.messages.length;
      return out;
    },
    async put(tx, docs) {
      const t = performance.now();
      await repo.put(tx, docs);
      p.putMs += performance.now() - t;
    },
    async markIndexed(tx, upTo, settledBefore) {
      const t = performance.now();
      await repo.markIndexed(tx, upTo, settledBefore);
      p.markMs += performance.now() - t;
    },
  };
  let failure: unknown = null;
  const indexer = new SearchIndexer({ search: timed, transactions: db.transactions, clock: { now: () => Date.now() } }, 50, (error) => (failure = error));
  const t = performance.now();
  let lastPrint = Date.now();
  const ticker = setInterval(() => {
    if (progress && Date.now() - lastPrint > 30_000) {
      console.log(`  … ${p.indexed} indexed, ${Math.round(p.indexed / ((performance.now() - t) / 1000))} msg/s`);
      lastPrint = Date.now();
    }
  }, 1000);
  await indexer.run();
  clearInterval(ticker);
  p.ms = performance.now() - t;
  if (failure) throw failure;
  return p;
}

/** Copies of the newest `n` messages (new seqs, not indexed yet): the indexer's work at the database's size. */
async function appendCopies(db: Database, n: number, round: number): Promise<void> {
  await db.knex.raw(
    'INSERT INTO messages (room_id, seq, author_id, client_id, body, created_at, deleted_at) SELECT room_id, seq + ?, author_id, client_id || ?, body, created_at, deleted_at FROM messages WHERE id > (SELECT max(id) FROM messages) - ? ORDER BY id',
    [round * 10_000_000, `c${round}`, n],
  );
  await db.knex.raw('ANALYZE');
}

/** Tokenizing alone, on a sample of the stored bodies (what the indexer does between its reads and writes). */
async function tokenizeRate(db: Database): Promise<number> {
  const rows: Array<{ name: string; body: string }> = await db.knex('messages as m').join('users as u', 'u.id', 'm.author_id').orderBy('m.id').limit(100_000).select('u.name', 'm.body');
  const t = performance.now();
  let chars = 0;
  for (const r of rows) chars += indexTokens(`${r.name}\n${r.body}`).length;
  if (chars < 0) console.log(chars);
  return rows.length / ((performance.now() - t) / 1000);
}

// ---------------------------------------------------------------------------------------------------------
// Queries.

type Kind = 'word' | 'phrase' | 'latin' | 'number' | 'rare' | 'char' | 'words';
const QUERY_SET: Array<{ kind: Kind; weight: number; qs: string[] }> = [
  // two-character words (and place names)
  { kind: 'word', weight: 30, qs: ['党费', '会议', '学习', '支部', '通知', '党员', '活动', '签到', '报名', '党课', '深圳', '伦敦', '材料', '转账'] },
  // 3–6 character phrases (按时交党费: a phrase the text never holds)
  { kind: 'phrase', weight: 24, qs: ['组织生活', '流动党员', '主题党日', '三会一课', '学习强国', '思想汇报', '党员活动室', '按时交党费', '组织关系转接', '志愿服务', '会议纪要', '受益匪浅'] },
  { kind: 'latin', weight: 8, qs: ['WeChat', 'zoom', 'PPT', 'pdf', 'wech', 'WiFi'] },
  { kind: 'number', weight: 8, qs: ['2026', '2026年', '15号', '100元', '2025年3月'] },
  // a few dozen messages each (量子计算: none)
  { kind: 'rare', weight: 10, qs: ['阿勒泰', '呼伦贝尔', '区块链', '量子计算', '莫高窟'] },
  { kind: 'char', weight: 8, qs: ['的', '党', '会', '费'] },
  { kind: 'words', weight: 12, qs: ['流动 党员', '党费 WeChat', '学习 心得', '会议 通知', '深圳 组织生活', '2026年 党费'] },
];

function queryMix(n: number): Array<{ kind: Kind; q: string }> {
  const total = QUERY_SET.reduce((s, c) => s + c.weight, 0);
  const out: Array<{ kind: Kind; q: string }> = [];
  // Every query at least once, then drawn by category weight.
  for (const c of QUERY_SET) for (const q of c.qs) out.push({ kind: c.kind, q });
  while (out.length < n) {
    let x = rand() * total;
    const c = QUERY_SET.find((cat) => (x -= cat.weight) < 0) ?? QUERY_SET[0];
    out.push({ kind: c.kind, q: pick(c.qs) });
  }
  return out.sort(() => rand() - 0.5);
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const f1 = (n: number) => (Number.isNaN(n) ? '–' : n >= 100 ? n.toFixed(0) : n.toFixed(1));
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

interface Statement {
  sql: string;
  bindings: unknown[];
}
interface Latency {
  all: number[];
  byKind: Map<Kind, number[]>;
  byQuery: Map<string, { ms: number[]; hits: number }>;
  slowest: { q: string; ms: number; statements: Statement[] };
}

async function runQueries(db: Database, search: ReturnType<typeof createSearchService>, actor: Actor, mix: Array<{ kind: Kind; q: string }>): Promise<Latency> {
  const lat: Latency = { all: [], byKind: new Map(), byQuery: new Map(), slowest: { q: '', ms: -1, statements: [] } };
  for (const { q } of mix.slice(0, 10)) await search.search(actor, { q, limit: 20 }); // warm the connections
  let statements: Statement[] = [];
  const listen = (q: Statement) => statements.push({ sql: q.sql, bindings: q.bindings });
  db.read.on('query', listen);
  for (const { kind, q } of mix) {
    statements = [];
    const t = performance.now();
    const results = await search.search(actor, { q, limit: 20 });
    const ms = performance.now() - t;
    lat.all.push(ms);
    lat.byKind.set(kind, [...(lat.byKind.get(kind) ?? []), ms]);
    lat.byQuery.set(q, { ms: [...(lat.byQuery.get(q)?.ms ?? []), ms], hits: results.length });
    if (ms > lat.slowest.ms) lat.slowest = { q, ms, statements };
  }
  db.read.off('query', listen);
  return lat;
}

/** The plan of the search statement of a slow query: EXPLAIN QUERY PLAN (SQLite), EXPLAIN ANALYZE (PostgreSQL). */
async function planOf(db: Database, statements: Statement[]): Promise<string[]> {
  const st = statements.find((s) => /MATCH|@@/.test(s.sql));
  if (!st) return ['(no search statement seen)'];
  if (db.kind === 'sqlite') {
    const rows: Array<{ detail: string }> = await db.read.raw(`EXPLAIN QUERY PLAN ${st.sql}`, st.bindings as never);
    return rows.map((r) => r.detail);
  }
  const sql = st.sql.replace(/\$\d+/g, '?');
  const r = await db.read.raw(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, st.bindings as never);
  return (r.rows as Array<{ 'QUERY PLAN': string }>).map((x) => x['QUERY PLAN']).filter((l) => !/^\s*(Buffers|Planning|Worker|Sort Method|Heap Blocks|Full-sort Groups)/.test(l.trim()) && !/^\s*Buffers/.test(l));
}

// ---------------------------------------------------------------------------------------------------------

interface DbFigures {
  kind: 'sqlite' | 'postgres';
  generateMs: number;
  index: IndexRun | null;
  atSize: IndexRun | null;
  withoutFts: IndexRun | null;
  tokenizePerS: number;
  admin: Latency;
  member: Latency;
  plans: { admin: string[]; member: string[] };
  like: Array<{ kind: Kind; q: string; like: number; index: number; memberLike: number; memberIndex: number; fullLike: number }>;
  memberShare: number;
  sizes: string;
}

async function benchOne(kind: 'sqlite' | 'postgres'): Promise<DbFigures> {
  let url: string;
  let cleanup: () => Promise<void>;
  if (REUSE) {
    url = REUSE;
    cleanup = async () => {};
  } else if (kind === 'postgres') {
    const schema = `bench_search_${randomBytes(4).toString('hex')}`;
    url = `${PG_URL}?schema=${schema}`;
    cleanup = async () => {
      const admin = createDatabase(PG_URL);
      await admin.knex.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
      await admin.close();
    };
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'kitestring-bench-search-'));
    url = `sqlite:${join(dir, 'search.db')}`;
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\n== ${kind}: ${url}`);
  const db = createDatabase(url);
  try {
    seed = 20261201; // the same district and text on both databases
    let district: District;
    let generateMs = 0;
    let index: IndexRun | null = null;
    if (REUSE) {
      district = await districtOf(db);
    } else {
      await migrateToLatest(db);
      const t = performance.now();
      district = await buildDistrict(db);
      await insertMessages(db, district);
      generateMs = performance.now() - t;
      console.log(`generated ${MESSAGES} messages in ${(generateMs / 1000).toFixed(0)} s`);
      index = await indexAll(db, true);
      const [{ n }] = await db.knex('search_docs').count({ n: '*' });
      if (Number(n) !== index.indexed) throw new Error(`indexed ${index.indexed} but ${n} documents stored`);
      await db.knex.raw('ANALYZE');
      console.log(`indexed ${index.indexed} in ${(index.ms / 1000).toFixed(0)} s: ${Math.round(index.indexed / (index.ms / 1000))} msg/s`);
    }
    const tokenizePerS = await tokenizeRate(db);

    const clock = { now: () => Date.now() };
    const search = createSearchService({ search: createSearchRepo(db.knex, db.read), meetings: createMeetingsRepo(db.knex, db.read, clock), directory: new OrgDirectory(createOrgsRepo(db.knex, db.read, clock)) });
    seed = 7;
    const mix = queryMix(QUERIES);
    const admin = await runQueries(db, search, district.admin, mix);
    const member = await runQueries(db, search, district.member, mix);
    const plans = { admin: await planOf(db, admin.slowest.statements), member: await planOf(db, member.slowest.statements) };
    const [{ all }] = await db.knex('search_docs').count({ all: '*' });
    const [{ mine }] = await db.knex('search_docs').whereIn('room', district.memberRooms).count({ mine: '*' });
    const memberShare = Number(mine) / Number(all);

    // The LIKE scan on a sample of the mix (its single-word queries, as drawn), against the indexed search of
    // the same words: by the admin against the scan of every room, by the member against the scan of their
    // rooms (what a search without the index would have to do for them).
    const repo = createSearchRepo(db.knex, db.read);
    const like: DbFigures['like'] = [];
    for (const { kind: k, q } of mix.filter((m) => m.kind !== 'words').slice(0, LIKE_SAMPLE)) {
      let t = performance.now();
      await repo.scanMessages(q, 20);
      const l = performance.now() - t;
      t = performance.now();
      await search.search(district.admin, { q, limit: 20 });
      const index = performance.now() - t;
      t = performance.now();
      await repo.scanMessages(q, 20, district.memberRooms);
      const memberLike = performance.now() - t;
      t = performance.now();
      await search.search(district.member, { q, limit: 20 });
      const memberIndex = performance.now() - t;
      // The scan as it is when it cannot stop early: newest by the time written reads every row.
      t = performance.now();
      await repo.scanMessages(q, 20, undefined, 'time');
      like.push({ kind: k, q, like: l, index, memberLike, memberIndex, fullLike: performance.now() - t });
    }
    const sizes = await sizesOf(db);

    // Where indexing time goes at this size: more messages with the full-text index, then without it.
    let atSize: IndexRun | null = null;
    let withoutFts: IndexRun | null = null;
    if (!REUSE && PROFILE > 0) {
      await appendCopies(db, PROFILE, 1);
      atSize = await indexAll(db);
      await db.knex.raw(db.kind === 'sqlite' ? 'DROP TRIGGER search_docs_ai' : 'DROP INDEX search_docs_tsv');
      const [{ before }] = await db.knex('search_docs').max({ before: 'id' });
      await appendCopies(db, PROFILE, 2);
      withoutFts = await indexAll(db);
      if (KEEP) {
        // Kept for experiments: the full-text index made whole again.
        if (db.kind === 'sqlite') {
          await db.knex.raw('CREATE TRIGGER search_docs_ai AFTER INSERT ON search_docs BEGIN INSERT INTO search_fts(rowid, tokens) VALUES (new.id, new.tokens); END');
          await db.knex.raw('INSERT INTO search_fts(rowid, tokens) SELECT id, tokens FROM search_docs WHERE id > ?', [before]);
        } else await db.knex.raw('CREATE INDEX search_docs_tsv ON search_docs USING GIN (tsv)');
      }
    }
    return { kind, generateMs, index, atSize, withoutFts, tokenizePerS, admin, member, plans, like, memberShare, sizes };
  } finally {
    await db.close();
    if (KEEP || REUSE) console.log(`kept: BENCH_SEARCH_URL='${url}'`);
    else await cleanup();
  }
}

/** The district of a reused database (BENCH_SEARCH_URL): the admin and the member chosen at generation. */
async function districtOf(db: Database): Promise<District> {
  const admin = await db.knex('users').where({ role: 'admin' }).orderBy('id').first('id');
  const branches: Array<{ id: number; parent_id: number }> = await db.knex('orgs').where({ kind: 'branch' }).orderBy('id').select('id', 'parent_id');
  const committee = await db.knex('orgs').where({ kind: 'committee' }).first('id');
  const b = branches[9];
  const member = await db.knex('users').where({ branch_id: b.id, role: 'member' }).orderBy('id').first('id');
  const meetingsOf: Array<{ meeting_id: number }> = await db.knex('meeting_signups').where({ user_id: member.id }).select('meeting_id');
  return {
    admin: { id: admin.id, name: '管理员', role: 'admin', branchId: null, tokenId: 0 },
    member: { id: member.id, name: 'member', role: 'member', branchId: b.id, tokenId: 0 },
    memberRooms: [`org:${b.id}`, `org:${b.parent_id}`, `org:${committee.id}`, ...meetingsOf.map((m) => `meeting:${m.meeting_id}`)],
    rooms: [],
  };
}

async function sizesOf(db: Database): Promise<string> {
  if (db.kind === 'postgres') {
    const r = await db.knex.raw(
      "select pg_size_pretty(pg_total_relation_size('messages')) as messages, pg_size_pretty(pg_total_relation_size('search_docs')) as docs, pg_size_pretty(pg_relation_size('search_docs_tsv')) as gin",
    );
    const x = r.rows[0];
    return `messages ${x.messages}, search_docs ${x.docs} with its GIN index ${x.gin}`;
  }
  const [{ page_count }] = await db.knex.raw('PRAGMA page_count');
  const [{ page_size }] = await db.knex.raw('PRAGMA page_size');
  const [{ fts }] = await db.knex.raw('SELECT sum(length(block)) AS fts FROM search_fts_data');
  return `database file ${((page_count * page_size) / 2 ** 20).toFixed(0)} MiB, FTS5 index ${(fts / 2 ** 20).toFixed(0)} MiB`;
}

/**
 * The chat bench's stored messages per second to compare indexing with: BENCH_CHAT_RATE; else the chat bench
 * run now on the same database kind (BENCH_SENDERS, default 600, as in README's headline row); else README.
 */
async function chatRate(kind: 'sqlite' | 'postgres'): Promise<{ rate: number; from: string }> {
  if (process.env.BENCH_CHAT_RATE) return { rate: Number(process.env.BENCH_CHAT_RATE), from: 'BENCH_CHAT_RATE' };
  if (process.env.BENCH_SEARCH_CHAT !== 'readme') {
    const senders = process.env.BENCH_SENDERS ?? '600';
    try {
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/bench-chat.ts'], {
        cwd: ROOT,
        env: { ...process.env, BENCH_DB: kind, BENCH_SENDERS: senders, BENCH_ROOM_SIZE: '10' },
        maxBuffer: 1 << 20,
        timeout: 600_000,
      });
      const m = /kitestring chat:send \(\w+\): (\d+) msg\/s stored/.exec(stdout);
      if (m) return { rate: Number(m[1]), from: `chat bench, ${senders} senders, ${kind}, this run` };
    } catch (error) {
      console.log(`(the chat bench did not run: ${(error as Error).message.split('\n')[0]})`);
    }
  }
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const m = /kitestring ≈ ([\d,]+) msg\/s stored/.exec(readme);
  return m ? { rate: Number(m[1].replace(/,/g, '')), from: "README's Measured section" } : { rate: NaN, from: 'unknown' };
}

async function codeVersion(): Promise<string> {
  try {
    const git = (...args: string[]) => promisify(execFile)('git', args, { cwd: ROOT }).then((r) => r.stdout.trim());
    const head = await git('rev-parse', '--short', 'HEAD');
    const dirty = await git('status', '--porcelain', '--', 'server', 'migrations');
    return `${head}${dirty ? ' with uncommitted changes in server/ or migrations/' : ''}`;
  } catch {
    return 'unknown';
  }
}

// ---------------------------------------------------------------------------------------------------------

const chat = new Map<string, { rate: number; from: string }>();
for (const kind of KINDS) if (!REUSE) chat.set(kind, await chatRate(kind));
const results: DbFigures[] = [];
for (const kind of KINDS) results.push(await benchOne(kind));

const rate = (r: IndexRun | null) => (r ? r.indexed / (r.ms / 1000) : NaN);
const line = (xs: number[]) => `p50 ${f1(pct(xs, 50))}  p95 ${f1(pct(xs, 95))}  p99 ${f1(pct(xs, 99))} ms`;
const name = { sqlite: 'SQLite', postgres: 'PostgreSQL' };
console.log(`\n==== search benchmark: ${MESSAGES.toLocaleString('en')} messages, 100 rooms, ${AUTHORS} authors; ${QUERIES} queries per scope, limit 20; code ${await codeVersion()}`);
for (const r of results) {
  console.log(`\n-- ${name[r.kind]} (${r.sizes})`);
  const c = chat.get(r.kind);
  if (r.index) {
    const ix = r.index;
    const other = ix.ms - ix.selectMs - ix.putMs - ix.markMs;
    const pc = (x: number) => `${((x / ix.ms) * 100).toFixed(0)} %`;
    console.log(`generation (straight inserts): ${(r.generateMs / 1000).toFixed(0)} s`);
    console.log(`indexing 0 → ${ix.indexed.toLocaleString('en')} with SearchIndexer: ${Math.round(rate(ix))} msg/s (${(ix.ms / 1000).toFixed(0)} s, ${ix.batches} transactions)${c ? `; chat stores ${c.rate} msg/s (${c.from}): ${((rate(ix) / c.rate) * 100).toFixed(0)} %` : ''}`);
    console.log(`  time: read the batch ${pc(ix.selectMs)}, put (upsert + ${r.kind === 'sqlite' ? 'FTS5 trigger' : 'tsvector + GIN'}) ${pc(ix.putMs)}, move the mark ${pc(ix.markMs)}, the rest (tokenizing, commit${r.kind === 'sqlite' ? ' with the FTS5 flush and merges' : ''}) ${pc(other)}`);
  }
  if (r.atSize && r.withoutFts) {
    const us = (x: number) => `${(1e6 / x).toFixed(0)} µs`;
    const a = rate(r.atSize);
    const b = rate(r.withoutFts);
    console.log(
      `  at ${MESSAGES.toLocaleString('en')} documents, ${PROFILE.toLocaleString('en')} more: ${Math.round(a)} msg/s (${us(a)} each); without the ${r.kind === 'sqlite' ? 'FTS5 trigger' : 'GIN index'}: ${Math.round(b)} msg/s (${us(b)}); tokenizing alone ${Math.round(r.tokenizePerS)} msg/s (${us(r.tokenizePerS)})`,
    );
    const [tA, tB, tTok] = [1e6 / a, 1e6 / b, 1e6 / r.tokenizePerS];
    const share = (x: number) => `${((x / tA) * 100).toFixed(0)} %`;
    console.log(`  => of ${tA.toFixed(0)} µs per message: the full-text index ${share(tA - tB)}, tokenizing ${share(tTok)}, the rest (reads, rows and their b-tree indexes, commits) ${share(tB - tTok)}`);
  }
  console.log(`admin  (every room)                     ${line(r.admin.all)}`);
  console.log(`member (5 rooms, ${(r.memberShare * 100).toFixed(1)} % of the messages)  ${line(r.member.all)}`);
  for (const k of QUERY_SET.map((x) => x.kind)) {
    const a = r.admin.byKind.get(k) ?? [];
    const m = r.member.byKind.get(k) ?? [];
    console.log(`  ${k.padEnd(7)} n=${String(a.length).padStart(3)}  admin p50 ${f1(pct(a, 50)).padStart(5)} p95 ${f1(pct(a, 95)).padStart(5)}   member p50 ${f1(pct(m, 50)).padStart(5)} p95 ${f1(pct(m, 95)).padStart(5)} ms`);
  }
  for (const [who, lat] of [['admin', r.admin], ['member', r.member]] as const) {
    const slow = [...lat.byQuery.entries()].map(([q, v]) => ({ q, ms: Math.max(...v.ms), hits: v.hits })).sort((x, y) => y.ms - x.ms).slice(0, 6);
    console.log(`  slowest (${who}): ${slow.map((s) => `${s.q} ${f1(s.ms)} ms (${s.hits})`).join(', ')}`);
    console.log(`  plan of "${lat.slowest.q}" (${f1(lat.slowest.ms)} ms):\n${r.plans[who].map((l) => `      ${l}`).join('\n')}`);
  }
  const L = r.like;
  const lk = L.map((x) => x.like);
  const ix = L.map((x) => x.index);
  console.log(`LIKE '%word%' (scanMessages, newest 20) on ${L.length} single-word queries of the mix: p50 ${f1(pct(lk, 50))} p95 ${f1(pct(lk, 95))} ms, total ${f1(sum(lk))} ms; indexed search (admin): p50 ${f1(pct(ix, 50))} p95 ${f1(pct(ix, 95))} ms, total ${f1(sum(ix))} ms => ${f1(sum(lk) / sum(ix))}x`);
  const mlk = L.map((x) => x.memberLike);
  const mix = L.map((x) => x.memberIndex);
  console.log(`  the member's rooms only: LIKE p50 ${f1(pct(mlk, 50))} p95 ${f1(pct(mlk, 95))} ms, total ${f1(sum(mlk))} ms; indexed search (member): p50 ${f1(pct(mix, 50))} p95 ${f1(pct(mix, 95))} ms, total ${f1(sum(mix))} ms => ${f1(sum(mlk) / sum(mix))}x`);
  const flk = L.map((x) => x.fullLike);
  console.log(`  ordered by the time written (the scan reads every row): LIKE p50 ${f1(pct(flk, 50))} p95 ${f1(pct(flk, 95))} ms, total ${f1(sum(flk))} ms => ${f1(sum(flk) / sum(ix))}x the indexed search (admin)`);
  const byKind = [...new Set(L.map((x) => x.kind))].map((k) => {
    const xs = L.filter((x) => x.kind === k);
    return `${k} ${f1(sum(xs.map((x) => x.like)) / sum(xs.map((x) => x.index)))}x`;
  });
  console.log(`  by kind (LIKE total / index total): ${byKind.join(', ')}`);
}

// The summary, as a Markdown table.
const col = (f: (r: DbFigures) => string) => results.map(f).join(' | ');
console.log(`\n| ${MESSAGES.toLocaleString('en')} messages | ${results.map((r) => name[r.kind]).join(' | ')} |`);
console.log(`|---|${results.map(() => '---').join('|')}|`);
console.log(`| chat bench, stored msg/s (same run) | ${col((r) => (chat.get(r.kind) ? String(chat.get(r.kind)!.rate) : '–'))} |`);
console.log(`| indexing 0 → ${MESSAGES.toLocaleString('en')}, SearchIndexer, msg/s | ${col((r) => (r.index ? `${Math.round(rate(r.index))} (${((rate(r.index) / (chat.get(r.kind)?.rate ?? NaN)) * 100).toFixed(0)} % of chat)` : '–'))} |`);
console.log(`| indexing at ${MESSAGES.toLocaleString('en')} documents / without the full-text index, msg/s | ${col((r) => `${Math.round(rate(r.atSize))} / ${Math.round(rate(r.withoutFts))}`)} |`);
console.log(`| admin query p50 / p95 / p99, ms | ${col((r) => `${f1(pct(r.admin.all, 50))} / ${f1(pct(r.admin.all, 95))} / ${f1(pct(r.admin.all, 99))}`)} |`);
console.log(`| member query p50 / p95 / p99, ms | ${col((r) => `${f1(pct(r.member.all, 50))} / ${f1(pct(r.member.all, 95))} / ${f1(pct(r.member.all, 99))}`)} |`);
console.log(`| LIKE scan reading every row (newest by time written) / index, admin | ${col((r) => `${f1(sum(r.like.map((x) => x.fullLike)) / sum(r.like.map((x) => x.index)))}x`)} |`);
console.log(`| LIKE scan / index, ${LIKE_SAMPLE} sampled queries (total time), admin / member | ${col((r) => `${f1(sum(r.like.map((x) => x.like)) / sum(r.like.map((x) => x.index)))}x / ${f1(sum(r.like.map((x) => x.memberLike)) / sum(r.like.map((x) => x.memberIndex)))}x`)} |`);
process.exit(0);
