import type { EscalationStep } from '../../events/jobs';
import { ESCALATE } from '../alert-jobs';
import type { WorkerContext } from '../context';
import type { Processor } from '../processor';

/** An escalation timer fired: escalate the event if nobody took it, else do nothing. */
export const escalateProcessor: Processor<Pick<WorkerContext, 'alerts' | 'metrics'>, EscalationStep> = {
  queue: 'escalation',
  name: ESCALATE,
  handle: async (job, ctx) => {
    if (job.attemptsMade === 0) {
      const dueAt = job.timestamp + (job.opts.delay ?? 0);
      ctx.metrics.escalationLateness.observe(Math.max(0, Date.now() - dueAt) / 1000);
    }
    return ctx.alerts.escalation.fire(job.data);
  },
};
