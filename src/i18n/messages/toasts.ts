import { defineMessages } from '../define';

/** Toasts after a card button or form (Feishu shows them for a moment over the card). */
export const toastMessages = defineMessages({
  'toast.unknownButton': { en: 'promduty does not know this button; the card may be outdated.', 'zh-CN': 'promduty 不认识这个按钮，卡片可能已过期。' },
  'toast.recordRuleCreated': { en: 'Record rule {record} created; publishing', 'zh-CN': '记录规则 {record} 已创建，正在发布' },
  'toast.recordedAlready': { en: '{record} is recorded already', 'zh-CN': '{record} 已经有记录规则' },
  'toast.checkForm': { en: 'Not saved: check the form', 'zh-CN': '未保存：请检查表单' },
  'toast.invalidForm': { en: 'invalid form', 'zh-CN': '表单无效' },
  'toast.ruleSaved': { en: 'Rule #{id} saved; publishing', 'zh-CN': '规则 #{id} 已保存，正在发布' },
  'toast.notSaved': { en: 'Not saved', 'zh-CN': '未保存' },
  'toast.pickPerson': { en: 'pick the person to ask, or offer the shift to the group', 'zh-CN': '请选择要请求的人，或把班次转让给整个值班组' },
  'toast.notSent': { en: 'Not sent', 'zh-CN': '未发送' },
  'toast.offered': { en: 'Offered to the group', 'zh-CN': '已转让给值班组' },
  'toast.requestSent': { en: 'Request sent', 'zh-CN': '申请已发送' },
  'toast.swapped': { en: 'Shift swapped', 'zh-CN': '已换班' },
  'toast.accepted': { en: 'Accepted: the shift is yours', 'zh-CN': '已接受：这个班次归你了' },
  'toast.declined': { en: 'Declined', 'zh-CN': '已拒绝' },
  'toast.cancelled': { en: 'Request cancelled', 'zh-CN': '申请已取消' },
});
