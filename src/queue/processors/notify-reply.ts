import type { ReplyJob } from '../../events/jobs';
import { NOTIFY_REPLY } from '../alert-jobs';
import type { WorkerContext } from '../context';
import type { Processor } from '../processor';
import { settleSend } from '../settle-send';

/** A reply or notice in a send group's chat ("resolved after 12m", escalated to whom). */
export const notifyReplyProcessor: Processor<Pick<WorkerContext, 'alerts' | 'recipientLimit'>, ReplyJob & { waits?: number }> = {
  queue: 'notify',
  name: NOTIFY_REPLY,
  handle: (job, ctx, token) =>
    settleSend(job, token, ctx.recipientLimit, (last, gate) => ctx.alerts.notices.send(job.data, last, gate)),
};
