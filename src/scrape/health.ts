import type { Knex } from 'knex';
import type { Clock } from '../core/clock';
import type { Lifecycle } from '../alertmanager/lifecycle';
import { probeInstances } from '../publish/instance-health';

/**
 * Probes every Prometheus instance's `/-/healthy` and records the result. Returns the pools
 * whose set of healthy instances changed: their shards and rule placement must be
 * re-rendered so that no target and no rule is left to a dead instance.
 */
export function probePrometheusInstances(d: { db: Knex; lifecycle: Lifecycle; clock: Clock }): Promise<number[]> {
  return probeInstances(d, 'prometheus');
}
