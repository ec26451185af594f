import { defineMessages } from '../define';

/**
 * Refusals of a rule's fields, met in the chat rule form as well as the API. A PromQL or Go
 * template problem itself is the parser's diagnostic, worded as Prometheus words it (so it
 * can be looked up); these messages say in the bot's language which field it is about.
 */
export const ruleErrorMessages = defineMessages({
  'ruleErr.promql': { en: '{problem}', 'zh-CN': 'PromQL 表达式有误：{problem}' },
  'ruleErr.template': { en: 'not a valid template: {problem}', 'zh-CN': '不是有效的模板：{problem}' },
  'ruleErr.templatesTooLong': {
    en: 'labels, annotations and grafanaUrl hold {total} characters together; at most {max} are allowed',
    'zh-CN': '标签、注解和 grafanaUrl 合计 {total} 个字符；最多 {max} 个',
  },
  'ruleErr.notLabelName': {
    en: '"{key}" is not a label name ([a-zA-Z_][a-zA-Z0-9_]*)',
    'zh-CN': '“{key}”不是合法的标签名（[a-zA-Z_][a-zA-Z0-9_]*）',
  },
  'ruleErr.prometheusReserved': { en: 'names starting with __ are reserved for Prometheus', 'zh-CN': '以 __ 开头的名字留给 Prometheus 使用' },
  'ruleErr.reserved.sendGroup': { en: '"{key}" is reserved: promduty sets it from sendGroupId', 'zh-CN': '“{key}”是保留标签：promduty 按发送组设置它' },
  'ruleErr.reserved.ruleId': { en: '"{key}" is reserved: promduty sets it from the rule id', 'zh-CN': '“{key}”是保留标签：promduty 按规则编号设置它' },
  'ruleErr.reserved.severity': { en: '"{key}" is reserved: promduty sets it from the severity field', 'zh-CN': '“{key}”是保留标签：promduty 按级别字段设置它，请改级别' },
  'ruleErr.reserved.alertname': { en: '"{key}" is reserved: Prometheus sets it from the rule name', 'zh-CN': '“{key}”是保留标签：Prometheus 用规则名设置它' },
});
