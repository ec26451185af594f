import { publishCluster } from '../../publish/cluster';
import { PUBLISH_CLUSTER, clusterDedupId } from '../config-publisher';
import { publishProcessor } from '../publish-processor';

export const publishClusterProcessor = publishProcessor({
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
