import { defineMessages } from '../define';

/**
 * Refusals of the stats, silence, query-log suggestion and remediation services that chat
 * commands and card buttons reach. The English is the HTTP API's `message` as well.
 */
export const serviceErrorMessages = defineMessages({
  'stats.err.days': { en: 'must be {short} or {long}', 'zh-CN': '天数须是 {short} 或 {long}' },
  'silence.err.length': { en: 'must be more than 0 and at most {max}', 'zh-CN': '屏蔽时长须大于 0 且不超过 {max}' },
  'silence.err.createNoInstances': {
    en: 'cannot create the silence: the Alertmanager cluster has no instances',
    'zh-CN': '无法创建屏蔽：这个 Alertmanager 集群没有实例',
  },
  'silence.err.create': { en: 'cannot create the silence: {errors}', 'zh-CN': '无法创建屏蔽，Alertmanager 回复：{errors}' },
  'silence.err.expireNoInstances': {
    en: 'cannot expire silence {id}: the Alertmanager cluster has no instances',
    'zh-CN': '无法取消屏蔽 {id}：这个 Alertmanager 集群没有实例',
  },
  'silence.err.expire': { en: 'cannot expire silence {id}: {errors}', 'zh-CN': '无法取消屏蔽 {id}，Alertmanager 回复：{errors}' },
  'suggest.err.noSuggestion': { en: 'the query has no suggestion {index}', 'zh-CN': '这条查询没有第 {index} 个建议' },
  'suggest.err.nameTaken': {
    en: 'record rule #{id} is already named {record} and records another expression; rename one of them through the API',
    'zh-CN': '记录规则 #{id} 已经叫 {record}，记录的是另一个表达式；请通过 API 给其中一个改名',
  },
  'remedy.err.disabled': { en: 'action {name} is disabled', 'zh-CN': '动作 {name} 已停用' },
  'remedy.err.notAttached': {
    en: 'action {name} is not attached to alert #{id} (its rule or send group)',
    'zh-CN': '动作 {name} 没有挂在告警 #{id} 上（它的规则或发送组都没有挂）',
  },
});
