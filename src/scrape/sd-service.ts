import type { Knex } from 'knex';
import { AppError, notFound } from '../core/errors';
import type { HostService } from '../inventory/hosts';
import type { SdCache } from './sd-cache';
import { buildTargetGroups, type TargetGroup } from './http-sd';
import { shardMembers } from './sharding';

/**
 * Prometheus http_sd for a scrape job (design flow 2): the hosts under the job's tree
 * nodes. With `instance` (consistent sharding), only that instance's share.
 */
export class SdService {
  constructor(
    private readonly db: Knex,
    private readonly hosts: HostService,
    private readonly cache: SdCache,
  ) {}

  /** The answer as JSON text, from the cache when fresh (10,000 hosts take ~100 ms to build). */
  async targetGroupsJson(jobId: number, instance?: string): Promise<string> {
    const key = `${jobId}:${instance ?? ''}`;
    const cached = await this.cache.get(key);
    if (cached.value !== null) return cached.value;
    const json = JSON.stringify(await this.targetGroups(jobId, instance));
    await this.cache.set(key, cached.gen, json);
    return json;
  }

  async targetGroups(jobId: number, instance?: string): Promise<TargetGroup[]> {
    const job = await this.db('scrape_jobs').where({ id: jobId }).first('id', 'name', 'port', 'pool_id', 'discovery');
    if (!job) throw notFound('scrape job', jobId);
    if (job.discovery !== 'http_sd') throw new AppError('validation_failed', `scrape job ${jobId} does not use http_sd`);
    const nodeIds = await this.db('scrape_job_nodes').where({ job_id: jobId }).pluck('node_id');
    const { nodes, hosts } = await this.hosts.under(nodeIds);
    let filter: { address: string; all: string[] } | undefined;
    if (instance) {
      const members = await this.db('prometheus_instances').where({ pool_id: job.pool_id }).select('id', 'address', 'healthy');
      const all = shardMembers(members.map((m: any) => ({ id: m.id, address: m.address, healthy: Boolean(m.healthy) }))).map((m) => m.address);
      filter = { address: instance, all };
    }
    return buildTargetGroups({ job: { id: job.id, name: job.name, port: job.port }, nodes, hosts, instance: filter });
  }
}
