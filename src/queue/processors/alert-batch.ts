import { ALERT_BATCH, firstCopies, type AlertBatchJob } from '../notification-queue';
import type { WorkerContext } from '../context';
import type { Processor } from '../processor';

/** The notifications queued together → their alert events (one transaction), then delivery is asked for. */
export const alertBatchProcessor: Processor<WorkerContext, AlertBatchJob> = {
  queue: 'alerts',
  name: ALERT_BATCH,
  handle: async (job, ctx) => ctx.alerts.processor.process(await firstCopies(ctx.queues.alerts, job.id!, job.data.notifications)),
};
