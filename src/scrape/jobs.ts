import type { Knex } from 'knex';
import { evaluateOnlyJobsProblem } from './topology';
import { conflict, invalidField, notFound } from '../core/errors';
import type { ConfigPublisher, ScrapeCache } from '../core/ports';
import { parseInput } from '../core/validate';
import { writeAudit, type Actor } from '../db/audit';
import { fromJson, isDuplicateKey, toJson, type Db } from '../db/knex';
import type { Discovery, JobSpec } from './model';
import { jobCreateSchema, jobUpdateSchema, timeoutProblem, type JobInput } from './job-schema';
import { parseRelabelConfigs } from './relabel';

export interface Job extends JobSpec {
  poolId: number;
}

function discoveryOf(r: any, nodeIds: number[]): Discovery {
  if (r.discovery === 'http_sd') return { kind: 'http_sd', nodeIds };
  if (r.discovery === 'static') return { kind: 'static', ...fromJson(r.static_targets, { targets: [] as string[] }) };
  return { kind: 'kubernetes_sd', ...fromJson(r.kubernetes, { role: 'pod' as const, inCluster: true }) };
}

const fromJobRow = (r: any, nodeIds: number[]): Job => ({
  id: r.id,
  poolId: r.pool_id,
  name: r.name,
  enabled: Boolean(r.enabled),
  metricsPath: r.metrics_path,
  scheme: r.scheme,
  port: r.port,
  scrapeInterval: r.scrape_interval,
  scrapeTimeout: r.scrape_timeout,
  honorLabels: Boolean(r.honor_labels),
  discovery: discoveryOf(r, nodeIds),
  relabelConfigs: r.relabel_configs,
});

function toJobRow(j: JobInput) {
  const d = j.discovery;
  return {
    pool_id: j.poolId,
    name: j.name,
    enabled: j.enabled,
    metrics_path: j.metricsPath,
    scheme: j.scheme,
    port: j.port,
    scrape_interval: j.scrapeInterval,
    scrape_timeout: j.scrapeTimeout,
    honor_labels: j.honorLabels,
    discovery: d.kind,
    static_targets: d.kind === 'static' ? toJson({ targets: d.targets, labels: d.labels }) : null,
    kubernetes: d.kind === 'kubernetes_sd' ? toJson((({ kind: _k, ...k }) => k)(d)) : null,
    relabel_configs: j.relabelConfigs,
  };
}

/** The API never returns a Kubernetes bearer token; it says one is set. */
function redact(j: Job): Job {
  if (j.discovery.kind !== 'kubernetes_sd' || !j.discovery.bearerToken) return j;
  return { ...j, discovery: { ...j.discovery, bearerToken: '[redacted]' } };
}

/**
 * Scrape jobs. Every write validates the whole job (relabel YAML included), runs in one
 * transaction with an audit row, and schedules a publish of the job's pool.
 */
export class JobService {
  constructor(
    private readonly db: Knex,
    private readonly publisher: ConfigPublisher,
    private readonly cache: ScrapeCache,
  ) {}

  /** After a committed change: republish the pools and drop cached http_sd answers. */
  private async changed(...poolIds: number[]): Promise<void> {
    await this.cache.invalidate();
    for (const id of new Set(poolIds)) await this.publisher.schedulePool(id);
  }

  async list(filter: { poolId?: number } = {}): Promise<Job[]> {
    return (await this.load(this.db, (q) => (filter.poolId ? q.where('pool_id', filter.poolId) : q))).map(redact);
  }

  async get(id: number): Promise<Job> {
    return redact(await this.getFull(this.db, id));
  }

  /** Jobs of a pool with their secrets, for rendering. */
  specsForPool(db: Db, poolId: number): Promise<Job[]> {
    return this.load(db, (q) => q.where('pool_id', poolId));
  }

  async create(input: unknown, actor: Actor): Promise<Job> {
    const j = parseInput(jobCreateSchema, input, 'scrape job');
    const job = await this.db.transaction(async (trx) => {
      await this.check(trx, j);
      let id: number;
      try {
        [id] = (await trx('scrape_jobs').insert(toJobRow(j))) as [number];
      } catch (e) {
        if (isDuplicateKey(e)) throw conflict(`pool ${j.poolId} already has a job named ${j.name}`, { field: 'name' });
        throw e;
      }
      await this.setNodes(trx, id, j);
      const created = await this.getFull(trx, id);
      await writeAudit(trx, actor, { action: 'create', entity: 'scrape_job', entityId: id, after: redact(created) });
      return created;
    });
    await this.changed(job.poolId);
    return redact(job);
  }

