import type { WorkerContext } from '../context';
import type { Processor } from '../processor';

export const DELIVERY_SWEEP = 'delivery-sweep';

/**
 * Repeatable: asks for a delivery of every send group that still has events to plan or
 * messages to send, so none waits for good on a delivery job that gave up.
 */
export const deliverySweepProcessor: Processor<Pick<WorkerContext, 'alerts'>> = {
  queue: 'delivery',
  name: DELIVERY_SWEEP,
  handle: async (_job, ctx) => ({ groups: await ctx.alerts.delivery.sweep() }),
};
