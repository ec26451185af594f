import type { ReplyJob } from '../../events/jobs';
import { NOTIFY_REPLY } from '../alert-jobs';
import type { WorkerContext } from '../context';
import type { Processor } from '../processor';
import { putBack } from '../put-back';
import { settleSend } from '../settle-send';

/** How long a reply waits for the card it answers, each time. */
const CARD_WAIT_MS = 1000;

/** A reply or notice in a send group's chat ("resolved after 12m", escalated to, claimed by). */
export const notifyReplyProcessor: Processor<WorkerContext, ReplyJob & { waits?: number }> = {
  queue: 'notify',
  name: NOTIFY_REPLY,
  handle: async (job, ctx, token) => {
    const chatId = await ctx.alerts.notices.target(job.data);
    if (!chatId) return 'gone';
    return settleSend(job, token, ctx, chatId, async (last) => {
      const out = await ctx.alerts.notices.send(job.data, last);
      return out.status === 'wait' ? putBack(job, token, CARD_WAIT_MS) : out;
    });
  },
};
