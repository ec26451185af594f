import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * One registry per running app (not prom-client's global), so tests can start several apps
 * in one process. Every metric promduty exposes is declared here, so /metrics is one list.
 */
export function createMetrics() {
  const registry = new Registry();
  // prom-client's process_* and nodejs_* under their standard names, as every Node.js exporter
  // exposes them and the common dashboards query them; promduty's own metrics carry promduty_.
  collectDefaultMetrics({ register: registry });
  const onScrape: (() => Promise<void>)[] = [];
  const statsGauge = (name: string, help: string) => new Gauge({ name, help, labelNames: ['send_group', 'window'] as const, registers: [registry] });
  return {
    registry,
    /**
     * Metrics whose truth is shared state (the database), not one process's doings: read on
     * each scrape, so every api process reports the same figure whichever worker did the work.
     */
    refreshOnScrape: (refresh: () => Promise<void>): void => {
      onScrape.push(refresh);
    },
    /** Runs the refreshes (/metrics calls it before rendering); one that fails leaves its last values. */
    refresh: async (): Promise<void> => {
      await Promise.allSettled(onScrape.map((f) => f()));
    },
    httpRequestDuration: new Histogram({
      name: 'promduty_http_request_duration_seconds',
      help: 'HTTP request latency by route and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    queueJobs: new Gauge({
      name: 'promduty_queue_jobs',
      help: 'Jobs per queue and state (waiting, active, delayed, failed)',
      labelNames: ['queue', 'state'] as const,
      registers: [registry],
    }),
    jobsProcessed: new Counter({
      name: 'promduty_jobs_processed_total',
      help: 'Jobs finished by queue, job name and outcome',
      labelNames: ['queue', 'name', 'outcome'] as const,
      registers: [registry],
    }),
    configPublishes: new Counter({
      name: 'promduty_config_publish_total',
      help: 'Configs published to one Prometheus or Alertmanager instance, by kind and outcome (published, unchanged, failed: written or reloaded in vain)',
      labelNames: ['kind', 'outcome'] as const,
      registers: [registry],
    }),
    ready: new Gauge({
      name: 'promduty_ready',
      help: 'Whether this process reaches its database and Redis (1) or not (0), as /readyz answers; checked on each scrape',
      registers: [registry],
    }),
    feishuRequests: new Counter({
      name: 'promduty_feishu_requests_total',
      help: 'Feishu Open API calls by operation and outcome',
      labelNames: ['op', 'outcome'] as const,
      registers: [registry],
    }),
    alertsReceived: new Counter({
      name: 'promduty_alerts_received_total',
      help: 'Alerts received on the Alertmanager webhook',
      labelNames: ['status'] as const,
      registers: [registry],
    }),
    alertWebhooks: new Counter({
      name: 'promduty_alert_webhooks_total',
      help: 'Alertmanager notifications accepted, by whether they repeated one already queued',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    alertEvents: new Counter({
      name: 'promduty_alert_events_processed_total',
      help: 'Alerts applied to alert events, by what changed (fired, repeated, resolved, refired, duplicate, stale)',
      labelNames: ['change'] as const,
      registers: [registry],
    }),
    alertNotifications: new Counter({
      name: 'promduty_alert_notifications_total',
      help: 'Alert messages to Feishu by channel, kind (card, digest, reply, notice) and outcome (sent, failed)',
      labelNames: ['channel', 'kind', 'outcome'] as const,
      registers: [registry],
    }),
    alertDeadLetters: new Gauge({
      name: 'promduty_alert_dead_letters',
      help: 'Alert notifications accepted but not stored, kept as dead letters and neither replayed nor discarded yet',
      registers: [registry],
    }),
    alertDeadLettersTotal: new Counter({
      name: 'promduty_alert_dead_letters_total',
      help: 'Alert notifications ever kept as dead letters (accepted, then refused by the store)',
      registers: [registry],
    }),
    // Per send group (bounded by the groups, never per alert), over the last 7 days; refreshed
    // on a scrape at most every few minutes (src/stats/metrics.ts).
    statsAlerts: statsGauge('promduty_stats_alerts', 'Alert events that fired in the window (window="7d": the last 7 local days, today included), per send group'),
    statsMtta: statsGauge('promduty_stats_mtta_seconds', 'Mean time from firing to the first claim of the alerts acknowledged in the window, per send group'),
    statsMttr: statsGauge('promduty_stats_mttr_seconds', 'Mean time from firing to resolved of the alerts resolved in the window, per send group'),
    statsPages: statsGauge('promduty_stats_pages', 'Messages to people about the alerts of the window (private and escalation cards), per send group'),
    statsAfterHoursPages: statsGauge(
      'promduty_stats_after_hours_pages',
      "Pages sent outside 09:00-18:00 Monday to Friday (and on weekends) in the on-call group's zone, per send group",
    ),
    statsFlappingAlerts: statsGauge('promduty_stats_flapping_alerts', 'Alerts (fingerprints) with 3 or more firing episodes in the window, per send group'),
    feishuBuzzes: new Counter({
      name: 'promduty_feishu_buzz_total',
      help: 'Feishu buzzes (加急) by kind (app, sms, phone) and outcome (buzzed, skipped, quota, unread_cap, ...)',
      labelNames: ['kind', 'outcome'] as const,
      registers: [registry],
    }),
    escalations: new Counter({
      name: 'promduty_escalations_total',
      help: 'Escalation timers fired, by outcome (escalated, stale)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    escalationLateness: new Histogram({
      name: 'promduty_escalation_lateness_seconds',
      help: 'How late an escalation timer ran after its due time',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
