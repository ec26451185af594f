import type { RemedyJobs } from '../remedy/queued-runs';
import type { QueueTuning } from './processor';
import type { Queues } from './queues';

export const REMEDY_RUN = 'remedy-run';

/** Calls wait on their targets (up to an action's timeout), not on the CPU: several at once. */
export const remedyQueueTuning: QueueTuning = { concurrency: 8 };

/** A job in these states is over; BullMQ keeps it (and so its id) for a while. */
const OVER = new Set(['completed', 'failed']);

/**
 * Run jobs on the `remedy` queue, one per run, id'd by the run: scheduling it again (the alert
 * pipeline seeing the same episode twice, the sweep) is a no-op while the job lives, so a run
 * never has two jobs at once. BullMQ drops an add whose id is taken by a job that is over, too:
 * that job is removed first (a run still queued behind a job that failed for good would
 * otherwise wait out removeOnFail's week). Backoff between a run's attempts is the runner's (the
 * job is put back); BullMQ's own attempts only cover a worker's failure (the database away), and
 * a run that ends up failed is in the run's row either way.
 */
export function bullRemedyJobs(queues: Queues): RemedyJobs {
  return {
    schedule: async (runId, delayMs) => {
      const jobId = `remedy-run-${runId}`;
      const state = await queues.remedy.getJobState(jobId);
      if (state !== 'unknown' && !OVER.has(state)) return false;
      if (state !== 'unknown') await queues.remedy.remove(jobId);
      await queues.remedy.add(REMEDY_RUN, { runId }, { jobId, delay: Math.max(0, Math.round(delayMs)) });
      return true;
    },
  };
}
