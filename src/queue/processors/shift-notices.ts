import type { WorkerContext } from '../context';
import type { Processor } from '../processor';

export const SHIFT_NOTICES = 'shift-notices';

/**
 * Repeatable, every minute: the private "you're on call from … to …" before each shift
 * (the group's lead time) and at its handoff, each sent once (src/oncall/shift-notices.ts).
 */
export const shiftNoticesProcessor: Processor<Pick<WorkerContext, 'shiftNotices' | 'logger'>> = {
  queue: 'oncall',
  name: SHIFT_NOTICES,
  handle: async (_job, ctx) => {
    const sent = await ctx.shiftNotices.run();
    if (sent.length) ctx.logger.info({ sent }, 'shift notices sent');
    return sent;
  },
};
