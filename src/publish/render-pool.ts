import { sha256Hex } from '../core/hashing';
import type { AlertRuleSpec, RecordRuleSpec } from '../rules/model';
import { renderPoolRuleFiles } from '../rules/pool-rule-files';
import type { InstanceSpec, JobSpec, PoolSpec, RenderedFile } from '../scrape/model';
import { renderPrometheusConfig } from '../scrape/render-prometheus';

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
  files: (RenderedFile & { hash: string })[];
}

/**
 * Every file of every instance of a pool, from one snapshot: prometheus.yml (with its
 * shard), the instance's share of the alert and record rules, and any Kubernetes
 * credential files. Pure; the publisher and the pull endpoints both call it.
 */
export function renderPool(s: PoolSnapshot, ctx: { publicUrl: string; sdToken: string }): InstanceFiles[] {
  const ruleFiles = renderPoolRuleFiles(s.instances, { alertRules: s.alertRules, recordRules: s.recordRules });
  return s.instances.map((instance) => {
    const rules = ruleFiles.get(instance.address);
    const files: RenderedFile[] = [
      ...renderPrometheusConfig(s.pool, instance, s.instances, s.jobs, {
        publicUrl: ctx.publicUrl,
        sdToken: ctx.sdToken,
        alertmanagers: s.alertmanagers,
        ruleFiles: [RULES_FILE, RECORDS_FILE],
      }),
      { path: RULES_FILE, content: rules?.rules ?? 'groups: []\n' },
      { path: RECORDS_FILE, content: rules?.records ?? 'groups: []\n' },
    ];
    return { instanceId: instance.id, address: instance.address, files: files.map((f) => ({ ...f, hash: sha256Hex(f.content) })) };
  });
}

/** A directory name for an instance address (`10.0.0.1:9090` → `10.0.0.1_9090`). */
export const instanceDirName = (address: string): string => address.replace(/[^\w.-]/g, '_');
