import { z } from 'zod';
import { duration, httpUrl } from '../core/names';
import { labelMap, promqlText, ruleId, type ReservedReason } from './rule-fields';

export const SEVERITIES = ['critical', 'warning', 'info'] as const;

/** Labels every rendered alert carries from the rule's own fields (see render-rules.ts). */
const RESERVED_LABELS: Record<string, ReservedReason> = {
  send_group: 'ruleErr.reserved.sendGroup',
  rule_id: 'ruleErr.reserved.ruleId',
  severity: 'ruleErr.reserved.severity',
  alertname: 'ruleErr.reserved.alertname',
};

const alertRuleFields = {
  poolId: ruleId,
  sendGroupId: ruleId,
  treeNodeId: ruleId.nullable(),
  /** Becomes `alertname`: any single line of text (Prometheus accepts any label value). */
  name: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(200, 'must be at most 200 characters')
    .regex(/^[^\p{Cc}\u2028\u2029]+$/u, 'must be one line without control characters'),
  expr: promqlText,
  for: duration.nullable(),
  severity: z.enum(SEVERITIES),
  labels: labelMap({ reserved: RESERVED_LABELS, maxValue: 1024 }),
  annotations: labelMap({ maxValue: 16_384 }),
  grafanaUrl: httpUrl.pipe(z.string().max(1024, 'must be at most 1024 characters')).nullable(),
  enabled: z.boolean(),
};

export const alertRuleCreateSchema = z
  .object({
    ...alertRuleFields,
    treeNodeId: alertRuleFields.treeNodeId.default(null),
    for: alertRuleFields.for.default(null),
    severity: alertRuleFields.severity.default('warning'),
    labels: alertRuleFields.labels.default({}),
    annotations: alertRuleFields.annotations.default({}),
    grafanaUrl: alertRuleFields.grafanaUrl.default(null),
    enabled: alertRuleFields.enabled.default(true),
  })
  .strict();
export const alertRuleUpdateSchema = z.object(alertRuleFields).partial().strict();
export type AlertRuleInput = z.output<typeof alertRuleCreateSchema>;
