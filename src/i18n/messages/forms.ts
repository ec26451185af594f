import { defineMessages } from '../define';

/** What a card form's field must hold, when a submit is refused (rule, swap and group forms). */
export const formMessages = defineMessages({
  'form.err.empty': { en: 'must not be empty', 'zh-CN': '不能为空' },
  'form.err.tooLong': { en: 'must be at most {max} characters', 'zh-CN': '最多 {max} 个字符' },
  'form.err.duration': { en: 'must be a duration such as 30s, 5m, 1h30m', 'zh-CN': '须是时长，例如 30s、5m、1h30m' },
  'form.err.severity': { en: 'must be 1-32 letters, digits, "_", "." or "-"', 'zh-CN': '须是 1 到 32 个字母、数字、“_”、“.”或“-”' },
  'form.err.date': { en: 'must be a date YYYY-MM-DD', 'zh-CN': '须是日期，格式 YYYY-MM-DD' },
  'form.err.openId': { en: 'must be a Feishu open_id', 'zh-CN': '须是飞书用户（请用人员选择器选人）' },
  'form.err.kvLine': { en: 'line {line}: expected key=value', 'zh-CN': '第 {line} 行：应写成 key=value' },
  'form.err.kvName': { en: 'line {line}: "{key}" is not a valid label name', 'zh-CN': '第 {line} 行：“{key}”不是合法的标签名' },
  'form.err.kvTwice': { en: 'line {line}: "{key}" given twice', 'zh-CN': '第 {line} 行：“{key}”重复了' },
  /** A check without its own message (a value no form control sends): zod's English, framed. */
  'form.err.other': { en: '{message}', 'zh-CN': '填写有误（{message}）' },
});
