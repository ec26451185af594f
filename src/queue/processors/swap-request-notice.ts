import type { SwapRequestChange } from '../../oncall/swap-request-rows';
import type { WorkerContext } from '../context';
import { SWAP_REQUEST_NOTICE } from '../oncall-jobs';
import type { Processor } from '../processor';

/** Tells the people of a swap request what happened (src/oncall/swap-notices.ts). */
export const swapRequestNoticeProcessor: Processor<Pick<WorkerContext, 'swapNotices'>, SwapRequestChange> = {
  queue: 'oncall',
  name: SWAP_REQUEST_NOTICE,
  handle: (job, ctx) => ctx.swapNotices.send(job.data),
};
