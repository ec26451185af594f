import type { PagingJobs } from '../paging/buzz-service';
import type { Queues } from './queues';

export const BUZZ = 'buzz';

/**
 * Buzz jobs have the `paging` queue to themselves: Feishu limits each API per app (its
 * frequency-control guide), and the buzz APIs (urgent_app, _sms, _phone) are not the send
 * API, so their 50 a second are their own. Sharing `notify`'s limiter, a storm's buzzes (one
 * per private card) took a third of the app's sends (issue 15). One job per buzz row (its id):
 * queueing it twice queues it once. Retries are for Feishu being unreachable or rate limiting;
 * its refusals are recorded, not retried.
 */
export function bullPagingJobs(queues: Queues): PagingJobs {
  return {
    buzz: async (buzzes) => {
      if (!buzzes.length) return;
      await queues.paging.addBulk(
        buzzes.map(({ id, delayMs }) => ({
          name: BUZZ,
          data: { id },
          opts: { jobId: `buzz-${id}`, delay: Math.max(0, Math.round(delayMs)), attempts: 6, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: true, removeOnFail: true },
        })),
      );
    },
  };
}
