import type { WorkerContext } from '../context';
import type { Processor } from '../processor';
import { putBack } from '../put-back';
import { REMEDY_RUN } from '../remedy-jobs';

/** One step of a remediation action's run: call, back off, or report (src/remedy/runner.ts decides). */
export const remedyRunProcessor: Processor<Pick<WorkerContext, 'remedy'>, { runId: number }> = {
  queue: 'remedy',
  name: REMEDY_RUN,
  handle: async (job, ctx, token) => {
    const out = await ctx.remedy.execute(job.data.runId);
    if (out.status === 'wait') return putBack(job, token, out.afterMs);
    return out.status;
  },
};
