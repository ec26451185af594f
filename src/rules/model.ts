/**
 * Plain shapes the rule renderers take. The rule service maps DB rows to these; nothing
 * here knows about storage. Inputs are expected to be validated already (label names,
 * PromQL, durations); the renderers only arrange them.
 */
export type Severity = 'critical' | 'warning' | 'info';

export interface AlertRuleSpec {
  id: number;
  poolId: number;
  sendGroupId: number;
  treeNodeId: number | null;
  /** Full path of the tree node (`/infra/db/mysql`), when the caller looked it up. */
  treePath?: string | null;
  /** Becomes `alertname`. */
  name: string;
  expr: string;
  /** Prometheus duration, or null for "fire at once". */
  for: string | null;
  severity: Severity;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  grafanaUrl: string | null;
  enabled: boolean;
}

export interface RecordRuleSpec {
  id: number;
  poolId: number;
  /** Output metric name (metric-name syntax). */
  record: string;
  expr: string;
  labels: Record<string, string>;
  enabled: boolean;
}
