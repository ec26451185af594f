import type { Clock } from '../core/clock';
import type { Metrics } from '../core/metrics';
import type { AlertJobs, Queued } from './jobs';
import { notificationKey, parseWebhook, toBatch } from './webhook';

/** The queued job (the earlier one's when this repeats a queued notification), and how many alerts came. */
export interface Accepted extends Queued {
  alerts: number;
}

/**
 * The HTTP side of `POST /api/v1/alerts/webhook`: validate, stamp the arrival time, queue.
 * It resolves only once Redis holds the job, so a 2xx means the notification is durable;
 * Alertmanager retries anything else. The same notification queued again within the dedup
 * window collapses into the first (every replica of an HA pair sends it).
 */
export class AlertIngest {
  constructor(private readonly d: { clock: Clock; metrics: Metrics; jobs: AlertJobs }) {}

  async accept(body: unknown): Promise<Accepted> {
    const batch = toBatch(parseWebhook(body), this.d.clock.now());
    const { jobId, duplicate } = await this.d.jobs.ingest(batch, notificationKey(batch));
    this.d.metrics.alertWebhooks.inc({ outcome: duplicate ? 'duplicate' : 'accepted' });
    for (const status of ['firing', 'resolved'] as const) {
      const n = batch.alerts.filter((a) => a.status === status).length;
      if (n) this.d.metrics.alertsReceived.inc({ status }, n);
    }
    return { jobId, duplicate, alerts: batch.alerts.length };
  }
}
