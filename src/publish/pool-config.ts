import type { Knex } from 'knex';
import { notFound } from '../core/errors';
import type { JobService } from '../scrape/jobs';
import { renderPool, type InstanceFiles } from './render-pool';
import { loadPoolInstances, loadPoolSnapshot } from './pool-snapshot';
import { fromPoolRow } from '../scrape/pools';
import { poolTopologyView, rulePlacementView, type PoolTopologyView, type RulePlacementView } from './topology-view';

/**
 * Pull mode: the files an instance would be published, rendered from the current database
 * (the same pure renderer the publisher uses), so a host that pulls never lags a publish.
 */
export class PoolConfigService {
  constructor(
    private readonly db: Knex,
    private readonly jobs: JobService,
    private readonly ctx: { publicUrl: string; sdToken: string; configDir: string },
  ) {}

  /** Where the pool's rules run, whether their data is complete, and vmalert's flags. */
  async topology(poolId: number): Promise<PoolTopologyView> {
    const s = await loadPoolSnapshot(this.db, this.jobs, poolId);
    return poolTopologyView(s.pool, s.instances, s, s.alertmanagers, this.ctx.configDir);
  }

  /** Where one rule runs now (the API and /rule). */
  async rulePlacement(rule: { kind: 'alert' | 'record'; id: number; poolId: number; enabled: boolean }): Promise<RulePlacementView> {
    const row = await this.db('scrape_pools').where({ id: rule.poolId }).first();
    if (!row) throw notFound('scrape pool', rule.poolId);
    return rulePlacementView(fromPoolRow(row), await loadPoolInstances(this.db, rule.poolId), rule);
  }

  /** `instance` is an instance id or its `host:port`. */
  async instanceFiles(poolId: number, instance: string): Promise<InstanceFiles> {
    const snapshot = await loadPoolSnapshot(this.db, this.jobs, poolId);
    const files = renderPool(snapshot, this.ctx).find((f) => f.address === instance || String(f.instanceId) === instance);
    if (!files) throw notFound(`instance of pool ${poolId}`, instance);
    return files;
  }

  async file(poolId: number, instance: string, path: string): Promise<{ content: string; hash: string }> {
    const f = (await this.instanceFiles(poolId, instance)).files.find((x) => x.path === path);
    if (!f) throw notFound('config file', path);
    return f;
  }
}
