/**
 * Plain data the scrape renderers take. The DB layer maps rows to these; nothing here knows
 * where they came from, so the renderers stay pure and testable without a database.
 */

export interface RemoteEndpoint {
  url: string;
  /** Unique among the pool's remote_write (resp. remote_read) entries; Prometheus refuses duplicates. */
  name?: string;
  headers?: Record<string, string>;
  bearerToken?: string;
  /** remote_read only: `read_recent` (evaluate pools: true unless set). */
  readRecent?: boolean;
  /** remote_read only: `filter_external_labels` (evaluate pools: false unless set). */
  filterExternalLabels?: boolean;
}

/** What a pool's instances do: scrape their shard of the targets, evaluate rules, or both. */
export type PoolRole = 'scrape' | 'evaluate' | 'both';
/** What evaluates a pool's rules: Prometheus itself, or vmalert against a central store. */
export type RuleEngine = 'prometheus' | 'vmalert';

export type ShardingMode = 'hashmod' | 'consistent';

export interface PoolSpec {
  id: number;
  name: string;
  scrapeInterval: string;
  scrapeTimeout: string;
  evaluationInterval: string;
  externalLabels: Record<string, string>;
  remoteWrite: RemoteEndpoint[];
  remoteRead: RemoteEndpoint[];
  sharding: ShardingMode;
  alertRulesEnabled: boolean;
  recordRulesEnabled: boolean;
  /** `global.query_log_file` on the instances; null or absent: no query log. */
  queryLogFile?: string | null;
  /** Absent (older callers, fixtures): both, prometheus, 1, null. */
  role?: PoolRole;
  ruleEngine?: RuleEngine;
  /** How many evaluators each rule is placed on (1 or 2). */
  ruleReplicas?: number;
  /** vmalert's `-datasource.url`: the central store's query API (VictoriaMetrics: http://vm:8428). */
  datasourceUrl?: string | null;
  /** Prometheus' UI as people reach it (alert group card links); absent: none. */
  externalUrl?: string | null;
}

export interface InstanceSpec {
  id: number;
  /** `host:port` of the Prometheus instance, unique across pools. */
  address: string;
  /** Passed the last health check; only healthy instances get a shard. */
  healthy: boolean;
}

export const KUBERNETES_ROLES = ['node', 'pod', 'service', 'endpoints', 'endpointslice', 'ingress'] as const;
export type KubernetesRole = (typeof KUBERNETES_ROLES)[number];

export interface HttpSdDiscovery {
  kind: 'http_sd';
  nodeIds: number[];
}

export interface StaticDiscovery {
  kind: 'static';
  /** `host:port` targets. */
  targets: string[];
  labels?: Record<string, string>;
}

export interface KubernetesDiscovery {
  kind: 'kubernetes_sd';
  role: KubernetesRole;
  /** true: Prometheus runs inside the cluster and uses its service account; the fields below are ignored. */
  inCluster: boolean;
  apiServer?: string;
  /** PEM text, written to `k8s/<jobId>-ca.crt` beside prometheus.yml. */
  caCert?: string;
  /** Written to `k8s/<jobId>.token` beside prometheus.yml. */
  bearerToken?: string;
  insecureSkipVerify?: boolean;
  namespaces?: string[];
}

export type Discovery = HttpSdDiscovery | StaticDiscovery | KubernetesDiscovery;

/** Port scraped on http_sd hosts when the job names none: node_exporter's. */
export const DEFAULT_HOST_PORT = 9100;

export interface JobSpec {
  id: number;
  /** Becomes job_name; unique within the pool. */
  name: string;
  enabled: boolean;
  metricsPath: string;
  scheme: 'http' | 'https';
  /** Port to scrape on discovered hosts; http_sd defaults to 9100, kubernetes_sd keeps the discovered port. */
  port: number | null;
  /** null: the pool's global value. */
  scrapeInterval: string | null;
  scrapeTimeout: string | null;
  honorLabels: boolean;
  discovery: Discovery;
  /** The user's relabel_configs as YAML text (a list), validated by parseRelabelConfigs on write. */
  relabelConfigs: string | null;
}

export interface RenderContext {
  /** promduty's externally reachable base URL, e.g. `https://promduty.example.com`. */
  publicUrl: string;
  /** Prometheus sends it to the http_sd endpoint as `Authorization: Bearer <sdToken>`. */
  sdToken: string;
  /** `host:port` of the pool's Alertmanager cluster members. */
  alertmanagers: string[];
  /**
   * Rule file names beside prometheus.yml, rendered as given: the caller lists the files the
   * pool evaluates (e.g. `['rules.yml', 'records.yml']`). The alerting section is rendered
   * only when the pool has alert rules enabled and alertmanagers is not empty.
   */
  ruleFiles: string[];
}

export interface RenderedFile {
  /** Relative to the instance's config directory. */
  path: string;
  content: string;
  /** File mode hint for the writer; files carrying secrets are 0o640. */
  mode?: number;
}
