import { NOTIFY_SEND } from '../alert-jobs';
import type { WorkerContext } from '../context';
import type { Processor } from '../processor';
import { settleSend } from '../settle-send';

/** One planned card or digest to Feishu, within the recipient's rate limit. */
export const notifySendProcessor: Processor<WorkerContext, { uuid: string; waits?: number }> = {
  queue: 'notify',
  name: NOTIFY_SEND,
  handle: async (job, ctx, token) => {
    const target = await ctx.alerts.outbox.target(job.data.uuid);
    if (!target) return 'gone';
    return settleSend(job, token, ctx, target.receiveId, (last) => ctx.alerts.outbox.send(job.data.uuid, last));
  },
};
