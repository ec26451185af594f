import type { Settings } from '../config/settings';
import type { Queues } from './queues';
import { PROBE_PROMETHEUS } from './processors/probe-prometheus';
import { PROBE_ALERTMANAGER } from './processors/probe-alertmanager';
import { ONCALL_HANDOFF } from './processors/oncall-handoff';
import { SHIFT_NOTICES } from './processors/shift-notices';
import { SWAP_REQUEST_EXPIRY } from './processors/swap-request-expiry';
import { STATS_DIGEST } from './processors/stats-digest';
import { DELIVERY_SWEEP } from './processors/delivery-sweep';
import { REMEDY_SWEEP } from './processors/remedy-sweep';

/** How often every send group with work left is asked to deliver (a delivery job that gave up waits at most this). */
const DELIVERY_SWEEP_MS = 10_000;
/** How often remediation runs lost after their alert was stored are looked for (an automatic run is late by at most this). */
const REMEDY_SWEEP_MS = 30_000;

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
  // Every ten minutes (at second 30, away from the handoff): posts each weekly digest once its Monday morning has come.
  await queues.oncall.upsertJobScheduler(STATS_DIGEST, { pattern: '30 */10 * * * *' }, { name: STATS_DIGEST });
  // One attempt: the next sweep is never more than an interval away.
  await queues.delivery.upsertJobScheduler(DELIVERY_SWEEP, { every: DELIVERY_SWEEP_MS }, { name: DELIVERY_SWEEP, opts: { attempts: 1 } });
  await queues.remedy.upsertJobScheduler(REMEDY_SWEEP, { every: REMEDY_SWEEP_MS }, { name: REMEDY_SWEEP, opts: { attempts: 1 } });
}
