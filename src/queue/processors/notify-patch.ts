import { isAppError } from '../../core/errors';
import type { SendFailure } from '../../core/ports';
import { NOTIFY_PATCH } from '../alert-jobs';
import type { WorkerContext } from '../context';
import type { Processor } from '../processor';
import { putBack } from '../put-back';

/**
 * Re-renders one Feishu message from the database (an alert card, escalation card or digest),
 * within Feishu's update limits (that message's 5 a second, the update API's per app).
 */
export const notifyPatchProcessor: Processor<Pick<WorkerContext, 'alerts' | 'updateLimit'>, { messageId: string }> = {
  queue: 'notify',
  name: NOTIFY_PATCH,
  handle: async (job, ctx, token) => {
    const slots = ctx.updateLimit.slots();
    try {
      const due = await slots.gate(job.data.messageId);
      if (due > 0) return await putBack(job, token, due);
      return await ctx.alerts.cards.refreshMessage(job.data.messageId);
    } catch (e) {
      const wait = isAppError(e) ? (e.details as Partial<SendFailure> | null)?.retryAfterMs : null;
      if (wait != null) return putBack(job, token, wait);
      throw e;
    } finally {
      await slots.close();
    }
  },
};
