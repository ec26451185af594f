import type { SwapRequestChange } from '../oncall/swap-request-rows';
import type { Queues } from './queues';

export const SWAP_REQUEST_NOTICE = 'swap-request-notice';

/**
 * On-call work queued by the domain. A swap request's notices are one job per state it
 * reaches, so a callback retried or a sweep run twice queues them once.
 */
export function oncallJobs(queues: Queues) {
  return {
    swapRequestChanged: async (change: SwapRequestChange): Promise<void> => {
      await queues.oncall.add(SWAP_REQUEST_NOTICE, change, { jobId: `swr-${change.requestId}-${change.state}` });
    },
  };
}
