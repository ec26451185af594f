import type { Settings } from '../config/settings';
import type { Queues } from './queues';
import { PROBE_PROMETHEUS } from './processors/probe-prometheus';
import { PROBE_ALERTMANAGER } from './processors/probe-alertmanager';
import { ONCALL_HANDOFF } from './processors/oncall-handoff';
import { SHIFT_NOTICES } from './processors/shift-notices';
import { SWAP_REQUEST_EXPIRY } from './processors/swap-request-expiry';

/**
 * Repeatable jobs, registered by every worker process at start. Job schedulers are
 * upserts keyed by id, so several workers registering the same one leave exactly one.
 */
export async function scheduleRepeatables(queues: Queues, settings: Settings): Promise<void> {
  await queues.config.upsertJobScheduler(PROBE_PROMETHEUS, { every: settings.probeIntervalMs }, { name: PROBE_PROMETHEUS });
  await queues.config.upsertJobScheduler(PROBE_ALERTMANAGER, { every: settings.probeIntervalMs }, { name: PROBE_ALERTMANAGER });
  // At second 0 of every minute, so a handoff at HH:mm is recorded and announced right then.
  await queues.oncall.upsertJobScheduler(ONCALL_HANDOFF, { pattern: '0 * * * * *' }, { name: ONCALL_HANDOFF });
  await queues.oncall.upsertJobScheduler(SHIFT_NOTICES, { pattern: '5 * * * * *' }, { name: SHIFT_NOTICES });
  await queues.oncall.upsertJobScheduler(SWAP_REQUEST_EXPIRY, { pattern: '0 * * * * *' }, { name: SWAP_REQUEST_EXPIRY });
}
