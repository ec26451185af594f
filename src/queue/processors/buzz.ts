import { BUZZ } from '../paging-jobs';
import type { WorkerContext } from '../context';
import type { Processor } from '../processor';
import { lastAttempt } from '../put-back';

/** One planned buzz is due: buzz the person on their private card, or record why not. */
export const buzzProcessor: Processor<Pick<WorkerContext, 'paging'>, { id: number }> = {
  queue: 'paging',
  name: BUZZ,
  handle: async (job, ctx) => {
    const out = await ctx.paging.buzzes.run(job.data.id, lastAttempt(job));
    if (out === 'retry') throw new Error(`buzz ${job.data.id}: Feishu failed, retrying`);
    return out;
  },
};

/** Buzzes queued on `notify` by a version before the `paging` queue: run where they are, not failed unrun. */
export const notifyQueueBuzzProcessor: typeof buzzProcessor = { ...buzzProcessor, queue: 'notify' };
