import { publishCluster } from '../../routing/publish-cluster';
import { PUBLISH_CLUSTER, clusterDedupId } from '../config-publisher';
import type { WorkerContext } from '../context';
import { withJobLock } from '../job-lock';
import type { Processor } from '../processor';

export const publishClusterProcessor: Processor<WorkerContext, { clusterId: number }> = {
  queue: 'config',
  name: PUBLISH_CLUSTER,
  handle: async (job, ctx, token) =>
    withJobLock(ctx.redis, clusterDedupId(job.data.clusterId), job, token, async () => {
      // Free the dedup key before reading: a change committed from now on queues a new job.
      await ctx.queues.config.removeDeduplicationKey(clusterDedupId(job.data.clusterId));
      if (!(await ctx.db('alertmanager_clusters').where({ id: job.data.clusterId }).first())) return { skipped: 'cluster deleted' };
      const { configDir, publicUrl, webhookToken } = ctx.settings;
      const results = await publishCluster({ ...ctx, configDir, publicUrl, webhookToken }, job.data.clusterId);
      return { results };
    }),
};
