import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { createMetrics } from '../../src/core/metrics';
import { extractMetricNames, validatePromql } from '../../src/rules/promql';
import { planSelfRules, selfRules, type StoredRule } from '../../scripts/self-rules/plan';
import { assertToolOk, promtoolCheckRules, promtoolTestRules } from '../support/prom-tools';

const DASHBOARD = 'deploy/grafana/promduty-dashboard.json';
const RULES = 'deploy/promduty-rules.yml';

/** Every series name /metrics can carry: each metric, and a histogram's _bucket/_count/_sum. */
function exposedNames(): Set<string> {
  const names = new Set<string>();
  for (const m of createMetrics().registry.getMetricsAsArray()) {
    const { name, type } = m as unknown as { name: string; type: string };
    names.add(name);
    if (type === 'histogram') for (const s of ['_bucket', '_count', '_sum']) names.add(name + s);
    if (type === 'summary') for (const s of ['_count', '_sum']) names.add(name + s);
  }
  return names;
}
const EXPOSED = exposedNames();
/** Not promduty's: Prometheus' own series for every scraped target. */
const PROMETHEUS_OWN = ['up'];

function assertKnownMetrics(expr: string, where: string): void {
  for (const name of extractMetricNames(expr)) {
    assert.ok(EXPOSED.has(name) || PROMETHEUS_OWN.includes(name), `${where}: ${name} is not a metric promduty exposes`);
  }
}

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  datasource?: { type: string; uid: string };
  targets?: { refId: string; expr: string; datasource?: { uid: string } }[];
}

describe('the Grafana dashboard (deploy/grafana/promduty-dashboard.json)', () => {
  const dash = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
    uid: string;
    title: string;
    schemaVersion: number;
    templating: { list: { name: string; type: string }[] };
    panels: Panel[];
  };
  const vars = dash.templating.list.map((v) => v.name);
  const graphs = dash.panels.filter((p) => p.type !== 'row');
  /** A Grafana query as Prometheus gets it: template variables replaced by plausible values. */
  const substituted = (expr: string): string => {
    let out = expr.replace(/\$__(rate_interval|interval|range)\b/g, '5m');
    for (const [name, value] of [['instance', '.*'], ['job', 'promduty']] as const) out = out.replaceAll(`$${name}`, value);
    assert.doesNotMatch(out, /\$/, `an unknown variable in ${expr}`);
    return out;
  };

  test('is a dashboard Grafana imports: schema version, uid, a data source variable, unique panel ids on a 24-column grid', () => {
    assert.ok(Number.isInteger(dash.schemaVersion) && dash.schemaVersion >= 36, `schemaVersion ${dash.schemaVersion}`);
    assert.match(dash.uid, /^[\w-]{1,40}$/);
    assert.deepEqual(vars, ['datasource', 'job', 'instance']);
    assert.equal(dash.templating.list[0]!.type, 'datasource');
    assert.equal(new Set(dash.panels.map((p) => p.id)).size, dash.panels.length);
    for (const p of dash.panels) assert.ok(p.gridPos.x >= 0 && p.gridPos.x + p.gridPos.w <= 24, `${p.title} fits the grid`);
    assert.ok(graphs.length >= 20);
  });

  test("every panel queries the chosen data source with PromQL promduty's own checker accepts", () => {
    for (const p of graphs) {
      assert.equal(p.datasource?.uid, '${datasource}', p.title);
      assert.ok(p.targets?.length, `${p.title} has queries`);
      for (const t of p.targets) {
        const expr = substituted(t.expr);
        const r = validatePromql(expr, { forRule: true });
        assert.ok(r.valid, `${p.title}: ${expr}: ${r.error}`);
        assertKnownMetrics(expr, p.title);
      }
    }
  });

  test('covers what the issue asks to watch', () => {
    const used = new Set(graphs.flatMap((p) => p.targets!.flatMap((t) => extractMetricNames(substituted(t.expr)))));
    for (const m of [
      'promduty_http_request_duration_seconds_bucket',
      'promduty_alerts_received_total',
      'promduty_alert_events_processed_total',
      'promduty_queue_jobs',
      'promduty_jobs_processed_total',
      'promduty_feishu_requests_total',
      'promduty_alert_notifications_total',
      'promduty_escalation_lateness_seconds_bucket',
      'promduty_alert_dead_letters',
      'promduty_alert_dead_letters_total',
      'promduty_config_publish_total',
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_p99_seconds',
    ])
      assert.ok(used.has(m), `no panel shows ${m}`);
  });

  test('the check can fail: an unknown metric or a broken query is caught', () => {
    assert.throws(() => assertKnownMetrics('rate(promduty_process_cpu_seconds_total[5m])', 'x'), /not a metric promduty exposes/);
    assert.equal(validatePromql(substituted('sum by (le) (rate(promduty_queue_jobs[$__rate_interval])'), { forRule: true }).valid, false);
  });
});

