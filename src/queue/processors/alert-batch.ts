import type { Job } from 'bullmq';
import { ALERT_BATCH, firstCopies, type AlertBatchJob } from '../notification-queue';
import type { WorkerContext } from '../context';
import type { Processor } from '../processor';
import { lastAttempt, putBack } from '../put-back';

/** While the database is away the job waits, without using up its attempts: 0.5 s, doubling, at most 30 s. */
const waitFor = (job: Job): number => Math.min(30_000, 500 * 2 ** Math.min(10, Math.max(0, (job.attemptsStarted ?? 1) - 1)));

/**
 * The notifications queued together → their alert events, then delivery is asked for. What
 * cannot be stored is kept as a dead letter by the pipeline; a run that must be tried again
 * throws (BullMQ's backoff), or waits when the database cannot be reached.
 */
export const alertBatchProcessor: Processor<Pick<WorkerContext, 'queues' | 'alerts' | 'logger'>, AlertBatchJob> = {
  queue: 'alerts',
  name: ALERT_BATCH,
  handle: async (job, ctx, token) => {
    const notifications = await firstCopies(ctx.queues.alerts, job.id!, job.data.notifications);
    const run = { jobId: job.id!, attempt: job.attemptsMade + 1, finalAttempt: lastAttempt(job), ranBefore: (job.attemptsStarted ?? 1) > 1 };
    const out = await ctx.alerts.processor.runJob(run, notifications);
    if (out.status === 'done') return out;
    if (!out.unavailable) throw out.error;
    ctx.logger.warn({ jobId: job.id, err: out.error }, 'the database cannot be reached: alert notifications wait for it');
    return putBack(job, token, waitFor(job));
  },
};
