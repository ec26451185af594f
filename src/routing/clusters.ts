import type { Knex } from 'knex';
import { conflict, notFound } from '../core/errors';
import type { ConfigPublisher } from '../core/ports';
import { parseInput } from '../core/validate';
import { writeAudit, type Actor } from '../db/audit';
import { fromJson, isDuplicateKey, toJson, type Db } from '../db/knex';
import { checkAddressesFree, forgetPublishes, instanceViews, syncInstances, type ManagedInstanceView } from '../instances/store';
import { clusterCreateSchema, clusterUpdateSchema, type ClusterInput } from './cluster-schema';
import type { ClusterSpec } from './model';

export type ClusterSettings = Omit<ClusterSpec, 'instances'>;

export interface Cluster extends ClusterSettings {
  instances: ManagedInstanceView[];
}

export const fromClusterRow = (r: any): ClusterSettings => ({
  id: r.id,
  name: r.name,
  resolveTimeout: r.resolve_timeout,
  groupBy: fromJson<string[]>(r.group_by, []),
  groupWait: r.group_wait,
  groupInterval: r.group_interval,
  repeatInterval: r.repeat_interval,
  externalUrl: r.external_url ?? null,
});

const toClusterRow = (c: ClusterInput) => ({
  name: c.name,
  resolve_timeout: c.resolveTimeout,
  group_by: toJson(c.groupBy),
  group_wait: c.groupWait,
  group_interval: c.groupInterval,
  repeat_interval: c.repeatInterval,
  external_url: c.externalUrl,
});

const nameTaken = (name: string) => conflict(`an Alertmanager cluster named ${name} already exists`, { field: 'name' });

/**
 * Alertmanager clusters and their instances. Every change republishes the cluster's
 * alertmanager.yml; a change of its instance list also republishes the pools alerting to it,
 * whose prometheus.yml lists the Alertmanagers. A cluster that send groups or pools still
 * use cannot be deleted.
 */
export class ClusterService {
  constructor(
    private readonly db: Knex,
    private readonly publisher: ConfigPublisher,
  ) {}

  async list(): Promise<Cluster[]> {
    return this.withInstances(this.db, (await this.db('alertmanager_clusters').orderBy('name')).map(fromClusterRow));
  }

  async get(id: number, db: Db = this.db): Promise<Cluster> {
    const row = await db('alertmanager_clusters').where({ id }).first();
    if (!row) throw notFound('Alertmanager cluster', id);
    return (await this.withInstances(db, [fromClusterRow(row)]))[0]!;
  }

  async create(input: unknown, actor: Actor): Promise<Cluster> {
    const c = parseInput(clusterCreateSchema, input, 'Alertmanager cluster');
    const cluster = await this.db.transaction(async (trx) => {
      await checkAddressesFree(trx, 'alertmanager', c.instances, null);
      let id: number;
      try {
        [id] = (await trx('alertmanager_clusters').insert(toClusterRow(c))) as [number];
      } catch (e) {
        if (isDuplicateKey(e)) throw nameTaken(c.name);
        throw e;
      }
      await syncInstances(trx, 'alertmanager', id, c.instances);
      const created = await this.get(id, trx);
      await writeAudit(trx, actor, { action: 'create', entity: 'alertmanager_cluster', entityId: id, after: created });
      return created;
    });
    await this.publisher.scheduleCluster(cluster.id);
    return cluster;
  }

  async update(id: number, input: unknown, actor: Actor): Promise<Cluster> {
    const patch = parseInput(clusterUpdateSchema, input, 'Alertmanager cluster');
    const { after, pools, movedInstances } = await this.db.transaction(async (trx) => {
      const row = await trx('alertmanager_clusters').where({ id }).forUpdate().first();
      if (!row) throw notFound('Alertmanager cluster', id);
      const before = await this.get(id, trx);
      const addresses = before.instances.map((i) => i.address);
      const { id: _id, ...stored } = fromClusterRow(row);
      const merged = parseInput(clusterCreateSchema, { ...stored, instances: addresses, ...patch }, 'Alertmanager cluster');
      await checkAddressesFree(trx, 'alertmanager', merged.instances, id);
      try {
        await trx('alertmanager_clusters').where({ id }).update({ ...toClusterRow(merged), updated_at: trx.fn.now(3) });
      } catch (e) {
        if (isDuplicateKey(e)) throw nameTaken(merged.name);
        throw e;
      }
      await syncInstances(trx, 'alertmanager', id, merged.instances);
      const updated = await this.get(id, trx);
      await writeAudit(trx, actor, { action: 'update', entity: 'alertmanager_cluster', entityId: id, before, after: updated });
      const moved = [...addresses].sort().join() !== [...merged.instances].sort().join();
      return { after: updated, pools: (await this.usedBy(trx, id)).pools, movedInstances: moved };
    });
    await this.publisher.scheduleCluster(id);
    if (movedInstances) for (const pool of pools) await this.publisher.schedulePool(pool.id);
    return after;
  }

  async delete(id: number, actor: Actor): Promise<void> {
    await this.db.transaction(async (trx) => {
      const row = await trx('alertmanager_clusters').where({ id }).forUpdate().first();
      if (!row) throw notFound('Alertmanager cluster', id);
      const before = await this.get(id, trx);
      const { sendGroups, pools } = await this.usedBy(trx, id);
      if (sendGroups.length + pools.length > 0) {
        const list = (what: string, xs: { name: string }[]) => (xs.length ? [`${what} ${xs.map((x) => x.name).join(', ')}`] : []);
        const users = [...list('send group(s)', sendGroups), ...list('scrape pool(s)', pools)].join(' and ');
        throw conflict(`Alertmanager cluster ${before.name} is still used by ${users}; move them to another cluster first`, {
          sendGroups: sendGroups.map((g) => g.id),
          pools: pools.map((p) => p.id),
        });
      }
      await forgetPublishes(trx, 'alertmanager', before.instances.map((i) => i.id));
      await trx('alertmanager_clusters').where({ id }).delete();
      await writeAudit(trx, actor, { action: 'delete', entity: 'alertmanager_cluster', entityId: id, before });
    });
  }

  /** Send groups and scrape pools that point at the cluster. */
  async usedBy(db: Db, id: number): Promise<{ sendGroups: { id: number; name: string }[]; pools: { id: number; name: string }[] }> {
    return {
      sendGroups: await db('send_groups').where({ alertmanager_cluster_id: id }).orderBy('name').select('id', 'name'),
      pools: await db('scrape_pools').where({ alertmanager_cluster_id: id }).orderBy('name').select('id', 'name'),
    };
  }

  private async withInstances(db: Db, clusters: ClusterSettings[]): Promise<Cluster[]> {
    const views = await instanceViews(db, 'alertmanager', clusters.map((c) => c.id));
    return clusters.map((c) => ({ ...c, instances: views.get(c.id) ?? [] }));
  }
}
