import { publishPool } from '../../scrape/publish-pool';
import { PUBLISH_POOL, poolDedupId } from '../config-publisher';
import type { WorkerContext } from '../context';
import { withJobLock } from '../job-lock';
import type { Processor } from '../processor';

export const publishPoolProcessor: Processor<WorkerContext, { poolId: number }> = {
  queue: 'config',
  name: PUBLISH_POOL,
  handle: async (job, ctx, token) =>
    withJobLock(ctx.redis, poolDedupId(job.data.poolId), job, token, async () => {
      // Free the dedup key before reading: a change committed from now on queues a new job.
      await ctx.queues.config.removeDeduplicationKey(poolDedupId(job.data.poolId));
      if (!(await ctx.db('scrape_pools').where({ id: job.data.poolId }).first())) return { skipped: 'pool deleted' };
      const results = await publishPool(
        { ...ctx, configDir: ctx.settings.configDir, publicUrl: ctx.settings.publicUrl, sdToken: ctx.settings.sdToken },
        job.data.poolId,
      );
      return { results };
    }),
};
