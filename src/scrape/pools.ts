import type { Knex } from 'knex';
import { conflict, invalidField, notFound } from '../core/errors';
import type { ConfigPublisher, ScrapeCache } from '../core/ports';
import { parseInput } from '../core/validate';
import { writeAudit, type Actor } from '../db/audit';
import { fromJson, isDuplicateKey, toJson, type Db } from '../db/knex';
import { checkAddressesFree, forgetPublishes, instanceViews, syncInstances, type ManagedInstanceView } from '../instances/store';
import type { PoolSpec, RemoteEndpoint } from './model';
import { poolCreateSchema, poolUpdateSchema, type PoolInput } from './pool-schema';
import { evaluateOnlyJobsProblem, scrapeOnlyRulesProblem, shardedRulesProblem } from './topology';

export type InstanceView = ManagedInstanceView;

export interface Pool extends PoolSpec {
  alertmanagerClusterId: number | null;
  instances: ManagedInstanceView[];
}

export const fromPoolRow = (r: any): Omit<Pool, 'instances'> => ({
  id: r.id,
  name: r.name,
  scrapeInterval: r.scrape_interval,
  scrapeTimeout: r.scrape_timeout,
  evaluationInterval: r.evaluation_interval,
  externalLabels: fromJson(r.external_labels, {}),
  remoteWrite: fromJson<RemoteEndpoint[]>(r.remote_write, []),
  remoteRead: fromJson<RemoteEndpoint[]>(r.remote_read, []),
  sharding: r.sharding,
  alertRulesEnabled: Boolean(r.alert_rules_enabled),
  recordRulesEnabled: Boolean(r.record_rules_enabled),
  alertmanagerClusterId: r.alertmanager_cluster_id,
  queryLogFile: r.query_log_file ?? null,
  role: r.role,
  ruleEngine: r.rule_engine,
  ruleReplicas: Number(r.rule_replicas),
  datasourceUrl: r.datasource_url ?? null,
  externalUrl: r.external_url ?? null,
});

const toPoolRow = (p: PoolInput) => ({
  name: p.name,
  scrape_interval: p.scrapeInterval,
  scrape_timeout: p.scrapeTimeout,
  evaluation_interval: p.evaluationInterval,
  external_labels: toJson(p.externalLabels),
  remote_write: toJson(p.remoteWrite),
  remote_read: toJson(p.remoteRead),
  sharding: p.sharding,
  alert_rules_enabled: p.alertRulesEnabled,
  record_rules_enabled: p.recordRulesEnabled,
  alertmanager_cluster_id: p.alertmanagerClusterId,
  query_log_file: p.queryLogFile,
  role: p.role,
  rule_engine: p.ruleEngine,
  rule_replicas: p.ruleReplicas,
  datasource_url: p.datasourceUrl,
  external_url: p.externalUrl,
});

/** A pool's new role or instance count must suit the jobs and rules it already has (topology.ts). */
async function checkRoleFits(db: Db, p: PoolInput, poolId: number): Promise<void> {
  const count = async (table: string) => Number((await db(table).where({ pool_id: poolId }).count({ n: '*' }))[0]!.n);
  if (p.role === 'evaluate' && (await count('scrape_jobs')) > 0)
    throw invalidField('role', `the pool still has scrape jobs, and ${evaluateOnlyJobsProblem.message.replace('Fix: put the job', 'Fix: move its jobs')}`);
  const rules = p.role === 'evaluate' ? 0 : (await count('alert_rules')) + (await count('record_rules'));
  if (rules === 0) return;
  if (p.role === 'scrape') throw invalidField('role', `the pool still has ${rules} rule(s), and ${scrapeOnlyRulesProblem.message}`);
  if (p.instances.length > 1) throw invalidField('role', `the pool has ${rules} rule(s), and ${shardedRulesProblem(p.instances.length).message}`);
}

/** Bearer tokens of remote endpoints never leave through the API. */
const redactRemote = (list: RemoteEndpoint[]): RemoteEndpoint[] =>
  list.map((e) => (e.bearerToken ? { ...e, bearerToken: '[redacted]' } : e));

/**
 * Scrape pools and their Prometheus instances. Instances are edited as the pool's list of
 * addresses; an address kept across an update keeps its id, health and publish history.
 * Deleting a pool that still has jobs or rules is refused unless `cascade`.
 */
export class PoolService {
  constructor(
    private readonly db: Knex,
    private readonly publisher: ConfigPublisher,
    private readonly cache: ScrapeCache,
  ) {}

  async list(): Promise<Pool[]> {
    const rows = await this.db('scrape_pools').orderBy('name');
    return this.withInstances(this.db, rows.map(fromPoolRow));
  }

  async get(id: number, db: Db = this.db): Promise<Pool> {
    const row = await db('scrape_pools').where({ id }).first();
    if (!row) throw notFound('scrape pool', id);
    return (await this.withInstances(db, [fromPoolRow(row)]))[0]!;
  }