describe('alert rules for promduty itself (deploy/promduty-rules.yml)', () => {
  const text = readFileSync(RULES, 'utf8');
  const rules = (yaml.load(text) as { groups: { rules: { alert: string; expr: string }[] }[] }).groups.flatMap((g) => g.rules);

  test('promtool accepts the file', () => {
    assertToolOk(promtoolCheckRules(text));
  });

  test("every expression passes promduty's own checker and uses metrics promduty exposes", () => {
    for (const r of rules) {
      const v = validatePromql(r.expr, { forRule: true });
      assert.ok(v.valid, `${r.alert}: ${v.error}`);
      assertKnownMetrics(r.expr, r.alert);
    }
    const names = rules.map((r) => r.alert);
    for (const n of ['PromdutyDown', 'PromdutyNotReady', 'PromdutyQueueBacklog', 'PromdutyDeadLetters', 'PromdutyFeishuErrors', 'PromdutyPublishFailing'])
      assert.ok(names.includes(n), n);
  });

  test('they fire when they should (promtool test rules)', () => {
    const series = (s: string, values: string) => ({ series: s, values });
    const testFile = {
      rule_files: ['rules.yml'],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: [
            series('up{job="promduty",instance="a:8080"}', '1 0 0 0 0'),
            series('promduty_ready{job="promduty",instance="b:8080"}', '1 0 0 0 0'),
            series('promduty_config_publish_total{job="promduty",instance="b:8080",kind="prometheus",outcome="failed"}', '0 0 1 1 1'),
            series('promduty_queue_jobs{job="promduty",instance="b:8080",queue="alerts",state="waiting"}', '10x20'),
          ],
          alert_rule_test: [
            { eval_time: '4m', alertname: 'PromdutyDown', exp_alerts: [{ exp_labels: { severity: 'critical', job: 'promduty', instance: 'a:8080' }, exp_annotations: annotations('PromdutyDown', { instance: 'a:8080' }) }] },
            { eval_time: '4m', alertname: 'PromdutyNotReady', exp_alerts: [{ exp_labels: { severity: 'critical', job: 'promduty', instance: 'b:8080' }, exp_annotations: annotations('PromdutyNotReady', { instance: 'b:8080' }) }] },
            { eval_time: '4m', alertname: 'PromdutyPublishFailing', exp_alerts: [{ exp_labels: { severity: 'warning', kind: 'prometheus' }, exp_annotations: annotations('PromdutyPublishFailing', { kind: 'prometheus' }) }] },
            { eval_time: '4m', alertname: 'PromdutyQueueBacklog', exp_alerts: [] },
          ],
        },
      ],
    };
    assertToolOk(promtoolTestRules(text, JSON.stringify(testFile)));
  });

  /** The rule's annotations with {{ $labels.x }} filled in, as promtool expects them. */
  function annotations(alert: string, labels: Record<string, string>): Record<string, string> {
    const raw = (yaml.load(text) as { groups: { rules: { alert: string; annotations: Record<string, string> }[] }[] }).groups[0]!.rules.find((r) => r.alert === alert)!.annotations;
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v.replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, l: string) => labels[l] ?? '')]));
  }
});

describe('loading them into a promduty pool (npm run self-rules)', () => {
  const wanted = selfRules(readFileSync(RULES, 'utf8'), { poolId: 3, sendGroupId: 7, job: 'promduty-api' });

  test('each becomes a promduty alert rule: severity from its label, the job renamed, annotations kept', () => {
    const down = wanted.find((r) => r.name === 'PromdutyDown')!;
    assert.deepEqual(
      { ...down, annotations: Object.keys(down.annotations) },
      { poolId: 3, sendGroupId: 7, name: 'PromdutyDown', expr: 'up{job="promduty-api"} == 0', for: '2m', severity: 'critical', labels: {}, annotations: ['summary', 'description'] },
    );
    assert.ok(wanted.every((r) => !('severity' in r.labels)), 'promduty sets the severity label itself');
    assert.equal(wanted.find((r) => r.name === 'PromdutyJobsFailing')!.for, null);
  });

  test('a second run changes nothing; an edited rule is set back; other rules are left alone', () => {
    const stored: StoredRule[] = wanted.map((r, i) => ({ ...r, id: i + 1, labels: { ...r.labels } }));
    assert.deepEqual(planSelfRules(wanted, []).create.length, wanted.length);
    const again = planSelfRules(wanted, [...stored, { ...wanted[0]!, id: 99, name: 'MyOwnRule' }]);
    assert.deepEqual([again.create, again.update, again.unchanged.length], [[], [], wanted.length]);
    stored[1] = { ...stored[1]!, expr: 'vector(1)', severity: 'info' };
    const edited = planSelfRules(wanted, stored);
    assert.deepEqual(edited.update, [{ id: 2, name: wanted[1]!.name, patch: { expr: wanted[1]!.expr, severity: wanted[1]!.severity } }]);
  });
});
