import type { Knex } from 'knex';
import type { Clock } from '../core/clock';
import type { Lifecycle } from '../alertmanager/lifecycle';

/** Consecutive failed probes before an instance counts as down (one success brings it back). */
export const FAILURES_TO_MARK_DOWN = 2;

/**
 * Probes every Prometheus instance's `/-/healthy` and records the result. Returns the pools
 * whose set of healthy instances changed: their shards and rule placement must be
 * re-rendered so that no target and no rule is left to a dead instance.
 */
export async function probePrometheusInstances(d: { db: Knex; lifecycle: Lifecycle; clock: Clock }): Promise<number[]> {
  const instances = await d.db('prometheus_instances').select('id', 'pool_id', 'address', 'healthy', 'probe_failures');
  const probes = await Promise.all(instances.map((i: any) => d.lifecycle.healthy(i.address)));
  const at = d.clock.now();
  const changedPools = new Set<number>();
  await d.db.transaction(async (trx) => {
    for (const [k, i] of instances.entries()) {
      const ok = probes[k]!;
      const failures = ok ? 0 : Number(i.probe_failures) + 1;
      const healthy = ok || (Boolean(i.healthy) && failures < FAILURES_TO_MARK_DOWN);
      if (healthy !== Boolean(i.healthy)) changedPools.add(i.pool_id);
      await trx('prometheus_instances').where({ id: i.id }).update({ healthy, probe_failures: failures, last_probe_at: at });
    }
  });
  return [...changedPools].sort((a, b) => a - b);
}
