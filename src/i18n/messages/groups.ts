import { defineMessages } from '../define';

/** Alert groups (incidents): /ack, /unack and /group replies. */
export const groupMessages = defineMessages({
  'cmd.ack.usage': { en: '/ack <event id…>', 'zh-CN': '/确认 <事件编号…>' },
  'cmd.ack.description': {
    en: 'Acknowledge alert events (same as /claim): escalation stops and the group sees who has them.',
    'zh-CN': '确认告警事件（同 /认领）：停止升级，群里能看到谁在处理。',
  },
  'cmd.unack.usage': { en: '/unack <event id…>', 'zh-CN': '/撤销确认 <事件编号…>' },
  'cmd.unack.description': { en: 'Remove the acknowledgement of alert events.', 'zh-CN': '取消对告警事件的确认。' },
  'cmd.group.usage': {
    en: '/group <id> [ack|unack|take|resolve|escalate|note <text>|responder @person|silence <90m|2d|until 09:00> [reason]]',
    'zh-CN': '/告警组 <编号> [ack|unack|take|resolve|escalate|note <内容>|responder @某人|silence <90m|2d|until 09:00> [原因]]',
  },
  'cmd.group.description': {
    en: 'An alert group (incident): its card, or act on it: ack, unack, take, resolve, escalate, note, responder, silence.',
    'zh-CN': '告警组（事件）：查看卡片，或对整组操作：确认、取消确认、接手、解决、立即升级、备注、添加响应人、屏蔽。',
  },
  'reply.acknowledged': { en: 'Acknowledged', 'zh-CN': '已确认' },
  'reply.unacknowledged': { en: 'Unacknowledged', 'zh-CN': '已取消确认' },
  'group.title.ack': { en: 'Acknowledged', 'zh-CN': '已确认' },
  'group.title.unack': { en: 'Unacknowledged', 'zh-CN': '已取消确认' },
  'group.title.take': { en: 'Taken over', 'zh-CN': '已接手' },
  'group.title.resolve': { en: 'Resolved', 'zh-CN': '已解决' },
  'group.title.escalate': { en: 'Escalated', 'zh-CN': '已升级' },
  'group.title.note': { en: 'Noted', 'zh-CN': '已备注' },
  'group.title.responder': { en: 'Responder added', 'zh-CN': '已添加响应人' },
  'group.title.silence': { en: 'Silenced', 'zh-CN': '已屏蔽' },
  'group.needId': { en: "give the group's id, e.g. {usage}", 'zh-CN': '请给出告警组编号，例如 {usage}' },
  'group.noSuchGroup': { en: 'there is no alert group #{id}', 'zh-CN': '没有告警组 #{id}' },
  'group.unknownAction': { en: 'unknown action "{verb}"; {usage}', 'zh-CN': '未知操作“{verb}”；{usage}' },
  'group.noteNeeded': { en: 'write the note after "note"', 'zh-CN': '请在 "note" 后面写备注' },
  'group.responderNeeded': { en: '@-mention the person to add, e.g. /group 12 responder @Carol', 'zh-CN': '请 @ 要添加的人，例如 /告警组 12 responder @Carol' },
  'group.durationNeeded': {
    en: 'give a duration such as 90m or 2d, or until 09:00 (at most 30 days)',
    'zh-CN': '请给出时长，例如 90m 或 2d，或 until 09:00（最长 30 天）',
  },
  'group.acting': { en: 'Acting on an alert group', 'zh-CN': '操作告警组' },
});
