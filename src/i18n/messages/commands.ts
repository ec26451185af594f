import { defineMessages } from '../define';

/** Each command's usage and description, as /help and usage errors show them. */
export const commandMessages = defineMessages({
  'cmd.help.usage': { en: '/help', 'zh-CN': '/帮助' },
  'cmd.help.description': { en: 'The commands you may use.', 'zh-CN': '你可以使用的命令。' },
  'cmd.whoami.usage': { en: '/whoami', 'zh-CN': '/我是谁' },
  'cmd.whoami.description': { en: 'Your promduty user and what your role lets you do.', 'zh-CN': '你在 promduty 中的用户信息，以及你的角色能做什么。' },
  'cmd.oncall.usage': {
    en: '/oncall [group] · /oncall next [group] · /oncall me · /oncall calendar [group] [rotate]',
    'zh-CN': '/值班 [值班组] · /值班 接下来 [值班组] · /值班 我 · /值班 日历 [值班组] [重置]',
  },
  'cmd.oncall.description': {
    en: 'Who is on call now and next; the next shifts; your shifts; your calendar link (sent privately).',
    'zh-CN': '现在和下一位值班的人；接下来的班次；你的班次；你的日历订阅链接（私聊发送）。',
  },
  'cmd.roster.usage': { en: '/roster [group] [YYYY-MM]', 'zh-CN': '/排班 [值班组] [YYYY-MM]' },
  'cmd.roster.description': {
    en: "A month's on-call calendar (this month by default), with buttons for the months around it.",
    'zh-CN': '某月的值班日历（默认本月），带上月 / 下月按钮。',
  },
  'cmd.swap.usage': {
    en: '/swap <group> [<YYYY-MM-DD>[..<YYYY-MM-DD>] @person|me|offer [force]] · /swap accept|decline|cancel|force <request>',
    'zh-CN': '/换班 <值班组> [<YYYY-MM-DD>[..<YYYY-MM-DD>] @某人|我|转让 [强制]] · /换班 接受|拒绝|取消|强制 <申请编号>',
  },
  'cmd.swap.description': {
    en: 'Ask someone to take your shift (it changes once they accept), offer it to the whole group, or take a free one; with only the group, a card with pickers.',
    'zh-CN': '请同事替你值班（对方接受后才生效）、把班次转让给整个值班组，或认领空闲班次；只写值班组时给出带选择器的卡片。',
  },
  'cmd.alerts.usage': { en: '/alerts', 'zh-CN': '/告警' },
  'cmd.alerts.description': { en: 'Firing alerts, most urgent first, with Claim and Silence buttons.', 'zh-CN': '正在触发的告警，最紧急的在前，带认领和屏蔽按钮。' },
  'cmd.claim.usage': { en: '/claim <event id…>', 'zh-CN': '/认领 <事件编号…>' },
  'cmd.claim.description': { en: 'Take alert events: escalation stops and the group sees who has them.', 'zh-CN': '认领告警事件：停止升级，群里能看到谁在处理。' },
  'cmd.silence.usage': { en: '/silence <event id…|alertname=NAME> <duration>', 'zh-CN': '/屏蔽 <事件编号…|alertname=名称> <时长>' },
  'cmd.silence.description': {
    en: 'Silence alert events (their exact labels) or every alert of a name in Alertmanager, e.g. /silence 42 1h.',
    'zh-CN': '在 Alertmanager 中屏蔽告警事件（按其完整标签）或某个名称的全部告警，例如 /屏蔽 42 1h。',
  },
  'cmd.unsilence.usage': { en: '/unsilence <event id…>', 'zh-CN': '/取消屏蔽 <事件编号…>' },
  'cmd.unsilence.description': { en: 'Remove the silence of alert events (expires it in Alertmanager).', 'zh-CN': '解除告警事件的屏蔽（在 Alertmanager 中使其过期）。' },
  'cmd.rules.usage': { en: '/rules [filter] · /rules suggest [pool]', 'zh-CN': '/规则 [关键词] · /规则 建议 [采集池]' },
  'cmd.rules.description': {
    en: "Alert rules whose name or expression contains the filter (or with that id). `suggest`: record rules that would speed up the pool's heaviest repeated queries (from the Prometheus query log), created with one click.",
    'zh-CN': '名称或表达式包含关键词（或编号相同）的告警规则。`建议`：根据 Prometheus 查询日志，为采集池中最重的重复查询推荐记录规则，一键创建。',
  },
  'cmd.rule.usage': { en: '/rule <id> | /rule enable|disable <id…>', 'zh-CN': '/规则详情 <编号> | /规则详情 启用|停用 <编号…>' },
  'cmd.rule.description': { en: 'One alert rule with its edit form; or enable / disable rules.', 'zh-CN': '查看一条告警规则及其编辑表单；或启用 / 停用规则。' },
  'cmd.pools.usage': { en: '/pools', 'zh-CN': '/采集池' },
  'cmd.pools.description': { en: 'Scrape pools: instance health and the last config publish.', 'zh-CN': '采集池：实例健康状态和最近一次配置发布。' },
  'cmd.config.usage': { en: '/config <pool> [host:port]', 'zh-CN': '/配置 <采集池> [host:port]' },
  'cmd.config.description': {
    en: "A pool's published config files per instance, or what one instance gets now.",
    'zh-CN': '采集池各实例已发布的配置文件，或某个实例现在会拿到的配置。',
  },
  'cmd.stats.usage': { en: '/stats [send group|all] [7|30]', 'zh-CN': '/统计 [发送组|全部] [7|30]' },
  'cmd.stats.description': {
    en: 'Alerts, MTTA, MTTR, after-hours pages, noisiest rules and flapping alerts of the last 7 or 30 days, with charts.',
    'zh-CN': '最近 7 或 30 天的告警数、MTTA、MTTR、非工作时间通知、最吵的规则和抖动告警，附图表。',
  },
});
