import type { AlertRuleSpec, RecordRuleSpec } from './model';
import { placeRules, type PoolInstance } from './placement';
import { renderAlertRules, renderRecordRules, type RuleFileOptions } from './render-rules';

/** The two rule files one instance pulls: `rules.yml` (alerts) and `records.yml`. */
export interface InstanceRuleFiles {
  rules: string;
  records: string;
}

/**
 * Placement and rendering in one step, for the config render job and the pull endpoints:
 * every instance of the pool (healthy or not) gets its files, keyed by address. A pool that
 * does not evaluate alert (or record) rules passes an empty list and gets empty files.
 */
export function renderPoolRuleFiles(
  instances: readonly PoolInstance[],
  rules: { alertRules: readonly AlertRuleSpec[]; recordRules: readonly RecordRuleSpec[] },
  opts: RuleFileOptions & { replicas?: number } = {},
): Map<string, InstanceRuleFiles> {
  const files = new Map<string, InstanceRuleFiles>();
  // One emit per rule even when it runs on several instances (ruleReplicas).
  const alerts = { ...opts, fragments: new Map() };
  const records = { ...opts, fragments: new Map() };
  for (const [address, share] of placeRules(instances, rules, opts.replicas)) {
    files.set(address, { rules: renderAlertRules(share.alertRules, alerts), records: renderRecordRules(share.recordRules, records) });
  }
  return files;
}
