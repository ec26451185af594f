import { publishCluster } from '../../publish/cluster';
import { PUBLISH_CLUSTER, clusterDedupId } from '../config-publisher';
import type { WorkerContext } from '../context';
import { publishProcessor, type PublishJobContext } from '../publish-processor';

export const publishClusterProcessor = publishProcessor<PublishJobContext & Pick<WorkerContext, 'settings' | 'lifecycle' | 'clock' | 'logger' | 'configCheck'>>({
  name: PUBLISH_CLUSTER,
  kind: 'alertmanager',
  idField: 'clusterId',
  dedupId: clusterDedupId,
  table: 'alertmanager_clusters',
  publish: (ctx, id) => {
    const { configDir, publicUrl, webhookToken } = ctx.settings;
    return publishCluster({ ...ctx, configDir, publicUrl, webhookToken }, id);
  },
});
