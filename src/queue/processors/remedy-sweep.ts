import type { WorkerContext } from '../context';
import type { Processor } from '../processor';

export const REMEDY_SWEEP = 'remedy-sweep';

/**
 * Repeatable: plans and schedules the remediation runs lost after their alert was stored
 * (src/remedy/sweep.ts), so none waits for good on a hook or a job that failed.
 */
export const remedySweepProcessor: Processor<Pick<WorkerContext, 'remedySweep'>> = {
  queue: 'remedy',
  name: REMEDY_SWEEP,
  handle: (_job, ctx) => ctx.remedySweep.run(),
};
