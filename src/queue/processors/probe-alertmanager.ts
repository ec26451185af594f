import { probeInstances } from '../../instances/health';
import type { WorkerContext } from '../context';
import type { Processor } from '../processor';

export const PROBE_ALERTMANAGER = 'probe-alertmanager';

/**
 * Repeatable: probes every Alertmanager instance and records its health for the API.
 * Nothing is re-rendered: pools list every Alertmanager of their cluster and Prometheus
 * itself skips the ones that are down.
 */
export const probeAlertmanagerProcessor: Processor<Pick<WorkerContext, 'db' | 'lifecycle' | 'clock' | 'logger'>> = {
  queue: 'config',
  name: PROBE_ALERTMANAGER,
  handle: async (_job, ctx) => {
    const changed = await probeInstances(ctx, 'alertmanager');
    if (changed.length) ctx.logger.info({ clusters: changed }, 'Alertmanager instance health changed');
    return { changed };
  },
};
