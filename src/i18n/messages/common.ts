import { defineMessages } from '../define';

/** Words many cards and replies share. */
export const commonMessages = defineMessages({
  'common.nobody': { en: 'nobody', 'zh-CN': '无人' },
  'common.none': { en: 'none', 'zh-CN': '无' },
  'common.timesIn': { en: 'Times in {zone}', 'zh-CN': '时间均为 {zone}' },
  'common.more': { en: '… {count} more', 'zh-CN': '… 还有 {count} 条' },
  'weekday.0': { en: 'Mon', 'zh-CN': '周一' },
  'weekday.1': { en: 'Tue', 'zh-CN': '周二' },
  'weekday.2': { en: 'Wed', 'zh-CN': '周三' },
  'weekday.3': { en: 'Thu', 'zh-CN': '周四' },
  'weekday.4': { en: 'Fri', 'zh-CN': '周五' },
  'weekday.5': { en: 'Sat', 'zh-CN': '周六' },
  'weekday.6': { en: 'Sun', 'zh-CN': '周日' },
});
