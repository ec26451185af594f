import { defineMessages } from '../define';

/**
 * Refusals of the on-call services people meet in /swap, /roster and the swap cards. The
 * English is the HTTP API's `message` as well, so it stays as the API has always said it.
 */
export const oncallErrorMessages = defineMessages({
  'swapErr.lastBeforeFirst': { en: 'must not be before firstDay ({first})', 'zh-CN': '结束日期不能早于开始日期（{first}）' },
  'swapErr.tooManyDays': {
    en: 'that is {span} days; a request covers at most {max}',
    'zh-CN': '这是 {span} 天；一次申请最多 {max} 天，请分几次申请',
  },
  'swapErr.forceAdmin': { en: 'Only an admin may force a swap; ask the person instead.', 'zh-CN': '只有管理员可以强制换班；请直接向对方发起申请。' },
  'swapErr.forceAdminOnly': { en: 'Only an admin may force a swap.', 'zh-CN': '只有管理员可以强制换班。' },
  'swapErr.pastDay': {
    en: '{day} is in the past in {zone} (the current roster day is {today}); past days cannot be swapped',
    'zh-CN': '{day} 在 {zone} 时区已经过去（当前排班日是 {today}）；过去的日子不能换班',
  },
  'swapErr.manyHolders': {
    en: 'those days are held by {holders} different people; ask for each shift on its own',
    'zh-CN': '这几天由 {holders} 个不同的人值班；请对每个班次分别申请',
  },
  'swapErr.notMember': { en: 'user {user} is not a member of on-call group {group}', 'zh-CN': '用户 {user} 不是值班组 {group} 的成员' },
  'swapErr.alreadyOnCall': { en: 'user {user} is already on call in {group} then', 'zh-CN': '用户 {user} 届时本来就在 {group} 值班' },
  'swapErr.offerNotForced': { en: 'an offer to the group cannot be forced: name the person', 'zh-CN': '转让给值班组的班不能强制：请指定接班的人' },
  'swapErr.nobodyToOffer': { en: '{group} has nobody else to offer the shift to', 'zh-CN': '{group} 没有其他成员可以接这个班' },
  'swapErr.takeNeedsConsent': {
    en: 'to take a shift someone holds, they give it to you (or an admin forces it)',
    'zh-CN': '别人的班要由对方转给你（或由管理员强制换班）',
  },
  'swapErr.addressedToOther': {
    en: 'This request is addressed to someone else; only they can accept or decline it.',
    'zh-CN': '这个申请是发给别人的；只有对方可以接受或拒绝。',
  },
  'swapErr.takeMembersOnly': {
    en: 'Only members of {group} other than the person giving the shift away can take it.',
    'zh-CN': '只有 {group} 的成员（转出这个班的人除外）可以接班。',
  },
  'swapErr.offerNotDeclined': {
    en: 'An offer to the group is not declined: leave it to someone else, or its requester cancels it.',
    'zh-CN': '转让给值班组的班不需要拒绝：留给其他人接，或由发起人取消。',
  },
  'swapErr.cancelOwnOnly': { en: 'Only whoever made the request, or an admin, can cancel it.', 'zh-CN': '只有发起人或管理员可以取消这个申请。' },
  'swapErr.offerNotForceable': {
    en: 'An offer to the group names nobody to force it on; make a request to a person instead.',
    'zh-CN': '转让给值班组的班没有指定接班人，无法强制；请改为向某个人发起申请。',
  },
  'swapErr.freeShiftAdminOnly': {
    en: 'Nobody holds that shift: you may take it yourself, but only an admin may hand it to someone else.',
    'zh-CN': '这个班没有人值：你可以自己接下，但只有管理员可以把它交给别人。',
  },
  'swapErr.ownShiftOnly': {
    en: 'You may only give away your own shift or take a free one; ask the person who holds it, or an admin.',
    'zh-CN': '你只能转出自己的班，或接下没人值的班；请找值这个班的人或管理员。',
  },
  'swapErr.stillPending': {
    en: 'swap request #{id} for those days is still pending; cancel it first',
    'zh-CN': '这几天的换班申请 #{id} 还在等待回应；请先取消它',
  },
  'swapErr.already.accepted': { en: 'swap request #{id} is already accepted', 'zh-CN': '换班申请 #{id} 已被接受' },
  'swapErr.already.declined': { en: 'swap request #{id} is already declined', 'zh-CN': '换班申请 #{id} 已被拒绝' },
  'swapErr.already.expired': { en: 'swap request #{id} is already expired', 'zh-CN': '换班申请 #{id} 已过期' },
  'swapErr.already.cancelled': { en: 'swap request #{id} is already cancelled', 'zh-CN': '换班申请 #{id} 已取消' },
  'swapErr.already.forced': { en: 'swap request #{id} is already forced', 'zh-CN': '换班申请 #{id} 已由管理员强制执行' },
  'swapErr.expiredAtStart': { en: 'swap request #{id} expired when its shift began', 'zh-CN': '换班申请 #{id} 在班次开始时已过期' },
  'swapErr.decidedMeanwhile': { en: 'swap request #{id} was decided meanwhile', 'zh-CN': '换班申请 #{id} 刚刚已被别人处理' },
  'swapErr.shiftChanged': {
    en: 'the shift changed since request #{id} was made: {day} is no longer held by the same person',
    'zh-CN': '申请 #{id} 发出后排班有变：{day} 已不再由原来的人值班',
  },
  'oncallErr.notADay': { en: "'{day}' is not a calendar day (YYYY-MM-DD)", 'zh-CN': '“{day}”不是有效日期（请写成 YYYY-MM-DD）' },
  'oncallErr.mustBeDay': { en: 'must be a calendar day (YYYY-MM-DD)', 'zh-CN': '须是有效日期（YYYY-MM-DD）' },
  'oncallErr.toBeforeFrom': { en: 'must not be before from ({from})', 'zh-CN': '结束日期不能早于开始日期（{from}）' },
  'oncallErr.rangeTooLong': { en: 'the range is {span} days; at most {max}', 'zh-CN': '范围是 {span} 天；最多 {max} 天' },
  'oncallErr.year': { en: 'must be a year 1-9998', 'zh-CN': '年份须在 1 到 9998 之间' },
  'oncallErr.month': { en: 'must be 1-12', 'zh-CN': '月份须在 1 到 12 之间' },
  'oncallErr.monthFormat': { en: 'must be YYYY-MM', 'zh-CN': '月份请写成 YYYY-MM' },
});
