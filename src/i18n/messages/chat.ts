import { defineMessages } from '../define';

/** What the chat layer itself says: not registered, no command, refusals, help. */
export const chatMessages = defineMessages({
  'chat.notRegistered': {
    en: 'You are not registered in promduty yet, so I cannot act for you. Ask an admin to add your Feishu account (your open_id) as a user.',
    'zh-CN': '你还不是 promduty 的用户，所以我无法替你操作。请管理员把你的飞书账号（open_id）添加为用户。',
  },
  'chat.hint.help': { en: 'Send /help for what I can do.', 'zh-CN': '发送 /帮助 查看我能做什么。' },
  'chat.tooLong': {
    en: 'That message is {length} characters long; a command is at most {max}.',
    'zh-CN': '这条消息有 {length} 个字符，命令最多 {max} 个字符。',
  },
  'chat.noCommand': { en: 'I did not find a command in that.', 'zh-CN': '这条消息里没有命令。' },
  'chat.unknownCommand': { en: 'There is no command /{command}.', 'zh-CN': '没有 /{command} 这个命令。' },
  'chat.didYouMean': { en: 'Did you mean {usage}?', 'zh-CN': '你是不是想用 {usage}？' },
  'chat.needsRole': {
    en: '/{command} needs the {role} role; you are {current}. Ask an admin.',
    'zh-CN': '/{command} 需要 {role} 角色，你现在是 {current}。请联系管理员。',
  },
  'chat.thisAction': { en: 'This action', 'zh-CN': '此操作' },
  'chat.actionNeedsRole': {
    en: '{what} needs the {role} role; you are {current}. Ask an admin.',
    'zh-CN': '{what}需要 {role} 角色，你现在是 {current}。请联系管理员。',
  },
  'chat.help.title': { en: 'promduty commands', 'zh-CN': 'promduty 命令' },
  'chat.help.footer': {
    en: 'You are {name} ({role}). In a group chat, @mention the bot before the command. Commands work in English and Chinese (/oncall = /值班).',
    'zh-CN': '你是 {name}（{role}）。在群聊中请先 @机器人 再输入命令。命令支持中文和英文（/值班 = /oncall）。',
  },
  'chat.help.aliases': { en: 'Also: {aliases}', 'zh-CN': '也可以用：{aliases}' },
  'role.viewer': { en: 'viewer', 'zh-CN': '只读' },
  'role.editor': { en: 'editor', 'zh-CN': '编辑' },
  'role.admin': { en: 'admin', 'zh-CN': '管理员' },
  'chat.whoami.title': { en: 'You are {name}', 'zh-CN': '你是 {name}' },
  'chat.whoami.role': { en: '**Role:** {role}', 'zh-CN': '**角色：** {role}' },
  'chat.whoami.may': { en: '**You may:** {can}', 'zh-CN': '**你可以：** {can}' },
  'chat.whoami.id': { en: '**User id:** {id}', 'zh-CN': '**用户编号：** {id}' },
  'chat.whoami.email': { en: '**Email:** {email}', 'zh-CN': '**邮箱：** {email}' },
  'chat.can.viewer': { en: 'read: on-call, rosters, alerts, rules, pools and configs', 'zh-CN': '查看：值班、排班、告警、规则、采集池和配置' },
  'chat.can.editor': {
    en: 'read, and claim, silence and unsilence alerts, swap shifts, edit and enable/disable rules',
    'zh-CN': '查看，以及认领、屏蔽和取消屏蔽告警，换班，编辑和启用 / 停用规则',
  },
  'chat.can.admin': {
    en: 'everything an editor may, and change pools, clusters, send groups and users',
    'zh-CN': '编辑能做的一切，以及修改采集池、集群、发送组和用户',
  },
});
