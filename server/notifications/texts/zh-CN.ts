import { major, type NotificationTexts } from './types';

const money = (amount: number, currency: string) => (currency === 'CNY' ? `${major(amount)} 元` : `${major(amount)} ${currency}`);

export const zhCN: NotificationTexts = {
  dues_reminder: (d) => ({
    title: d.stage === 'first' ? `${d.period} 党费提醒` : `${d.period} 党费再次提醒`,
    body: `你 ${d.period} 的党费还有 ${money(d.amountDue, d.currency)}未交。`,
  }),
  dues_escalation: (d) => ({
    title: `${d.branchName} ${d.period} 党费未交名单（${d.members.length} 人）`,
    body: `以下党员 ${d.period} 的党费还没有交：${d.members.map((m) => `${m.name}（${major(m.amountDue)} 元）`).join('、')}`,
  }),
  meeting_promoted: (d) => ({ title: `候补转正：${d.title}`, body: `有人退出，你已从候补名单转为正式参会：${d.title}` }),
  meeting_cancelled: (d) => ({ title: `会议取消：${d.title}`, body: `你报名的会议已取消：${d.title}` }),
  meeting_reminder: (d) => ({ title: `会议即将开始：${d.title}`, body: `你报名的会议快开始了：${d.title}${d.location ? `（${d.location}）` : ''}` }),
  checkin_reminder: (d) => ({ title: `视频谈心即将开始：${d.with.name}`, body: `你和${d.with.name}约好的视频谈心快到时间了` }),
  missed_call: (d) => ({
    title: d.count > 1 ? `未接来电：${d.from.name}（${d.count} 次）` : `未接来电：${d.from.name}`,
    body: d.count > 1 ? `${d.from.name} 给你打过 ${d.count} 次视频电话` : `${d.from.name} 给你打过视频电话`,
  }),
  mention: (d) => ({ title: `${d.from.name} 在「${d.roomName}」提到了你`, body: d.excerpt }),
  transfer_requested: (d) => ({
    title: `待审批的组织关系转接：${d.member.name}`,
    body: `${d.member.name} 申请从${d.fromBranch.name}转到${d.toBranch.name}，等待${d.step === 'out' ? '转出' : '转入'}党组织审批。`,
  }),
  transfer_approved: (d) => ({ title: '组织关系转出已批准', body: `${d.by.name} 已批准 ${d.member.name} 转往${d.toBranch.name}，等待${d.toBranch.name}接收。` }),
  transfer_returned: (d) => ({ title: '组织关系转接被退回', body: `${d.by.name} 退回了 ${d.member.name} 转往${d.toBranch.name}的申请：${d.note}` }),
  transfer_completed: (d) => ({ title: '组织关系转接完成', body: `${d.member.name} 的组织关系已转入${d.toBranch.name}。` }),
  member_reported: (d) => ({ title: `${d.member.name} 向组织报到`, body: `${d.member.name} 现在在${d.location}${d.mobile ? '（流动党员）' : ''}。` }),
  announcement: (d) => ({ title: `${d.orgName}通知：${d.title}`, body: `${d.author.name} 发布了通知：${d.title}` }),
  bid_awarded: (d) => ({ title: `你的项目中标了：${d.title}`, body: `你提交的「${d.title}」在「${d.tenderTitle}」中被选中，已进入项目库。` }),
};
