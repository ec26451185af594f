import { AppError } from '../core/errors';
import { INSTANCE_TABLES, type InstanceKind } from '../instances/store';
import type { PublishResult } from '../publish/files';
import type { WorkerContext } from './context';
import { withJobLock } from './job-lock';
import type { Processor } from './processor';

/**
 * The shape both publish jobs share (a pool's Prometheus files, a cluster's
 * alertmanager.yml): one at a time per target (Redis lock), dedup key freed before the
 * database is read so a change committed meanwhile queues a fresh job, and a target deleted
 * since the job was queued is skipped. A reload that failed on an instance the probes see up
 * fails the job, so BullMQ retries it (the queue's attempts and backoff): see retryFailedReloads.
 */
/** What the shared part uses: the lock, the dedup key, the row check and the counters. */
export type PublishJobContext = Pick<WorkerContext, 'redis' | 'queues' | 'db' | 'metrics'>;

export function publishProcessor<Ctx extends PublishJobContext>(o: {
  name: string;
  kind: InstanceKind;
  /** The job data field holding the target id. */
  idField: string;
  dedupId: (id: number) => string;
  table: string;
  publish: (ctx: Ctx, id: number) => Promise<PublishResult[]>;
}): Processor<Ctx, Record<string, number>> {
  return {
    queue: 'config',
    name: o.name,
    handle: async (job, ctx, token) => {
      const id = Number(job.data[o.idField]);
      return withJobLock(ctx.redis, o.dedupId(id), job, token, async () => {
        await ctx.queues.config.removeDeduplicationKey(o.dedupId(id));
        if (!(await ctx.db(o.table).where({ id }).first())) return { skipped: `${o.table} ${id} deleted` };
        const results = await o.publish(ctx, id);
        for (const r of results) ctx.metrics.configPublishes.inc({ kind: o.kind, outcome: r.error ? 'failed' : r.changed ? 'published' : 'unchanged' });
        await retryFailedReloads(ctx, o.kind, results);
        return { results };
      });
    },
  };
}

/**
 * A failed write or reload is recorded (reload_ok false) and redone by the next publish, but
 * nothing schedules one until the owner's config or health changes again: an instance whose
 * reload timed out or was reset on a loaded host stayed on its old files (a pool's old shard)
 * indefinitely. So when one of the failed instances is up by the probes, this throws and the
 * job is retried; the retry redoes just those instances (publish_state says they are not
 * current). A down instance is left alone: it gets its files when the probe sees it back.
 * A refusal by promtool / amtool is not retried: the same files would be refused again.
 */
async function retryFailedReloads(ctx: PublishJobContext, kind: InstanceKind, results: PublishResult[]): Promise<void> {
  const failed = results.filter((r) => r.error && !r.refused).map((r) => r.address);
  if (!failed.length) return;
  const up: string[] = await ctx.db(INSTANCE_TABLES[kind].table).whereIn('address', failed).where({ healthy: true }).pluck('address');
  if (up.length) throw new AppError('upstream_failed', `publish to ${up.join(', ')} failed; retrying`, { addresses: up });
}
