import { NOTIFY_SEND } from '../alert-jobs';
import type { WorkerContext } from '../context';
import type { Processor } from '../processor';
import { settleSend } from '../settle-send';

/** One planned card or digest to Feishu, within the recipient's rate limit. */
export const notifySendProcessor: Processor<Pick<WorkerContext, 'alerts' | 'recipientLimit'>, { uuid: string; sendGroupId: number; waits?: number }> = {
  queue: 'notify',
  name: NOTIFY_SEND,
  handle: (job, ctx, token) =>
    settleSend(job, token, ctx.recipientLimit, (last, gate) =>
      ctx.alerts.outbox.send(job.data.sendGroupId, job.data.uuid, last, gate, job.attemptsMade > 0 || job.stalledCounter > 0),
    ),
};
