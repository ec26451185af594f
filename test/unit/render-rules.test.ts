import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import fc from 'fast-check';
import yaml from 'js-yaml';
import type { AlertRuleSpec, RecordRuleSpec } from '../../src/rules/model';
import { placeRules } from '../../src/rules/placement';
import { renderPoolRuleFiles } from '../../src/rules/pool-rule-files';
import { renderAlertRules, renderRecordRules } from '../../src/rules/render-rules';
import { assertGolden } from '../support/golden';
import { assertToolOk, promtoolCheckRules, promtoolTestRules } from '../support/prom-tools';

const TRICKY = [
  'say "hi": it\'s {{ $labels.instance }} at 50%',
  'line one\nline two: "quoted"\n  indented # not a comment',
  '磁盘使用率超过 90%：请处理',
  ' leading and trailing ',
  'yes',
  '- looks: like [yaml] {flow}',
  '\ttab, \r carriage return, \u0085 NEL, \u2028 LS',
  'ends with newline\n',
];

function alert(over: Partial<AlertRuleSpec> & { id: number }): AlertRuleSpec {
  return {
    poolId: 1,
    sendGroupId: 2,
    treeNodeId: null,
    name: `Rule${over.id}`,
    expr: 'up == 0',
    for: '5m',
    severity: 'warning',
    labels: {},
    annotations: {},
    grafanaUrl: null,
    enabled: true,
    ...over,
  };
}

const record = (over: Partial<RecordRuleSpec> & { id: number }): RecordRuleSpec => ({
  poolId: 1,
  record: `job:rule${over.id}:sum`,
  expr: 'sum by (job) (up)',
  labels: {},
  enabled: true,
  ...over,
});

const ALERTS: AlertRuleSpec[] = [
  alert({
    id: 150,
    name: 'HostDown 主机宕机',
    expr: 'sum by (instance) (\n  up{job="node"}\n) == 0',
    severity: 'critical',
    treeNodeId: 7,
    treePath: '/infra/db/mysql',
    grafanaUrl: 'https://grafana.example.com/d/abc?var-host={{ $labels.instance }}&from=now-1h',
    labels: { team: 'dba: core', severity: 'info', send_group: '999', rule_id: 'x' },
    annotations: { summary: TRICKY[0]!, runbook: TRICKY[1]! },
  }),
  alert({ id: 3, enabled: false, name: 'Disabled' }),
  alert({ id: 1, for: null, annotations: { description_value: 'custom {{ $value | humanize }}', zh_note: '说明' }, labels: { env: 'prod' } }),
  alert({ id: 2, severity: 'info', annotations: { note: TRICKY[2]! } }),
];

const RECORDS: RecordRuleSpec[] = [
  record({ id: 12, labels: { env: 'prod', quote: TRICKY[0]! } }),
  record({ id: 5, expr: 'sum by (job) (\n  rate(http_requests_total[5m])\n)' }),
  record({ id: 6, enabled: false }),
];

/**
 * A promtool unit-test file as ASCII-only JSON (JSON is YAML too), so the expectations reach
 * Prometheus through neither our emitter nor any raw character YAML might fold.
 */
