import type { Knex } from 'knex';
import { notFound } from '../core/errors';
import { fromJson } from '../db/knex';
import type { AlertRuleSpec, RecordRuleSpec } from '../rules/model';
import type { InstanceSpec, PoolSpec } from './model';
import type { JobService, Job } from './jobs';
import { fromPoolRow } from './pools';

/** Everything needed to render one pool's files, read from one consistent DB snapshot. */
export interface PoolSnapshot {
  pool: PoolSpec;
  instances: InstanceSpec[];
  jobs: Job[];
  alertmanagers: string[];
  alertRules: AlertRuleSpec[];
  recordRules: RecordRuleSpec[];
}

export const fromAlertRuleRow = (r: any): AlertRuleSpec => ({
  id: r.id,
  poolId: r.pool_id,
  sendGroupId: r.send_group_id,
  treeNodeId: r.tree_node_id,
  treePath: r.tree_path ?? null,
  name: r.name,
  expr: r.expr,
  for: r.for_duration,
  severity: r.severity,
  labels: fromJson(r.labels, {}),
  annotations: fromJson(r.annotations, {}),
  grafanaUrl: r.grafana_url,
  enabled: Boolean(r.enabled),
});

export const fromRecordRuleRow = (r: any): RecordRuleSpec => ({
  id: r.id,
  poolId: r.pool_id,
  record: r.record,
  expr: r.expr,
  labels: fromJson(r.labels, {}),
  enabled: Boolean(r.enabled),
});

/**
 * Reads a pool in one transaction, so a change committed halfway through
 * cannot produce a config that mixes old jobs with new instances.
 */
export async function loadPoolSnapshot(db: Knex, jobs: JobService, poolId: number): Promise<PoolSnapshot> {
  // InnoDB's default REPEATABLE READ: every read below sees the snapshot of the first.
  return db.transaction(async (trx) => {
    const row = await trx('scrape_pools').where({ id: poolId }).first();
    if (!row) throw notFound('scrape pool', poolId);
    const pool = fromPoolRow(row);
    const instances = (await trx('prometheus_instances').where({ pool_id: poolId }).orderBy('id')).map((i: any) => ({
      id: i.id,
      address: i.address,
      healthy: Boolean(i.healthy),
    }));
    const alertmanagers = pool.alertmanagerClusterId
      ? await trx('alertmanager_instances').where({ cluster_id: pool.alertmanagerClusterId }).orderBy('address').pluck('address')
      : [];
    const alertRules = pool.alertRulesEnabled
      ? (
          await trx('alert_rules as r')
            .leftJoin('tree_nodes as n', 'n.id', 'r.tree_node_id')
            .where({ 'r.pool_id': poolId, 'r.enabled': true })
            .select('r.*', 'n.path as tree_path')
            .orderBy('r.id')
        ).map(fromAlertRuleRow)
      : [];
    const recordRules = pool.recordRulesEnabled
      ? (await trx('record_rules').where({ pool_id: poolId, enabled: true }).orderBy('id')).map(fromRecordRuleRow)
      : [];
    return { pool, instances, jobs: await jobs.specsForPool(trx, poolId), alertmanagers, alertRules, recordRules };
  });
}
