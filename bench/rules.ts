import { validatePromql } from '../src/rules/promql';
import { renderPoolRuleFiles } from '../src/rules/pool-rule-files';
import type { AlertRuleSpec } from '../src/rules/model';
import { renderPool } from '../src/publish/render-pool';
import { median, timeRuns, type Figure } from './stats';

const EXPRS = [
  'up == 0',
  'rate(http_requests_total{job="api",code=~"5.."}[5m]) > 10',
  'sum by (job) (rate(node_cpu_seconds_total{mode!="idle"}[1m])) / count by (job) (node_cpu_seconds_total{mode="idle"}) > 0.9',
  'histogram_quantile(0.99, sum by (le, service) (rate(http_request_duration_seconds_bucket[5m]))) > 0.5',
  'node_filesystem_avail_bytes{fstype!="tmpfs"} / node_filesystem_size_bytes < 0.1',
  'absent(up{job="prometheus"})',
  'increase(kube_pod_container_status_restarts_total[1h]) > 5',
  'avg_over_time(probe_success[10m]) < 0.8 and on(instance) up == 1',
];

export async function rulesBench(): Promise<Figure[]> {
  const exprs = Array.from({ length: 1000 }, (_, i) => `${EXPRS[i % EXPRS.length]!} + ${i} * 0`);
  const validate = median(await timeRuns(() => exprs.forEach((e) => validatePromql(e, { forRule: true })), 7));

  const rules: AlertRuleSpec[] = Array.from({ length: 5000 }, (_, i) => ({
    id: i + 1,
    poolId: 1,
    sendGroupId: 1 + (i % 7),
    treeNodeId: null,
    treePath: `/svc/team-${i % 40}`,
    name: `Rule${i}`,
    expr: EXPRS[i % EXPRS.length]!,
    for: '5m',
    severity: (['critical', 'warning', 'info'] as const)[i % 3]!,
    labels: { team: `t${i % 40}` },
    annotations: { summary: `{{ $labels.instance }} rule ${i} "quoted" 中文` },
    grafanaUrl: null,
    enabled: true,
  }));
  const instances = [1, 2, 3, 4].map((i) => ({ address: `127.0.0.1:${9090 + i}`, healthy: true }));
  const render = median(await timeRuns(() => renderPoolRuleFiles(instances, { alertRules: rules, recordRules: [] }), 7));
  // Issue 14: every file of 4 Prometheus evaluators, each rule on 2 of them (10,000 placements).
  const evaluators = instances.map((i, k) => ({ id: k + 1, ...i }));
  const pool = {
    id: 1,
    name: 'eval',
    role: 'evaluate' as const,
    ruleEngine: 'prometheus' as const,
    ruleReplicas: 2,
    datasourceUrl: null,
    scrapeInterval: '30s',
    scrapeTimeout: '10s',
    evaluationInterval: '30s',
    externalLabels: {},
    remoteWrite: [{ url: 'http://store:9090/api/v1/write' }],
    remoteRead: [{ url: 'http://store:9090/api/v1/read' }],
    sharding: 'hashmod' as const,
    alertRulesEnabled: true,
    recordRulesEnabled: true,
  };
  const snapshot = { pool, instances: evaluators, jobs: [], alertmanagers: ['127.0.0.1:9093'], alertRules: rules, recordRules: [] };
  const replicated = median(await timeRuns(() => renderPool(snapshot, { publicUrl: 'http://promduty', sdToken: 't' }), 7));
  return [
    { issue: 14, name: 'place + render 5,000 rules with ruleReplicas 2 over 4 evaluators (all their files)', value: replicated, unit: 'ms', goal: { op: '<=', value: 200 } },
    { issue: 4, name: 'validate 1,000 PromQL expressions', value: validate, unit: 'ms', goal: { op: '<=', value: 200 } },
    { issue: 4, name: 'place + render 5,000 alert rules for a pool of 4 instances', value: render, unit: 'ms', goal: { op: '<=', value: 200 } },
  ];
}
