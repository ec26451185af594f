import { z } from 'zod';
import { METRIC_NAME } from '../core/names';
import { labelMap, promqlText, ruleId } from './rule-fields';

const recordRuleFields = {
  poolId: ruleId,
  /** The output series name. */
  record: z.string().trim().max(200, 'must be at most 200 characters').regex(METRIC_NAME, 'must be a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)'),
  expr: promqlText,
  labels: labelMap({ maxValue: 1024 }),
  enabled: z.boolean(),
};

export const recordRuleCreateSchema = z
  .object({ ...recordRuleFields, labels: recordRuleFields.labels.default({}), enabled: recordRuleFields.enabled.default(true) })
  .strict();
export const recordRuleUpdateSchema = z.object(recordRuleFields).partial().strict();
export type RecordRuleInput = z.output<typeof recordRuleCreateSchema>;
