import type { Person } from './card';
import { t, type Locale } from '../i18n';

/**
 * An alert group (Alertmanager's groupKey: promduty's incident) as its cards show it, and
 * the label arithmetic they share: what all alerts have in common (shown once), what differs
 * (shown per alert, and summarised on a storm digest), what is internal (hidden).
 */
export interface GroupAlertView {
  id: number;
  status: 'firing' | 'resolved';
  severity: string;
  labels: Record<string, string>;
  firstSeenAt: Date;
  lastSeenAt: Date;
  resolvedAt: Date | null;
  count: number;
  claimedBy: Person | null;
  silencedUntil: Date | null;
}

export interface GroupTimelineEntry {
  at: Date;
  actor: string;
  kind: string;
  detail: Record<string, unknown> | null;
}

export interface AlertGroupView {
  id: number;
  alertname: string;
  status: 'firing' | 'resolved';
  sendGroupName: string;
  /** The route's group_by labels. */
  groupLabels: Record<string, string>;
  /** Every alert of the group, oldest first. */
  alerts: GroupAlertView[];
  /** Annotations every firing alert shares (summary, runbook_url…), else those of the first alert. */
  annotations: Record<string, string>;
  firstSeenAt: Date;
  lastSeenAt: Date;
  resolvedAt: Date | null;
  resolvedBy: Person | null;
  acknowledgedBy: Person | null;
  acknowledgedAt: Date | null;
  silencedBy: Person | null;
  silencedUntil: Date | null;
  /** The silence in Alertmanager's UI, when its external URL is known. */
  silenceUrl: string | null;
  escalationLevel: number;
  responders: Person[];
  /** Prometheus and Alertmanager links (external URLs when configured, else generatorURL). */
  prometheusUrl: string | null;
  alertmanagerUrl: string | null;
  grafanaUrl: string | null;
  timeline: GroupTimelineEntry[];
}

/**
 * Labels promduty and Prometheus add for routing and sharding: noise to people, kept in the
 * API. A label named here is never shown on a card.
 */
export const INTERNAL_LABELS: ReadonlySet<string> = new Set(['rule_id', 'send_group', 'promduty_pool', 'promduty_shard', 'promduty_rule', 'prometheus', 'prometheus_replica', '__name__']);
export const isInternalLabel = (name: string): boolean => INTERNAL_LABELS.has(name) || name.startsWith('promduty_') || name.startsWith('__');

/** Labels with the same value on every alert (visible ones only). */
export function commonLabels(alerts: readonly { labels: Record<string, string> }[], keepInternal = false): Record<string, string> {
  const first = alerts[0];
  if (!first) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(first.labels)) {
    if (!keepInternal && isInternalLabel(k)) continue;
    if (alerts.every((a) => a.labels[k] === v)) out[k] = v;
  }
  return out;
}

/** Visible label names whose values differ between alerts (or that some alerts lack), sorted. */
export function differingLabels(alerts: readonly { labels: Record<string, string> }[]): string[] {
  const common = commonLabels(alerts);
  const names = new Set<string>();
  for (const a of alerts) for (const k of Object.keys(a.labels)) if (!(k in common) && !isInternalLabel(k)) names.add(k);
  return [...names].sort();
}

/**
 * One label across many alerts in a few characters: `cpu: 0–7` for whole numbers,
 * `instance: 12 values` otherwise, the value itself when there is one.
 */
export function summariseLabel(locale: Locale, name: string, alerts: readonly { labels: Record<string, string> }[]): string {
  const values = [...new Set(alerts.flatMap((a) => (a.labels[name] === undefined ? [] : [a.labels[name]])))];
  if (values.length === 1) return t(locale, 'gcard.label.one', { name, value: values[0]! });
  if (values.length > 1 && values.every((v) => /^-?\d{1,15}$/.test(v))) {
    const nums = values.map(Number);
    return t(locale, 'gcard.label.range', { name, min: Math.min(...nums), max: Math.max(...nums) });
  }
  return t(locale, 'gcard.label.count', { name, count: values.length });
}

export interface GroupCounts {
  firing: number;
  resolved: number;
  acknowledged: number;
  silenced: number;
}

export function countAlerts(alerts: readonly GroupAlertView[], now: Date): GroupCounts {
  const c: GroupCounts = { firing: 0, resolved: 0, acknowledged: 0, silenced: 0 };
  for (const a of alerts) {
    if (a.status === 'resolved') c.resolved++;
    else c.firing++;
    if (a.status === 'firing' && a.claimedBy) c.acknowledged++;
    if (a.status === 'firing' && a.silencedUntil && a.silencedUntil > now) c.silenced++;
  }
  return c;
}

const SEVERITY_RANK: Record<string, number> = { critical: 0, warning: 1, info: 3 };
/** The most severe severity among the firing alerts (all alerts once resolved). */
export function worstSeverity(alerts: readonly GroupAlertView[]): string {
  const pool = alerts.some((a) => a.status === 'firing') ? alerts.filter((a) => a.status === 'firing') : alerts;
  let best = '';
  for (const a of pool) if (!best || (SEVERITY_RANK[a.severity.toLowerCase()] ?? 2) < (SEVERITY_RANK[best.toLowerCase()] ?? 2)) best = a.severity;
  return best;
}
