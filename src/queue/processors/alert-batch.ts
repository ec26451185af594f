import type { AlertBatch } from '../../events/webhook';
import { ALERT_BATCH } from '../alert-jobs';
import type { WorkerContext } from '../context';
import type { Processor } from '../processor';

/** One Alertmanager notification → its alert events (idempotent), then delivery is asked for. */
export const alertBatchProcessor: Processor<WorkerContext, AlertBatch> = {
  queue: 'alerts',
  name: ALERT_BATCH,
  handle: (job, ctx) => ctx.alerts.processor.process(job.data),
};
