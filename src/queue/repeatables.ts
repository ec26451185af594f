import type { Settings } from '../config/settings';
import type { Queues } from './queues';
import { PROBE_PROMETHEUS } from './processors/probe-prometheus';

/**
 * Repeatable jobs, registered by every worker process at start. Job schedulers are
 * upserts keyed by id, so several workers registering the same one leave exactly one.
 */
export async function scheduleRepeatables(queues: Queues, settings: Settings): Promise<void> {
  await queues.config.upsertJobScheduler(PROBE_PROMETHEUS, { every: settings.probeIntervalMs }, { name: PROBE_PROMETHEUS });
}
