import { defineMessages } from '../define';

/** Paging (buzzes): /notify, its errors, and the reminder before an escalation level. */
export const pagingMessages = defineMessages({
  'cmd.notify.usage': {
    en: '/notify · /notify <critical|warning|info|default> <chat|buzz_app|sms|phone> [delay, e.g. 5m] · /notify quiet 22:00-07:00 [zone] · /notify quiet off · /notify zone Asia/Shanghai (an admin may put @person first)',
    'zh-CN': '/通知 · /通知 <critical|warning|info|default> <chat|buzz_app|sms|phone> [延迟，如 5m] · /通知 quiet 22:00-07:00 [时区] · /通知 quiet off · /通知 zone Asia/Shanghai（管理员可在最前面 @某人）',
  },
  'cmd.notify.description': {
    en: 'How you are paged for each severity (card, in-app buzz, SMS, phone; a delay) and your quiet hours.',
    'zh-CN': '每个级别的告警如何通知你（卡片、应用内加急、短信加急、电话加急；可延迟），以及免打扰时段。',
  },
  'paging.channel.chat': { en: 'card only', 'zh-CN': '仅卡片' },
  'paging.channel.buzz_app': { en: 'card + in-app buzz', 'zh-CN': '卡片 + 应用内加急' },
  'paging.channel.sms': { en: 'card + SMS buzz', 'zh-CN': '卡片 + 短信加急' },
  'paging.channel.phone': { en: 'card + phone call', 'zh-CN': '卡片 + 电话加急' },
  'paging.rule': { en: '**{severity}:** {channel}', 'zh-CN': '**{severity}：** {channel}' },
  'paging.ruleDelayed': { en: '**{severity}:** {channel}, after {minutes} min', 'zh-CN': '**{severity}：** {channel}，{minutes} 分钟后' },
  'paging.quiet': {
    en: '{start}–{end} ({zone}); critical alerts {critical}',
    'zh-CN': '{start}–{end}（{zone}）；critical 告警{critical}',
  },
  'paging.quiet.criticalPages': { en: 'still page', 'zh-CN': '仍会通知' },
  'paging.quiet.criticalWaits': { en: 'wait too', 'zh-CN': '也等待' },
  'paging.quiet.none': { en: 'none', 'zh-CN': '无' },
  'paging.rulesOf': { en: 'Notification rules of {name}', 'zh-CN': '{name} 的通知规则' },
  'paging.noRules': {
    en: "No rules of your own: each send group's paging decides (critical → in-app buzz by default).",
    'zh-CN': '没有个人规则：由各发送组的加急设置决定（默认 critical → 应用内加急）。',
  },
  'paging.quietLine': { en: '**Quiet hours:** {quiet}', 'zh-CN': '**免打扰：** {quiet}' },
  'paging.change': { en: 'Change: {usage}', 'zh-CN': '修改：{usage}' },
  'paging.title': { en: 'Notification rules', 'zh-CN': '通知规则' },
  'paging.titleSaved': { en: 'Notification rules saved', 'zh-CN': '通知规则已保存' },
  'paging.quietFormat': {
    en: 'give quiet hours as HH:MM-HH:MM, e.g. /notify quiet 22:00-07:00 Asia/Shanghai',
    'zh-CN': '免打扰时段请写成 HH:MM-HH:MM，例如 /通知 quiet 22:00-07:00 Asia/Shanghai',
  },
  'paging.zoneNeeded': { en: 'give a time zone, e.g. /notify zone Asia/Shanghai', 'zh-CN': '请给出时区，例如 /通知 zone Asia/Shanghai' },
  'paging.criticalQuietUsage': { en: '/notify critical-quiet page|wait', 'zh-CN': '/通知 critical-quiet page|wait' },
  'paging.unknownSetting': { en: "unknown setting '{setting}'. {usage}", 'zh-CN': '未知设置“{setting}”。{usage}' },
  'paging.channelNeeded': { en: 'how to reach you: one of {channels}', 'zh-CN': '通知方式：{channels} 之一' },
  'paging.delayFormat': { en: 'give the delay in minutes, e.g. 5m', 'zh-CN': '延迟请以分钟给出，例如 5m' },
  'paging.notRegistered': { en: '{name} is not registered in promduty', 'zh-CN': '{name} 还不是 promduty 的用户' },
  'paging.othersNeedAdmin': {
    en: "changing another person's notification rules takes the admin role",
    'zh-CN': '修改他人的通知规则需要管理员角色',
  },
  'paging.unknownZone': { en: "unknown time zone '{zone}'", 'zh-CN': '未知时区“{zone}”' },
  'paging.reminder': {
    en: '⏰ {what}: unacknowledged for {forMin} min; escalating to {to} in {inMin} min. Acknowledge it to stop the escalation.',
    'zh-CN': '⏰ {what}：已 {forMin} 分钟无人确认；{inMin} 分钟后升级给 {to}。确认即可停止升级。',
  },
  'paging.reminder.nextLevel': { en: 'the next level', 'zh-CN': '下一级' },
});
