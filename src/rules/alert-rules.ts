import type { Knex } from 'knex';
import { invalidField } from '../core/errors';
import type { ConfigPublisher } from '../core/ports';
import { toJson, type Db } from '../db/knex';
import { fromAlertRuleRow } from './rows';
import { alertRuleCreateSchema, alertRuleUpdateSchema, type AlertRuleInput } from './alert-rule-schema';
import type { AlertRuleSpec } from './model';
import { requireValidPromql, requireValidTemplates } from './rule-fields';
import { requirePool, RuleService, type RuleKind } from './rule-service';

/** An alert rule as the API shows it; `treePath` is the tree node's path, read-only. */
export type AlertRule = AlertRuleSpec;

const alertRuleKind: RuleKind<AlertRule, AlertRuleInput> = {
  table: 'alert_rules',
  entity: 'alert_rule',
  noun: 'alert rule',
  nameColumn: 'name',
  createSchema: alertRuleCreateSchema,
  updateSchema: alertRuleUpdateSchema,
  filterColumns: { poolId: 'pool_id', sendGroupId: 'send_group_id' },
  select: (q: Knex.QueryBuilder) => q.leftJoin('tree_nodes as n', 'n.id', 'r.tree_node_id').select('r.*', 'n.path as tree_path'),
  fromRow: fromAlertRuleRow,
  toRow: (r) => ({
    pool_id: r.poolId,
    send_group_id: r.sendGroupId,
    tree_node_id: r.treeNodeId,
    name: r.name,
    expr: r.expr,
    for_duration: r.for,
    severity: r.severity,
    labels: toJson(r.labels),
    annotations: toJson(r.annotations),
    grafana_url: r.grafanaUrl,
    enabled: r.enabled,
  }),
  editable: ({ id: _id, treePath: _path, ...rest }) => rest,
  check: async (db: Db, r) => {
    requireValidPromql('expr', r.expr);
    requireValidTemplates(r);
    await requirePool(db, r.poolId);
    if (!(await db('send_groups').where({ id: r.sendGroupId }).first())) throw invalidField('sendGroupId', `send group ${r.sendGroupId} does not exist`);
    if (r.treeNodeId && !(await db('tree_nodes').where({ id: r.treeNodeId }).first()))
      throw invalidField('treeNodeId', `tree node ${r.treeNodeId} does not exist`);
  },
};

/**
 * Alert rules (design flow 4): every rendered alert carries `send_group`, `rule_id` and
 * `severity` from the rule's fields, so those labels are refused in `labels`. The chat
 * commands call `search`, `get` and `setEnabled`.
 */
export class AlertRuleService extends RuleService<AlertRule, AlertRuleInput> {
  constructor(db: Knex, publisher: ConfigPublisher) {
    super(db, publisher, alertRuleKind);
  }
}
