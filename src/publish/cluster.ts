import { join } from 'node:path';
import type { Knex } from 'knex';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { Lifecycle } from '../instances/lifecycle';
import type { ConfigCheck } from './config-check';
import { publishFiles, type PublishResult } from './files';
import { instanceDirName } from './render-pool';
import { loadClusterSnapshot, renderClusterFile } from './cluster-snapshot';
import type { WebhookContext } from '../routing/model';

export interface ClusterPublishDeps extends WebhookContext {
  db: Knex;
  lifecycle: Lifecycle;
  clock: Clock;
  logger: Logger;
  configDir: string;
  configCheck?: ConfigCheck;
}

/**
 * Flow 1 for an Alertmanager cluster: snapshot → render → write what changed → reload each
 * instance → record. Files go to `<configDir>/alertmanager/<cluster>/<instance>/alertmanager.yml`;
 * the file carries the webhook token, so it is not world-readable.
 */
export async function publishCluster(d: ClusterPublishDeps, clusterId: number): Promise<PublishResult[]> {
  const snapshot = await loadClusterSnapshot(d.db, clusterId);
  const file = { ...renderClusterFile(snapshot, d), mode: 0o640 };
  return publishFiles(
    d,
    snapshot.instances.map((i) => ({
      kind: 'alertmanager' as const,
      id: i.id,
      address: i.address,
      dir: join(d.configDir, 'alertmanager', instanceDirName(snapshot.cluster.name), instanceDirName(i.address)),
      configFile: file.path,
      files: [file],
    })),
  );
}
