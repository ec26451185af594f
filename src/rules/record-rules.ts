import type { Knex } from 'knex';
import type { ConfigPublisher } from '../core/ports';
import { toJson, type Db } from '../db/knex';
import { fromRecordRuleRow } from './rows';
import type { RecordRuleSpec } from './model';
import { recordRuleCreateSchema, recordRuleUpdateSchema, type RecordRuleInput } from './record-rule-schema';
import { requireValidPromql } from './rule-fields';
import { requirePool, RuleService, type RuleKind } from './rule-service';

export type RecordRule = RecordRuleSpec;

const recordRuleKind: RuleKind<RecordRule, RecordRuleInput> = {
  table: 'record_rules',
  entity: 'record_rule',
  noun: 'record rule',
  nameColumn: 'record',
  createSchema: recordRuleCreateSchema,
  updateSchema: recordRuleUpdateSchema,
  filterColumns: { poolId: 'pool_id' },
  select: (q: Knex.QueryBuilder) => q.select('r.*'),
  fromRow: fromRecordRuleRow,
  toRow: (r) => ({ pool_id: r.poolId, record: r.record, expr: r.expr, labels: toJson(r.labels), enabled: r.enabled }),
  editable: ({ id: _id, ...rest }) => rest,
  check: async (db: Db, r) => {
    requireValidPromql('expr', r.expr);
    await requirePool(db, r.poolId);
  },
};

/** Record rules: like alert rules, with the output name checked as a metric name. */
export class RecordRuleService extends RuleService<RecordRule, RecordRuleInput> {
  constructor(db: Knex, publisher: ConfigPublisher) {
    super(db, publisher, recordRuleKind);
  }
}
