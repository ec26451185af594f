import type { ConfigPublisher } from '../core/ports';
import type { Queues } from './queues';

export const PUBLISH_POOL = 'publish-pool';
export const PUBLISH_CLUSTER = 'publish-cluster';
export const poolDedupId = (poolId: number): string => `pool-${poolId}`;
export const clusterDedupId = (clusterId: number): string => `cluster-${clusterId}`;

/**
 * Publishing through the `config` queue. A burst of changes to one pool collapses into one
 * delayed job (BullMQ deduplication); the processor drops the dedup key before it reads the
 * database, so a change committed while it runs schedules a fresh job instead of being lost.
 */
export function queueConfigPublisher(queues: Queues, debounceMs: number): ConfigPublisher {
  return {
    schedulePool: async (poolId, opts) => {
      await queues.config.add(PUBLISH_POOL, { poolId }, { delay: opts?.now ? 0 : debounceMs, deduplication: { id: poolDedupId(poolId) } });
    },
    scheduleCluster: async (clusterId) => {
      await queues.config.add(PUBLISH_CLUSTER, { clusterId }, { delay: debounceMs, deduplication: { id: clusterDedupId(clusterId) } });
    },
  };
}
