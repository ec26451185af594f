import type { Knex } from 'knex';
import { notFound } from '../core/errors';
import { sha256Hex } from '../core/hashing';
import { fromJson } from '../db/knex';
import { fromClusterRow } from '../routing/clusters';
import type { ClusterSpec, SendGroupSpec, WebhookContext } from '../routing/model';
import { renderAlertmanagerConfig } from '../routing/render-alertmanager';

export const ALERTMANAGER_FILE = 'alertmanager.yml';

/** Everything needed to render one cluster's alertmanager.yml, read from one DB snapshot. */
export interface ClusterSnapshot {
  cluster: ClusterSpec;
  instances: { id: number; address: string }[];
  sendGroups: SendGroupSpec[];
}

export async function loadClusterSnapshot(db: Knex, clusterId: number): Promise<ClusterSnapshot> {
  // One transaction (REPEATABLE READ): groups and instances are read as of the same moment.
  return db.transaction(async (trx) => {
    const row = await trx('alertmanager_clusters').where({ id: clusterId }).first();
    if (!row) throw notFound('Alertmanager cluster', clusterId);
    const instances = (await trx('alertmanager_instances').where({ cluster_id: clusterId }).orderBy('address')).map((i: any) => ({
      id: i.id,
      address: i.address,
    }));
    const sendGroups = (await trx('send_groups').where({ alertmanager_cluster_id: clusterId }).orderBy('id')).map(
      (g: any): SendGroupSpec => ({
        id: g.id,
        name: g.name,
        enabled: Boolean(g.enabled),
        isDefault: Boolean(g.is_default),
        sendResolved: Boolean(g.send_resolved),
        groupBy: fromJson<string[] | null>(g.group_by, null),
        groupWait: g.group_wait,
        groupInterval: g.group_interval,
        repeatInterval: g.repeat_interval,
      }),
    );
    return { cluster: { ...fromClusterRow(row), instances: instances.map((i) => i.address) }, instances, sendGroups };
  });
}

/** The one file every instance of the cluster gets (they share the config; HA gossip needs that). */
export function renderClusterFile(s: ClusterSnapshot, ctx: WebhookContext): { path: string; content: string; hash: string } {
  const content = renderAlertmanagerConfig(s.cluster, s.sendGroups, ctx);
  return { path: ALERTMANAGER_FILE, content, hash: sha256Hex(content) };
}

/** Pull mode: alertmanager.yml rendered from the current database, as the publisher would write it. */
export class ClusterConfigService {
  constructor(
    private readonly db: Knex,
    private readonly ctx: WebhookContext,
  ) {}

  async file(clusterId: number): Promise<{ content: string; hash: string }> {
    return renderClusterFile(await loadClusterSnapshot(this.db, clusterId), this.ctx);
  }
}
