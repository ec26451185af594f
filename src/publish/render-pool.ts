import { sha256Hex } from '../core/hashing';
import type { AlertRuleSpec, RecordRuleSpec } from '../rules/model';
import { renderPoolRuleFiles } from '../rules/pool-rule-files';
import type { InstanceSpec, JobSpec, PoolSpec, RenderedFile } from '../scrape/model';
import { PROMETHEUS_CONFIG_FILE, renderPrometheusConfig } from '../scrape/render-prometheus';
import { engineOf, evaluates, replicasOf, roleOf } from '../scrape/topology';

/** Everything needed to render one pool's files, read from one consistent DB snapshot (pool-snapshot.ts). */
export interface PoolSnapshot {
  pool: PoolSpec;
  instances: InstanceSpec[];
  jobs: JobSpec[];
  alertmanagers: string[];
  alertRules: AlertRuleSpec[];
  recordRules: RecordRuleSpec[];
}

export const RULES_FILE = 'rules.yml';
export const RECORDS_FILE = 'records.yml';

export interface InstanceFiles {
  instanceId: number;
  address: string;
  /** The file the process is started with: prometheus.yml, or for vmalert its alert rules file. */
  configFile: string;
  /** vmalert: only rule files, checked with `promtool check rules`. */
  rulesOnly: boolean;
  files: (RenderedFile & { hash: string })[];
}

/**
 * Every file of every instance of a pool, from one snapshot: prometheus.yml (with its
 * shard), the instance's share of the alert and record rules (each rule on `ruleReplicas`
 * evaluators), and any Kubernetes credential files. A vmalert pool's instances get only
 * the two rule files (vmalert's flags come from topology.ts). A pool that only scrapes gets
 * no rule files. Pure; the publisher and the pull endpoints both call it.
 */
export function renderPool(s: PoolSnapshot, ctx: { publicUrl: string; sdToken: string }): InstanceFiles[] {
  const role = roleOf(s.pool);
  const vmalert = engineOf(s.pool) === 'vmalert' && role === 'evaluate';
  const ruleFiles = evaluates(role)
    ? renderPoolRuleFiles(s.instances, { alertRules: s.alertRules, recordRules: s.recordRules }, { replicas: replicasOf(s.pool) })
    : new Map<string, never>();
  return s.instances.map((instance) => {
    const rules = ruleFiles.get(instance.address);
    const ruleSet: RenderedFile[] = evaluates(role)
      ? [
          { path: RULES_FILE, content: rules?.rules ?? EMPTY_RULES },
          { path: RECORDS_FILE, content: rules?.records ?? EMPTY_RULES },
        ]
      : [];
    const config = vmalert
      ? []
      : renderPrometheusConfig(s.pool, instance, s.instances, s.jobs, {
          publicUrl: ctx.publicUrl,
          sdToken: ctx.sdToken,
          alertmanagers: s.alertmanagers,
          ruleFiles: ruleSet.map((f) => f.path),
        });
    const files = [...config, ...ruleSet];
    return {
      instanceId: instance.id,
      address: instance.address,
      configFile: vmalert ? RULES_FILE : PROMETHEUS_CONFIG_FILE,
      rulesOnly: vmalert,
      files: files.map((f) => ({ ...f, hash: sha256Hex(f.content) })),
    };
  });
}

const EMPTY_RULES = 'groups: []\n';

/** A directory name for an instance address (`10.0.0.1:9090` → `10.0.0.1_9090`). */
export const instanceDirName = (address: string): string => address.replace(/[^\w.-]/g, '_');
