import { probePrometheusInstances } from '../../scrape/health';
import type { WorkerContext } from '../context';
import type { Processor } from '../processor';

export const PROBE_PROMETHEUS = 'probe-prometheus';

/** Repeatable: probes every Prometheus instance and re-shards pools whose health changed. */
export const probePrometheusProcessor: Processor<WorkerContext> = {
  queue: 'config',
  name: PROBE_PROMETHEUS,
  handle: async (_job, ctx) => {
    const changed = await probePrometheusInstances(ctx);
    if (changed.length) await ctx.sdCache.invalidate(); // consistent-mode shares follow health
    for (const poolId of changed) await ctx.publisher.schedulePool(poolId);
    if (changed.length) ctx.logger.info({ pools: changed }, 'instance health changed; re-sharding');
    return { changed };
  },
};
