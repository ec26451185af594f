import type { Knex } from 'knex';
import type { Clock } from '../core/clock';
import type { Lifecycle } from './lifecycle';
import { INSTANCE_TABLES, type InstanceKind } from './store';

/** Consecutive failed probes before an instance counts as down (one success brings it back). */
export const FAILURES_TO_MARK_DOWN = 2;

/**
 * Probes every instance of a kind (`/-/healthy`, which Prometheus and Alertmanager share)
 * and records the result. Returns the owners (pools, clusters) whose set of healthy
 * instances changed, sorted, so the caller can re-render what depends on health.
 */
export async function probeInstances(d: { db: Knex; lifecycle: Lifecycle; clock: Clock }, kind: InstanceKind): Promise<number[]> {
  const t = INSTANCE_TABLES[kind];
  const instances = await d.db(t.table).select('id', `${t.owner} as owner_id`, 'address', 'healthy', 'probe_failures');
  const probes = await Promise.all(instances.map((i: any) => d.lifecycle.healthy(i.address)));
  const at = d.clock.now();
  const changed = new Set<number>();
  await d.db.transaction(async (trx) => {
    for (const [k, i] of instances.entries()) {
      const ok = probes[k]!;
      const failures = ok ? 0 : Number(i.probe_failures) + 1;
      const healthy = ok || (Boolean(i.healthy) && failures < FAILURES_TO_MARK_DOWN);
      if (healthy !== Boolean(i.healthy)) changed.add(i.owner_id);
      await trx(t.table).where({ id: i.id }).update({ healthy, probe_failures: failures, last_probe_at: at });
    }
  });
  return [...changed].sort((a, b) => a - b);
}
