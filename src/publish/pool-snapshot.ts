import type { Knex } from 'knex';
import { notFound } from '../core/errors';
import { enabledAlertRules, enabledRecordRules } from '../rules/rows';
import type { JobService } from '../scrape/jobs';
import { fromPoolRow } from '../scrape/pools';
import type { PoolSnapshot } from './render-pool';
import type { InstanceSpec } from '../scrape/model';
import type { Db } from '../db/knex';

export async function loadPoolInstances(db: Db, poolId: number): Promise<InstanceSpec[]> {
  return (await db('prometheus_instances').where({ pool_id: poolId }).orderBy('id')).map((i: any) => ({
    id: i.id,
    address: i.address,
    healthy: Boolean(i.healthy),
  }));
}

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
    const instances = await loadPoolInstances(trx, poolId);
    const alertmanagers = pool.alertmanagerClusterId
      ? await trx('alertmanager_instances').where({ cluster_id: pool.alertmanagerClusterId }).orderBy('address').pluck('address')
      : [];
    const alertRules = pool.alertRulesEnabled ? await enabledAlertRules(trx, poolId) : [];
    const recordRules = pool.recordRulesEnabled ? await enabledRecordRules(trx, poolId) : [];
    return { pool, instances, jobs: await jobs.specsForPool(trx, poolId), alertmanagers, alertRules, recordRules };
  });
}
