import type { WorkerContext } from '../context';
import type { Processor } from '../processor';

export const ONCALL_HANDOFF = 'oncall-handoff';

/**
 * Repeatable, every minute (see repeatables.ts): records the day's on-call person of every
 * group whose handoff time has passed, backfills days missed while promduty was down, and
 * announces the handoff. One sweep over all groups rather than one scheduler per group: it
 * needs no scheduler bookkeeping when groups change, its own shift maths handles time zones
 * and DST, and a missed run is simply made up by the next one.
 */
export const oncallHandoffProcessor: Processor<Pick<WorkerContext, 'handoff' | 'logger'>> = {
  queue: 'oncall',
  name: ONCALL_HANDOFF,
  handle: async (_job, ctx) => {
    const run = await ctx.handoff.run();
    if (run.recorded.length || run.announced.length) ctx.logger.info(run, 'on-call handoff');
    return run;
  },
};