  async findByName(name: string): Promise<Pool | null> {
    const row = await this.db('scrape_pools').where({ name }).first();
    return row ? (await this.withInstances(this.db, [fromPoolRow(row)]))[0]! : null;
  }

  async create(input: unknown, actor: Actor): Promise<Pool> {
    const p = parseInput(poolCreateSchema, input, 'scrape pool');
    const pool = await this.db.transaction(async (trx) => {
      await this.checkRefs(trx, p, null);
      let id: number;
      try {
        [id] = (await trx('scrape_pools').insert(toPoolRow(p))) as [number];
      } catch (e) {
        if (isDuplicateKey(e)) throw conflict(`a scrape pool named ${p.name} already exists`, { field: 'name' });
        throw e;
      }
      await syncInstances(trx, 'prometheus', id, p.instances);
      const created = await this.get(id, trx);
      await writeAudit(trx, actor, { action: 'create', entity: 'scrape_pool', entityId: id, after: created });
      return created;
    });
    await this.publisher.schedulePool(pool.id);
    return pool;
  }

  async update(id: number, input: unknown, actor: Actor): Promise<Pool> {
    const patch = parseInput(poolUpdateSchema, input, 'scrape pool');
    const pool = await this.db.transaction(async (trx) => {
      const before = await this.get(id, trx);
      // Merge onto the stored row (not the redacted view, or secrets would be overwritten)
      // and validate the result, so cross-field rules (timeout ≤ interval) see both values.
      const { id: _id, ...stored } = fromPoolRow(await trx('scrape_pools').where({ id }).forUpdate().first());
      const merged = parseInput(poolCreateSchema, { ...stored, instances: before.instances.map((i) => i.address), ...patch }, 'scrape pool');
      await this.checkRefs(trx, merged, id);
      try {
        await trx('scrape_pools').where({ id }).update({ ...toPoolRow(merged), updated_at: trx.fn.now(3) });
      } catch (e) {
        if (isDuplicateKey(e)) throw conflict(`a scrape pool named ${merged.name} already exists`, { field: 'name' });
        throw e;
      }
      await syncInstances(trx, 'prometheus', id, merged.instances);
      const after = await this.get(id, trx);
      await writeAudit(trx, actor, { action: 'update', entity: 'scrape_pool', entityId: id, before, after });
      return after;
    });
    // The instance list decides consistent-mode http_sd shares.
    await this.cache.invalidate();
    await this.publisher.schedulePool(id);
    return pool;
  }

  async delete(id: number, opts: { cascade?: boolean }, actor: Actor): Promise<void> {
    await this.db.transaction(async (trx) => {
      const before = await this.get(id, trx);
      const count = async (table: string) => Number((await trx(table).where({ pool_id: id }).count({ n: '*' }))[0]!.n);
      const [jobs, alertRules, recordRules] = [await count('scrape_jobs'), await count('alert_rules'), await count('record_rules')];
      if (jobs + alertRules + recordRules > 0 && !opts.cascade)
        throw conflict(
          `scrape pool ${before.name} still has ${jobs} job(s), ${alertRules} alert rule(s) and ${recordRules} record rule(s); delete them first or pass cascade=true`,
          { jobs, alertRules, recordRules },
        );
      await trx('alert_events').whereIn('rule_id', trx('alert_rules').where({ pool_id: id }).select('id')).update({ rule_id: null });
      for (const table of ['scrape_jobs', 'alert_rules', 'record_rules']) await trx(table).where({ pool_id: id }).delete();
      await forgetPublishes(trx, 'prometheus', before.instances.map((i) => i.id));
      await trx('scrape_pools').where({ id }).delete();
      await writeAudit(trx, actor, { action: 'delete', entity: 'scrape_pool', entityId: id, before });
    });
  }

  private async checkRefs(db: Db, p: PoolInput, poolId: number | null): Promise<void> {
    if (p.alertmanagerClusterId && !(await db('alertmanager_clusters').where({ id: p.alertmanagerClusterId }).first()))
      throw invalidField('alertmanagerClusterId', `Alertmanager cluster ${p.alertmanagerClusterId} does not exist`);
    await checkAddressesFree(db, 'prometheus', p.instances, poolId);
    if (poolId) await checkRoleFits(db, p, poolId);
  }

  /** The API view: instances with health and publish state; remote secrets redacted. */
  private async withInstances(db: Db, pools: Omit<Pool, 'instances'>[]): Promise<Pool[]> {
    const views = await instanceViews(db, 'prometheus', pools.map((p) => p.id));
    return pools.map((p) => ({
      ...p,
      remoteWrite: redactRemote(p.remoteWrite),
      remoteRead: redactRemote(p.remoteRead),
      instances: views.get(p.id) ?? [],
    }));
  }
}