const asciiJson = (v: unknown): string =>
  JSON.stringify(v).replace(/[^\x00-\x7e]/gu, (c) => {
    const cp = c.codePointAt(0)!;
    return cp > 0xffff ? `\\U${cp.toString(16).padStart(8, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
  });

interface RuleFile {
  groups: { name: string; rules: Record<string, any>[] }[];
}
const parse = (text: string): RuleFile => yaml.load(text) as RuleFile;

describe('alert rule files', () => {
  const text = renderAlertRules(ALERTS);

  test('match the golden file and pass promtool check rules', () => {
    assertGolden('rules/alerts.yml', text);
    const r = promtoolCheckRules(text);
    assertToolOk(r);
    assert.match(r.output, /SUCCESS: 3 rules found/);
  });

  test('a broken rule is refused by promtool (the check above can fail)', () => {
    const r = promtoolCheckRules(renderAlertRules([alert({ id: 1, labels: { 'bad-name': 'x' } })]));
    assert.notEqual(r.status, 0);
  });

  test('parse back to the rules as given, with promduty labels and annotations', () => {
    const { groups } = parse(text);
    assert.deepEqual(
      groups.map((g) => [g.name, g.rules.map((r) => r.labels.rule_id)]),
      [
        ['promduty-alerts-1-ids-0-99', ['1', '2']],
        ['promduty-alerts-1-ids-100-199', ['150']],
      ],
    );
    const [first, second] = groups[0]!.rules;
    assert.deepEqual(first, {
      alert: 'Rule1',
      expr: 'up == 0',
      labels: { env: 'prod', rule_id: '1', send_group: '2', severity: 'warning' },
      annotations: { description_value: 'custom {{ $value | humanize }}', zh_note: '说明' },
    });
    assert.deepEqual(second!.annotations, { description_value: '{{ $value }}', note: TRICKY[2] });
    assert.equal(second!.for, '5m');
    assert.deepEqual(groups[1]!.rules[0], {
      alert: 'HostDown 主机宕机',
      expr: ALERTS[0]!.expr,
      for: '5m',
      // The rule's own fields beat user labels of the same name.
      labels: { rule_id: '150', send_group: '2', severity: 'critical', team: 'dba: core' },
      annotations: {
        description_value: '{{ $value }}',
        grafana_url: ALERTS[0]!.grafanaUrl,
        runbook: TRICKY[1],
        summary: TRICKY[0],
        tree_path: '/infra/db/mysql',
      },
    });
  });

  test('output does not depend on input order', () => {
    assert.equal(renderAlertRules([...ALERTS].reverse()), text);
  });

  test('adding a rule leaves every other rule in its group', () => {
    const groupOf = (t: string) => new Map(parse(t).groups.flatMap((g) => g.rules.map((r) => [r.labels.rule_id, g.name] as const)));
    const before = groupOf(text);
    const after = groupOf(renderAlertRules([alert({ id: 99 }), ...ALERTS]));
    for (const [id, group] of before) assert.equal(after.get(id), group);
    assert.equal(after.get('99'), 'promduty-alerts-1-ids-0-99');
  });

  test('idsPerGroup sets the id range of a group and must be positive', () => {
    const names = parse(renderAlertRules(ALERTS, { idsPerGroup: 2 })).groups.map((g) => g.name);
    assert.deepEqual(names, ['promduty-alerts-1-ids-0-1', 'promduty-alerts-1-ids-2-3', 'promduty-alerts-1-ids-150-151']);
    assert.throws(() => renderAlertRules(ALERTS, { idsPerGroup: 0 }), { code: 'validation_failed' });
  });

  test('no enabled rules give an empty file promtool accepts', () => {
    const empty = renderAlertRules([alert({ id: 1, enabled: false })]);
    assert.deepEqual(parse(empty), { groups: [] });
    assertToolOk(promtoolCheckRules(empty));
  });
});

describe('record rule files', () => {
  const text = renderRecordRules(RECORDS);

  test('match the golden file, pass promtool, and parse back', () => {
    assertGolden('rules/records.yml', text);
    assertToolOk(promtoolCheckRules(text));
    assert.deepEqual(parse(text), {
      groups: [
        {
          name: 'promduty-records-1-ids-0-99',
          rules: [
            { record: 'job:rule5:sum', expr: RECORDS[1]!.expr },
            { record: 'job:rule12:sum', expr: 'sum by (job) (up)', labels: { env: 'prod', quote: TRICKY[0] } },
          ],
        },
      ],
    });
  });
});

/**
 * Prometheus itself (Go's YAML parser and template expansion) reads the text back: every
 * tricky string, and a batch of random ones, come out of a firing alert unchanged.
 */
describe('text survives Prometheus', () => {
  const noTemplate = (s: string) => !s.includes('{{') && !s.includes('}}');
  const seed = Date.now();
  const random = fc.sample(fc.string({ unit: fc.oneof(fc.constantFrom('\n', ' ', ':', '"', "'", '#'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), minLength: 1, maxLength: 30 }).filter(noTemplate), { numRuns: 60, seed });

  test(`labels, annotations and alert names round-trip through promtool test rules (seed ${seed})`, () => {
    const texts = [...TRICKY.filter(noTemplate), ...random];
    const rules = texts.map((s, i) => alert({ id: i + 1, name: `${TRICKY[2]} ${i}: "x"`, expr: 'up == 0', for: null, labels: { v: s }, annotations: { v: s } }));
    const series = { instance: 'h1:9100', job: 'node' };
    const testFile = {
      rule_files: ['rules.yml'],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: [{ series: 'up{instance="h1:9100",job="node"}', values: '0x5' }],
          alert_rule_test: rules.map((r) => ({
            eval_time: '2m',
            alertname: r.name,
            exp_alerts: [
              {
                exp_labels: { ...series, v: r.labels.v, rule_id: String(r.id), send_group: '2', severity: 'warning' },
                exp_annotations: { v: r.annotations.v, description_value: '0' },
              },
            ],
          })),
        },
      ],
    };
    assertToolOk(promtoolTestRules(renderAlertRules(rules), asciiJson(testFile)));
  });

  test('templates in annotations expand as Prometheus templates', () => {
    const rules = [alert({ id: 1, for: null, annotations: { summary: TRICKY[0]! }, labels: { where: '{{ $labels.job }}/x' } })];
    const testFile = {
      rule_files: ['rules.yml'],
      tests: [
        {
          input_series: [{ series: 'up{instance="h1:9100",job="node"}', values: '0x5' }],
          alert_rule_test: [
            {
              eval_time: '2m',
              alertname: 'Rule1',
              exp_alerts: [
                {
                  exp_labels: { instance: 'h1:9100', job: 'node', where: 'node/x', rule_id: '1', send_group: '2', severity: 'warning' },
                  exp_annotations: { summary: 'say "hi": it\'s h1:9100 at 50%', description_value: '0' },
                },
              ],
            },
          ],
        },
      ],
    };
    assertToolOk(promtoolTestRules(renderAlertRules(rules), asciiJson(testFile)));
  });
});

test('5,000 rules, 4 instances: placement and all files render fast (printed, not asserted)', (t) => {
  const alertRules = Array.from({ length: 5000 }, (_, i) =>
    alert({
      id: i + 1,
      name: `HighCPU${i}`,
      expr: `sum by (instance) (rate(node_cpu_seconds_total{mode!="idle",job="node${i % 50}"}[5m])) > 0.9`,
      labels: { team: `team${i % 7}` },
      annotations: { summary: 'CPU high on {{ $labels.instance }}', description: 'Usage is {{ $value | humanizePercentage }}' },
    }),
  );
  const instances = ['10.0.0.1:9090', '10.0.0.2:9090', '10.0.0.3:9090', '10.0.0.4:9090'].map((address) => ({ address, healthy: true }));
  const rules = { alertRules, recordRules: [] };
  // Wall time counts waiting for a busy CPU too; process CPU time shows the work itself.
  const measure = (run: () => void) => {
    const runs = Array.from({ length: 5 }, () => {
      const cpu = process.cpuUsage();
      const start = performance.now();
      run();
      const used = process.cpuUsage(cpu);
      return { wall: performance.now() - start, cpu: (used.user + used.system) / 1000 };
    });
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[2]!.toFixed(1);
    return `wall median ${median(runs.map((r) => r.wall))} ms, cpu median ${median(runs.map((r) => r.cpu))} ms`;
  };
  let files = renderPoolRuleFiles(instances, rules);
  const placement = measure(() => placeRules(instances, rules));
  const all = measure(() => (files = renderPoolRuleFiles(instances, rules)));
  t.diagnostic(`5,000 rules / 4 instances — placement alone: ${placement}; placement + 4 files: ${all} (budget 200 ms; load average ${os.loadavg()[0]!.toFixed(1)})`);
  const total = [...files.values()].reduce((n, f) => n + parse(f.rules).groups.reduce((m, g) => m + g.rules.length, 0), 0);
  assert.equal(total, 5000);
  assertToolOk(promtoolCheckRules(files.get('10.0.0.1:9090')!.rules));
});
