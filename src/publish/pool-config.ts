import type { Knex } from 'knex';
import { notFound } from '../core/errors';
import type { JobService } from '../scrape/jobs';
import { renderPool, type InstanceFiles } from './render-pool';
import { loadPoolSnapshot } from './pool-snapshot';

/**
 * Pull mode: the files an instance would be published, rendered from the current database
 * (the same pure renderer the publisher uses), so a host that pulls never lags a publish.
 */
export class PoolConfigService {
  constructor(
    private readonly db: Knex,
    private readonly jobs: JobService,
    private readonly ctx: { publicUrl: string; sdToken: string },
  ) {}

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