  async update(id: number, input: unknown, actor: Actor): Promise<Job> {
    const patch = parseInput(jobUpdateSchema, input, 'scrape job');
    const [before, after] = await this.db.transaction(async (trx) => {
      const old = await this.getFull(trx, id, true);
      const { id: _id, ...stored } = old;
      const merged = parseInput(jobCreateSchema, { ...stored, ...patch }, 'scrape job');
      await this.check(trx, merged);
      try {
        await trx('scrape_jobs').where({ id }).update({ ...toJobRow(merged), updated_at: trx.fn.now(3) });
      } catch (e) {
        if (isDuplicateKey(e)) throw conflict(`pool ${merged.poolId} already has a job named ${merged.name}`, { field: 'name' });
        throw e;
      }
      await this.setNodes(trx, id, merged);
      const updated = await this.getFull(trx, id);
      await writeAudit(trx, actor, { action: 'update', entity: 'scrape_job', entityId: id, before: redact(old), after: redact(updated) });
      return [old, updated] as const;
    });
    await this.changed(after.poolId, before.poolId);
    return redact(after);
  }

  async delete(id: number, actor: Actor): Promise<void> {
    const job = await this.db.transaction(async (trx) => {
      const old = await this.getFull(trx, id, true);
      await trx('scrape_jobs').where({ id }).delete();
      await writeAudit(trx, actor, { action: 'delete', entity: 'scrape_job', entityId: id, before: redact(old) });
      return old;
    });
    await this.changed(job.poolId);
  }

  /** Enables or disables several jobs at once; one unknown id changes nothing. */
  async setEnabled(ids: number[], enabled: boolean, actor: Actor): Promise<Job[]> {
    const jobs = await this.db.transaction(async (trx) => {
      const rows = await trx('scrape_jobs').whereIn('id', ids).forUpdate();
      const missing = ids.findIndex((id) => !rows.some((r: any) => r.id === id));
      if (missing >= 0) throw invalidField(`ids[${missing}]`, `scrape job ${ids[missing]} does not exist`);
      await trx('scrape_jobs').whereIn('id', ids).update({ enabled, updated_at: trx.fn.now(3) });
      await writeAudit(trx, actor, { action: enabled ? 'enable' : 'disable', entity: 'scrape_job', entityId: ids.join(','), after: { ids } });
      return this.load(trx, (q) => q.whereIn('id', ids));
    });
    await this.changed(...jobs.map((j) => j.poolId));
    return jobs.map(redact);
  }

  private async check(db: Db, j: JobInput): Promise<void> {
    const pool = await db('scrape_pools').where({ id: j.poolId }).first();
    if (!pool) throw invalidField('poolId', `scrape pool ${j.poolId} does not exist`);
    if (pool.role === 'evaluate') throw invalidField('poolId', evaluateOnlyJobsProblem.message);
    const problem = timeoutProblem(j, { scrapeInterval: pool.scrape_interval, scrapeTimeout: pool.scrape_timeout });
    if (problem) throw invalidField('scrapeTimeout', problem);
    parseRelabelConfigs(j.relabelConfigs, 'relabelConfigs');
    if (j.discovery.kind === 'http_sd') {
      const ids = j.discovery.nodeIds;
      const found = new Set((await db('tree_nodes').whereIn('id', ids).pluck('id')).map(Number));
      const missing = ids.findIndex((id) => !found.has(id));
      if (missing >= 0) throw invalidField(`discovery.nodeIds[${missing}]`, `tree node ${ids[missing]} does not exist`);
    }
  }

  private async setNodes(trx: Knex.Transaction, jobId: number, j: JobInput): Promise<void> {
    await trx('scrape_job_nodes').where({ job_id: jobId }).delete();
    if (j.discovery.kind === 'http_sd')
      await trx('scrape_job_nodes').insert([...new Set(j.discovery.nodeIds)].map((node_id) => ({ job_id: jobId, node_id })));
  }

  private async getFull(db: Db, id: number, lock = false): Promise<Job> {
    const [job] = await this.load(db, (q) => (lock ? q.where({ id }).forUpdate() : q.where({ id })));
    if (!job) throw notFound('scrape job', id);
    return job;
  }

  private async load(db: Db, scope: (q: Knex.QueryBuilder) => Knex.QueryBuilder): Promise<Job[]> {
    const rows = await scope(db('scrape_jobs')).orderBy('id');
    if (!rows.length) return [];
    const links = await db('scrape_job_nodes').whereIn('job_id', rows.map((r: any) => r.id)).orderBy('node_id');
    return rows.map((r: any) => fromJobRow(r, links.filter((l: any) => l.job_id === r.id).map((l: any) => l.node_id)));
  }
}
