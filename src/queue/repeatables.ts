import type { Settings } from '../config/settings';
import type { Queues } from './queues';
import { PROBE_PROMETHEUS } from './processors/probe-prometheus';
import { PROBE_ALERTMANAGER } from './processors/probe-alertmanager';
import { ONCALL_HANDOFF } from './processors/oncall-handoff';
import { STATS_DIGEST } from './processors/stats-digest';

/**
 * Repeatable jobs, registered by every worker process at start. Job schedulers are
 * upserts keyed by id, so several workers registering the same one leave exactly one.
 */
export async function scheduleRepeatables(queues: Queues, settings: Settings): Promise<void> {
  await queues.config.upsertJobScheduler(PROBE_PROMETHEUS, { every: settings.probeIntervalMs }, { name: PROBE_PROMETHEUS });
  await queues.config.upsertJobScheduler(PROBE_ALERTMANAGER, { every: settings.probeIntervalMs }, { name: PROBE_ALERTMANAGER });
  // At second 0 of every minute, so a handoff at HH:mm is recorded and announced right then.
  await queues.oncall.upsertJobScheduler(ONCALL_HANDOFF, { pattern: '0 * * * * *' }, { name: ONCALL_HANDOFF });
  // Every ten minutes (at second 30, away from the handoff): posts each weekly digest once its Monday morning has come.
  await queues.oncall.upsertJobScheduler(STATS_DIGEST, { pattern: '30 */10 * * * *' }, { name: STATS_DIGEST });
}
