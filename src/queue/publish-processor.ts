import type { InstanceKind } from '../instances/store';
import type { PublishResult } from '../publish/files';
import type { WorkerContext } from './context';
import { withJobLock } from './job-lock';
import type { Processor } from './processor';

/**
 * The shape both publish jobs share (a pool's Prometheus files, a cluster's
 * alertmanager.yml): one at a time per target (Redis lock), dedup key freed before the
 * database is read so a change committed meanwhile queues a fresh job, and a target deleted
 * since the job was queued is skipped.
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
        return { results };
      });
    },
  };
}
