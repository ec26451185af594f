import { join } from 'node:path';
import { alertRuleKey, placeRules, recordRuleKey, ruleEvaluators } from '../rules/placement';
import type { InstanceSpec, PoolRole, PoolSpec, RuleEngine } from '../scrape/model';
import { engineOf, evaluates, replicasOf, roleOf, ruleDataSource, vmalertFlags, type RuleDataSource } from '../scrape/topology';
import { instanceDirName } from './render-pool';

/**
 * What promduty tells people about where rules run (issue 14), as plain data: for one rule
 * (the API and `/rule N`), and for a whole pool with the flags each vmalert must run with.
 * Pure: the same placement the renderer uses, from the same pool and instances.
 */
export interface RulePlacementView {
  pool: string;
  role: PoolRole;
  engine: RuleEngine;
  replicas: number;
  /** The instances that evaluate the rule now (empty when the pool does not evaluate or the rule is disabled). */
  evaluators: string[];
  data: RuleDataSource;
}

export interface EvaluatorView {
  address: string;
  healthy: boolean;
  alertRules: number;
  recordRules: number;
  /** vmalert pools: the command line this instance must run with. */
  vmalertFlags?: string[];
}

export interface PoolTopologyView {
  pool: string;
  role: PoolRole;
  engine: RuleEngine;
  replicas: number;
  data: RuleDataSource;
  evaluators: EvaluatorView[];
}

export function rulePlacementView(pool: PoolSpec, instances: readonly InstanceSpec[], rule: { kind: 'alert' | 'record'; id: number; enabled: boolean }): RulePlacementView {
  const role = roleOf(pool);
  const key = rule.kind === 'alert' ? alertRuleKey(rule.id) : recordRuleKey(rule.id);
  const on = evaluates(role) && rule.enabled && (rule.kind === 'alert' ? pool.alertRulesEnabled : pool.recordRulesEnabled);
  return {
    pool: pool.name,
    role,
    engine: engineOf(pool),
    replicas: replicasOf(pool),
    evaluators: on ? ruleEvaluators(key, instances, replicasOf(pool)) : [],
    data: ruleDataSource(pool, instances.length),
  };
}

/** `configDir`: where the publisher writes each instance's files (vmalert's -rule directory). */
export function poolTopologyView(
  pool: PoolSpec,
  instances: readonly InstanceSpec[],
  rules: { alertRules: readonly { id: number }[]; recordRules: readonly { id: number }[] },
  alertmanagers: readonly string[],
  configDir: string,
): PoolTopologyView {
  const role = roleOf(pool);
  const shares = evaluates(role) ? placeRules(instances, rules, replicasOf(pool)) : new Map();
  const vmalert = role === 'evaluate' && engineOf(pool) === 'vmalert';
  return {
    pool: pool.name,
    role,
    engine: engineOf(pool),
    replicas: replicasOf(pool),
    data: ruleDataSource(pool, instances.length),
    evaluators: evaluates(role)
      ? instances.map((i) => ({
          address: i.address,
          healthy: i.healthy,
          alertRules: shares.get(i.address)?.alertRules.length ?? 0,
          recordRules: shares.get(i.address)?.recordRules.length ?? 0,
          ...(vmalert ? { vmalertFlags: vmalertFlags(pool, i.address, alertmanagers, join(configDir, instanceDirName(pool.name), instanceDirName(i.address))) } : {}),
        }))
      : [],
  };
}
