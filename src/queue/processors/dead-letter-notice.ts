import { DEAD_LETTER_NOTICE } from '../alert-jobs';
import type { WorkerContext } from '../context';
import type { Processor } from '../processor';
import { settleSend } from '../settle-send';

/** One card in the default send group's chat for the dead letters not announced yet, within the chat's rate limit. */
export const deadLetterNoticeProcessor: Processor<Pick<WorkerContext, 'alerts' | 'recipientLimit'>, { waits?: number }> = {
  queue: 'notify',
  name: DEAD_LETTER_NOTICE,
  handle: (job, ctx, token) => settleSend(job, token, ctx.recipientLimit, (last, gate) => ctx.alerts.deadLetterNotice.send(last, gate)),
};
