import { defineMessages } from '../define';

/** Outcomes of alert actions (claim, silence, unsilence): toasts, replies and the group's notice. */
export const actionMessages = defineMessages({
  'action.claimed': { en: 'Claimed #{id} {alertname}', 'zh-CN': '已认领 #{id} {alertname}' },
  'action.silencedEvent': { en: 'Silenced #{id} {alertname} for {span}', 'zh-CN': '已屏蔽 #{id} {alertname}，时长 {span}' },
  'action.silencedName': { en: 'Silenced every {alertname} alert for {span}', 'zh-CN': '已屏蔽全部 {alertname} 告警，时长 {span}' },
  'action.unsilenced': { en: 'Unsilenced #{id} {alertname}', 'zh-CN': '已取消屏蔽 #{id} {alertname}' },
  'action.unclaimed': { en: 'Unacknowledged #{id} {alertname}', 'zh-CN': '已取消认领 #{id} {alertname}' },
  'action.notice.unclaimed': { en: '{actor} removed the acknowledgement of #{id} {alertname}', 'zh-CN': '{actor} 取消了 #{id} {alertname} 的认领' },
  'action.notice.claimed': { en: '{actor} claimed #{id} {alertname}', 'zh-CN': '{actor} 认领了 #{id} {alertname}' },
  'action.notice.silencedEvent': { en: '{actor} silenced #{id} {alertname} for {span}', 'zh-CN': '{actor} 屏蔽了 #{id} {alertname}，时长 {span}' },
  'action.notice.silencedName': { en: '{actor} silenced every {alertname} alert for {span}', 'zh-CN': '{actor} 屏蔽了全部 {alertname} 告警，时长 {span}' },
  'action.notice.unsilenced': { en: '{actor} removed the silence on #{id} {alertname}', 'zh-CN': '{actor} 取消了 #{id} {alertname} 的屏蔽' },
  'action.alreadyResolved': { en: '#{id} {alertname} is already resolved', 'zh-CN': '#{id} {alertname} 已经恢复' },
  'action.alreadySilenced': { en: '#{id} is already silenced; unsilence it first', 'zh-CN': '#{id} 已被屏蔽；请先取消屏蔽' },
  'action.notSilenced': { en: '#{id} {alertname} is not silenced', 'zh-CN': '#{id} {alertname} 没有被屏蔽' },
  'action.notClaimed': { en: '#{id} {alertname} is not acknowledged', 'zh-CN': '#{id} {alertname} 没有被认领' },
  'action.alreadyClaimed': { en: '#{id} is already claimed by {name}', 'zh-CN': '#{id} 已被 {name} 认领' },
  'action.noSendGroup': {
    en: '#{id} has no send group, so promduty does not know its Alertmanager; silence it there',
    'zh-CN': '#{id} 没有发送组，promduty 不知道它的 Alertmanager；请直接在 Alertmanager 中屏蔽',
  },
  'action.title.claimed': { en: 'Alert claimed', 'zh-CN': '告警已认领' },
  'action.title.unclaimed': { en: 'Alert unacknowledged', 'zh-CN': '告警已取消认领' },
  'action.title.silenced': { en: 'Alert silenced', 'zh-CN': '告警已屏蔽' },
  'action.title.unsilenced': { en: 'Silence removed', 'zh-CN': '屏蔽已取消' },
});
