import { Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Logger } from '../core/logger';
import type { Metrics } from '../core/metrics';
import type { QueueName } from './names';
import type { Processor, QueueTuning } from './processor';

export interface WorkerOptions<Ctx> {
  connection: ConnectionOptions;
  prefix: string;
  processors: Processor<Ctx>[];
  ctx: Ctx;
  logger: Logger;
  metrics: Metrics;
  tuning?: Partial<Record<QueueName, QueueTuning>>;
  /** settings.jobLockMs (default 30 s, as BullMQ's) */
  lockMs?: number;
}

const DEFAULT_LOCK_MS = 30_000;
/**
 * Times a job may be found on a worker that died before it is failed for good. BullMQ's default
 * (1) gives up on a job the second time: in a crash loop (a process killed while MariaDB hangs,
 * say) the alert jobs it took back are failed unrun, and their acknowledged alerts are lost. A
 * stall is the worker's death, not the job's fault, and every processor is idempotent; the
 * bound only stops a job that kills every worker that runs it.
 */
const MAX_STALLS = 5;

export interface RunningWorkers {
  workers: Worker[];
  /**
   * Stops taking jobs and waits for running ones to finish, for `graceMs` at most; then closes
   * by force (a job still running returns to the queue when its lock lapses, and every
   * processor is idempotent).
   */
  close(graceMs: number): Promise<void>;
}

/** How long a forced close may take before shutdown goes on without it. */
const FORCED_CLOSE_MS = 2000;

const within = (p: Promise<unknown>, ms: number): Promise<boolean> =>
  new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void p.finally(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });

/**
 * One BullMQ Worker per queue that has processors; it dispatches on job name. A job whose
 * name nobody handles fails loudly instead of vanishing. Failures are logged with the job
 * and counted in metrics.
 */
export function startWorkers<Ctx>(o: WorkerOptions<Ctx>): RunningWorkers {
  const byQueue = new Map<QueueName, Map<string, Processor<Ctx>>>();
  for (const p of o.processors) {
    const names = byQueue.get(p.queue) ?? new Map<string, Processor<Ctx>>();
    if (names.has(p.name)) throw new Error(`two processors for ${p.queue}/${p.name}`);
    names.set(p.name, p);
    byQueue.set(p.queue, names);
  }
  const workers = [...byQueue].map(([queue, names]) => {
    const tuning = o.tuning?.[queue] ?? {};
    const w = new Worker(
      queue,
      async (job: Job, token?: string) => {
        const p = names.get(job.name);
        if (!p) throw new Error(`no processor for job ${queue}/${job.name}`);
        return p.handle(job, o.ctx, token);
      },
      {
        connection: o.connection,
        prefix: o.prefix,
        concurrency: tuning.concurrency ?? 1,
        limiter: tuning.limiter,
        // A job whose worker died waits for its lock to lapse, then for the next check: at most
        // one and a half locks before another worker runs it.
        lockDuration: o.lockMs ?? DEFAULT_LOCK_MS,
        stalledInterval: (o.lockMs ?? DEFAULT_LOCK_MS) / 2,
        maxStalledCount: MAX_STALLS,
      },
    );
    w.on('completed', (job) => o.metrics.jobsProcessed.inc({ queue, name: job.name, outcome: 'completed' }));
    w.on('failed', (job, err) => {
      // finishedOn is set when the job went to `failed`: attempts used up, or an
      // UnrecoverableError (BullMQ's own for a job stalled too often) with attempts left.
      const final = !job || job.finishedOn !== undefined || job.attemptsMade >= (job.opts.attempts ?? 1);
      o.metrics.jobsProcessed.inc({ queue, name: job?.name ?? 'unknown', outcome: final ? 'failed' : 'retried' });
      o.logger[final ? 'error' : 'warn'](
        { queue, job: job?.name, jobId: job?.id, attempt: job?.attemptsMade, err },
        final ? 'job failed for good' : 'job failed, will retry',
      );
    });
    w.on('error', (err) => o.logger.error({ queue, err }, 'worker error'));
    return w;
  });
  return {
    workers,
    close: async (graceMs) => {
      // BullMQ's close() can wait for ever when it comes while the connection is reconnecting
      // (taskforcesh/bullmq#4656, seen here right after a Redis restart): bounded, so a
      // shutdown never hangs on it.
      if (await within(Promise.allSettled(workers.map((w) => w.close())), graceMs)) return;
      o.logger.warn({ graceMs }, 'workers did not close in time: closing them by force (running jobs return to the queue when their locks lapse)');
      await within(Promise.allSettled(workers.map((w) => w.close(true))), FORCED_CLOSE_MS);
    },
  };
}
