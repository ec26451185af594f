import type { WorkerContext } from '../context';
import type { Processor } from '../processor';

export const STATS_DIGEST = 'stats-digest';

/**
 * Repeatable, every ten minutes (repeatables.ts): posts the weekly stats digest of every send
 * group whose Monday morning has come (src/stats/digest.ts keeps it to once per group and week,
 * whichever worker runs the sweep).
 */
export const statsDigestProcessor: Processor<Pick<WorkerContext, 'statsDigest'>> = {
  queue: 'oncall',
  name: STATS_DIGEST,
  handle: (_job, ctx) => ctx.statsDigest.run(),
};
