import { fromJson, type Db } from '../db/knex';
import type { AlertRuleSpec, RecordRuleSpec } from './model';

/** Rule rows → the plain shapes the rule service, the API and the renderers share. */
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

/** A pool's enabled alert rules with their tree node's path, in id order (what a publish renders). */
export async function enabledAlertRules(db: Db, poolId: number): Promise<AlertRuleSpec[]> {
  const rows = await db('alert_rules as r')
    .leftJoin('tree_nodes as n', 'n.id', 'r.tree_node_id')
    .where({ 'r.pool_id': poolId, 'r.enabled': true })
    .select('r.*', 'n.path as tree_path')
    .orderBy('r.id');
  return rows.map(fromAlertRuleRow);
}

/** A pool's enabled record rules, in id order. */
export async function enabledRecordRules(db: Db, poolId: number): Promise<RecordRuleSpec[]> {
  return (await db('record_rules').where({ pool_id: poolId, enabled: true }).orderBy('id')).map(fromRecordRuleRow);
}
