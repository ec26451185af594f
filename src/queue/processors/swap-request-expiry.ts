import type { WorkerContext } from '../context';
import type { Processor } from '../processor';

export const SWAP_REQUEST_EXPIRY = 'swap-request-expiry';

/**
 * Repeatable, every minute: pending swap requests whose shift has begun become expired and
 * their people are told. A conditional update per request makes any number of runs, on any
 * number of workers, expire each once; accepting one after its deadline is refused anyway.
 */
export const swapRequestExpiryProcessor: Processor<Pick<WorkerContext, 'oncallSwapRequests' | 'logger'>> = {
  queue: 'oncall',
  name: SWAP_REQUEST_EXPIRY,
  handle: async (_job, ctx) => {
    const expired = await ctx.oncallSwapRequests.expireDue();
    if (expired.length) ctx.logger.info({ requests: expired.map((r) => r.id) }, 'swap requests expired');
    return expired.map((r) => r.id);
  },
};
