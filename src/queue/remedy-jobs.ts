import type { RemedyJobs } from '../remedy/runner';
import type { QueueTuning } from './processor';
import type { Queues } from './queues';

export const REMEDY_RUN = 'remedy-run';

/** Calls wait on their targets (up to an action's timeout), not on the CPU: several at once. */
export const remedyQueueTuning: QueueTuning = { concurrency: 8 };

/**
 * Run jobs on the `remedy` queue, one per run, id'd by the run: scheduling it again (the alert
 * pipeline seeing the same episode twice) is a no-op. Backoff between a run's attempts is the
 * runner's (the job is put back); BullMQ's own attempts only cover a worker's failure (the
 * database away), and a run that ends up failed is in the run's row either way.
 */
export function bullRemedyJobs(queues: Queues): RemedyJobs {
  return {
    schedule: async (runId, delayMs) => {
      await queues.remedy.add(REMEDY_RUN, { runId }, { jobId: `remedy-run-${runId}`, delay: Math.max(0, Math.round(delayMs)) });
    },
  };
}
