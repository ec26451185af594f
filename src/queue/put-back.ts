import { DelayedError, type Job } from 'bullmq';

/** Puts an active job back for `ms` without counting an attempt (the worker must see DelayedError). */
export async function putBack(job: Job, token: string | undefined, ms: number): Promise<never> {
  await job.moveToDelayed(Date.now() + Math.max(1, Math.ceil(ms)), token);
  throw new DelayedError();
}

/** True on the job's last allowed attempt: a failure now is final. */
export const lastAttempt = (job: Job): boolean => job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
