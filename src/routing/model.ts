/**
 * Plain shapes the alertmanager.yml renderer takes; the routing service maps DB rows to
 * these. Durations are Prometheus/Alertmanager durations (`30s`, `4h`).
 */
export interface ClusterSpec {
  id: number;
  name: string;
  resolveTimeout: string;
  /** Label names, or `['...']` to group by every label. */
  groupBy: string[];
  groupWait: string;
  groupInterval: string;
  repeatInterval: string;
  /** Alertmanager's UI as people reach it (alert group card links); absent: none. */
  externalUrl?: string | null;
  /** `host:port` of each Alertmanager; used for reloads, not written into the config. */
  instances: string[];
}

/** A send group of the cluster; null timings fall back to the cluster's defaults. */
export interface SendGroupSpec {
  id: number;
  name: string;
  enabled: boolean;
  isDefault: boolean;
  sendResolved: boolean;
  groupBy: string[] | null;
  groupWait: string | null;
  groupInterval: string | null;
  repeatInterval: string | null;
}

/** Where Alertmanager reaches promduty. */
export interface WebhookContext {
  /** promduty's public base URL, e.g. `https://promduty.example.com` (a path prefix is kept). */
  publicUrl: string;
  /** Bearer token the webhook endpoint checks (`WEBHOOK_TOKEN`). */
  webhookToken: string;
}
