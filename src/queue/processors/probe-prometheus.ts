import { probeInstances } from '../../instances/health';
import type { WorkerContext } from '../context';
import type { Processor } from '../processor';

export const PROBE_PROMETHEUS = 'probe-prometheus';

/**
 * Repeatable: probes every Prometheus instance and re-shards the pools whose set of healthy
 * instances changed: their shards and rule placement are re-rendered so that no target and
 * no rule is left to a dead instance.
 */
export const probePrometheusProcessor: Processor<Pick<WorkerContext, 'db' | 'lifecycle' | 'clock' | 'sdCache' | 'publisher' | 'logger'>> = {
  queue: 'config',
  name: PROBE_PROMETHEUS,
  handle: async (_job, ctx) => {
    const changed = await probeInstances(ctx, 'prometheus');
    if (changed.length) await ctx.sdCache.invalidate(); // consistent-mode shares follow health
    for (const poolId of changed) await ctx.publisher.schedulePool(poolId, { now: true });
    if (changed.length) ctx.logger.info({ pools: changed }, 'instance health changed; re-sharding');
    return { changed };
  },
};
