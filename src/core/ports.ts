/**
 * Ports the domain calls without knowing what implements them (BullMQ in production, the
 * same in tests). Domain services take these in their constructors.
 */

/** Asks for a re-render and publish of configs after a committed change (debounced). */
export interface ConfigPublisher {
  /** Prometheus configs and rule files of one pool. */
  schedulePool(poolId: number): Promise<void>;
  /** alertmanager.yml of one Alertmanager cluster. */
  scheduleCluster(clusterId: number): Promise<void>;
}
