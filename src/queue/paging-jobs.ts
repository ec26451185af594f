import type { PagingJobs } from '../paging/buzz-service';
import type { Queues } from './queues';

export const BUZZ = 'buzz';

/**
 * Buzz jobs ride the `notify` queue: a buzz is a Feishu call like a send, under the same
 * app-wide limiter. One job per buzz row (its id): queueing it twice queues it once. Retries
 * are for Feishu being unreachable or rate limiting; its refusals are recorded, not retried.
 */
export function bullPagingJobs(queues: Queues): PagingJobs {
  return {
    buzz: async (buzzes) => {
      if (!buzzes.length) return;
      await queues.notify.addBulk(
        buzzes.map(({ id, delayMs }) => ({
          name: BUZZ,
          data: { id },
          opts: { jobId: `buzz-${id}`, delay: Math.max(0, Math.round(delayMs)), attempts: 6, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: true, removeOnFail: true },
        })),
      );
    },
  };
}
