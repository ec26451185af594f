import { ALERT_DELIVER } from '../alert-jobs';
import type { WorkerContext } from '../context';
import type { Processor } from '../processor';

/** Plans the cards (or digests) of one send group's waiting events and queues the sends. */
export const alertDeliverProcessor: Processor<Pick<WorkerContext, 'alerts'>, { sendGroupId: number }> = {
  queue: 'delivery',
  name: ALERT_DELIVER,
  handle: (job, ctx) => ctx.alerts.delivery.deliver(job.data.sendGroupId),
};
