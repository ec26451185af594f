import { defineMessages } from '../define';

/**
 * Errors as people read them: a title per error code, what went wrong, and what to type
 * instead. The codes themselves stay in logs and the HTTP API.
 */
export const errorMessages = defineMessages({
  'error.title.validation_failed': { en: 'That is not quite right', 'zh-CN': '输入有误' },
  'error.title.not_found': { en: 'Not found', 'zh-CN': '没有找到' },
  'error.title.conflict': { en: 'That cannot be done now', 'zh-CN': '现在无法这样操作' },
  'error.title.unauthorized': { en: 'Not signed in', 'zh-CN': '身份未验证' },
  'error.title.forbidden': { en: 'Not allowed', 'zh-CN': '没有权限' },
  'error.title.payload_too_large': { en: 'Too large', 'zh-CN': '内容太大' },
  'error.title.unsupported_media_type': { en: 'Unsupported content', 'zh-CN': '不支持的内容' },
  'error.title.upstream_failed': { en: 'A service we depend on failed', 'zh-CN': '依赖的服务出错' },
  'error.title.unavailable': { en: 'Temporarily unavailable', 'zh-CN': '暂时不可用' },
  'error.title.internal': { en: 'Something went wrong', 'zh-CN': '出错了' },
  'error.internal': { en: 'Something went wrong on our side; it has been logged.', 'zh-CN': '我们这边出了问题，已记录日志。' },
  'error.notFound': { en: 'There is no {what} "{id}".', 'zh-CN': '没有找到{what}“{id}”。' },
  'error.hint.usage': { en: 'Type it like this: {usage}', 'zh-CN': '请这样输入：{usage}' },
  'error.hint.help': { en: 'Send /help for the commands.', 'zh-CN': '发送 /帮助 查看所有命令。' },
  'error.hint.forbidden': { en: 'Ask an admin if you need this.', 'zh-CN': '如有需要，请联系管理员。' },
  'error.hint.conflict': { en: 'Look at how it stands now (the card shows it) and try again.', 'zh-CN': '请查看当前状态（卡片上已更新）后再试。' },
  'error.hint.retry': { en: 'Try again in a minute; if it keeps failing, tell an admin.', 'zh-CN': '请稍后再试；如果一直失败，请告诉管理员。' },
  'error.hint.list': { en: 'Send {command} to see which there are.', 'zh-CN': '发送 {command} 查看现有的。' },
  'error.more': { en: '… {count} more', 'zh-CN': '… 还有 {count} 条' },
  'error.detail': { en: 'Details: {message}', 'zh-CN': '详情：{message}' },
  'entity.oncallGroup': { en: 'on-call group', 'zh-CN': '值班组' },
  'entity.scrapePool': { en: 'scrape pool', 'zh-CN': '采集池' },
  'entity.alertEvent': { en: 'alert event', 'zh-CN': '告警事件' },
  'entity.firingAlertNamed': { en: 'firing alert named', 'zh-CN': '正在触发的告警' },
  'entity.alertRule': { en: 'alert rule', 'zh-CN': '告警规则' },
  'entity.sendGroup': { en: 'send group', 'zh-CN': '发送组' },
  'entity.swapRequest': { en: 'swap request', 'zh-CN': '换班申请' },
  'entity.user': { en: 'user', 'zh-CN': '用户' },
  'entity.instance': { en: 'instance', 'zh-CN': '实例' },
  'entity.alert': { en: 'alert', 'zh-CN': '告警' },
  'entity.action': { en: 'action', 'zh-CN': '自愈动作' },
  'entity.loggedQuery': { en: 'logged query', 'zh-CN': '记录下的查询' },
  'entity.configFile': { en: 'config file', 'zh-CN': '配置文件' },
  'entity.prometheusInstance': { en: 'Prometheus instance', 'zh-CN': 'Prometheus 实例' },
  'entity.other': { en: '{entity}', 'zh-CN': '{entity}' },
});
