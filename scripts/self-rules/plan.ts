import { join } from 'node:path';
import yaml from 'js-yaml';
import { SEVERITIES } from '../../src/rules/alert-rule-schema';
import type { AlertRuleSpec, Severity } from '../../src/rules/model';

/** deploy/promduty-rules.yml: promduty's own health rules, in Prometheus' rule file format. */
export const SELF_RULES_FILE = join(__dirname, '..', '..', 'deploy', 'promduty-rules.yml');

interface PrometheusAlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** An alert rule as promduty's API takes it (POST /api/v1/alert-rules). */
export type SelfRule = Pick<AlertRuleSpec, 'poolId' | 'sendGroupId' | 'name' | 'expr' | 'for' | 'severity' | 'labels' | 'annotations'>;

/** The stored rule, as GET /api/v1/alert-rules lists it (the fields compared here). */
export type StoredRule = SelfRule & { id: number };

/**
 * The rule file's alert rules as promduty rules of one pool and send group. The `severity`
 * label becomes promduty's severity field (promduty sets that label itself); `job="promduty"`
 * becomes the job name that pool scrapes promduty as.
 */
export function selfRules(ruleFile: string, o: { poolId: number; sendGroupId: number; job: string }): SelfRule[] {
  const doc = yaml.load(ruleFile) as { groups: { rules: PrometheusAlertRule[] }[] };
  return doc.groups.flatMap((g) =>
    g.rules.map((r) => {
      const { severity, ...labels } = r.labels ?? {};
      return {
        poolId: o.poolId,
        sendGroupId: o.sendGroupId,
        name: r.alert,
        expr: r.expr.trim().replaceAll('job="promduty"', `job=${JSON.stringify(o.job)}`),
        for: r.for ?? null,
        severity: SEVERITIES.includes(severity as Severity) ? (severity as Severity) : 'warning',
        labels,
        annotations: r.annotations ?? {},
      };
    }),
  );
}

const FIELDS = ['sendGroupId', 'expr', 'for', 'severity', 'labels', 'annotations'] as const;
const same = (a: unknown, b: unknown): boolean => JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
const sortKeys = (v: unknown): unknown =>
  v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v;

export interface SelfRulesPlan {
  create: SelfRule[];
  update: { id: number; name: string; patch: Partial<SelfRule> }[];
  unchanged: string[];
}

/**
 * What to do so the pool holds each rule exactly once, matched by name: create the missing,
 * patch the ones that differ (someone edited them, or the file changed), leave the rest.
 * Rules of other names are not touched.
 */
export function planSelfRules(wanted: SelfRule[], stored: StoredRule[]): SelfRulesPlan {
  const plan: SelfRulesPlan = { create: [], update: [], unchanged: [] };
  for (const w of wanted) {
    const s = stored.find((r) => r.name === w.name);
    if (!s) {
      plan.create.push(w);
      continue;
    }
    const patch = Object.fromEntries(FIELDS.filter((f) => !same(w[f], s[f])).map((f) => [f, w[f]])) as Partial<SelfRule>;
    if (Object.keys(patch).length) plan.update.push({ id: s.id, name: w.name, patch });
    else plan.unchanged.push(w.name);
  }
  return plan;
}
