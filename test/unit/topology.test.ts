import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import yaml from 'js-yaml';
const parse = (text: string): any => yaml.load(text);
import { placeRules, type PoolInstance } from '../../src/rules/placement';
import { rendezvousPick, rendezvousTop } from '../../src/core/hashing';
import { renderPool, type PoolSnapshot } from '../../src/publish/render-pool';
import { renderPoolRuleFiles } from '../../src/rules/pool-rule-files';
import { renderAlertRules } from '../../src/rules/render-rules';
import { poolTopologyView, rulePlacementView } from '../../src/publish/topology-view';
import { topologyProblems, vmalertFlags, type TopologyFields } from '../../src/scrape/topology';
import type { PoolSpec } from '../../src/scrape/model';
import type { AlertRuleSpec } from '../../src/rules/model';
import { instances, jobs, pool } from './scrape-fixtures';

const fields = (over: Partial<TopologyFields> = {}): TopologyFields => ({
  role: 'evaluate',
  ruleEngine: 'vmalert',
  ruleReplicas: 1,
  instances: ['a:8880', 'b:8880'],
  remoteRead: [],
  datasourceUrl: 'http://vm:8428',
  ...over,
});

describe('topology: configurations where a rule would see part of its data are refused', () => {
  test('the sound ones pass', () => {
    assert.deepEqual(topologyProblems(fields()), []);
    assert.deepEqual(topologyProblems(fields({ ruleEngine: 'prometheus', datasourceUrl: null, remoteRead: [{ url: 'http://store:9090/api/v1/read' }], ruleReplicas: 2 })), []);
    assert.deepEqual(topologyProblems(fields({ role: 'scrape', ruleEngine: 'prometheus', datasourceUrl: null })), []);
    assert.deepEqual(topologyProblems(fields({ role: 'both', ruleEngine: 'prometheus', instances: ['a:9090'] })), []);
    // Prometheus' own default (filter by this pool's external labels) reads back no series of its own.
    assert.deepEqual(topologyProblems(fields({ role: 'both', ruleEngine: 'prometheus', instances: ['a:9090'], remoteRead: [{ url: 'http://s/api/v1/read' }] })), []);
  });

  const refused: Array<[string, Partial<TopologyFields>, string, RegExp]> = [
    ['vmalert without a store', { datasourceUrl: null }, 'datasourceUrl', /no data.*Fix: set datasourceUrl/],
    ['a Prometheus evaluator without remote_read', { ruleEngine: 'prometheus' }, 'remoteRead', /see no data.*Fix: add remoteRead/],
    ['remote_read that filters by the evaluator’s labels', { ruleEngine: 'prometheus', remoteRead: [{ url: 'http://s/api/v1/read', filterExternalLabels: true }] }, 'remoteRead[0].filterExternalLabels', /Fix: set filterExternalLabels false/],
    ['remote_read without recent data', { ruleEngine: 'prometheus', remoteRead: [{ url: 'http://s/api/v1/read', readRecent: false }] }, 'remoteRead[0].readRecent', /go silent.*Fix: set readRecent true/],
    ['vmalert asked to scrape', { role: 'both' }, 'ruleEngine', /does not scrape.*Fix: set role "evaluate"/],
    ['a scraping pool reading its own series back from the store', { role: 'both', ruleEngine: 'prometheus', instances: ['a:9090'], remoteRead: [{ url: 'http://s/api/v1/read', filterExternalLabels: false }] }, 'remoteRead[0].filterExternalLabels', /double.*Fix: leave filterExternalLabels out/],
    ['replicas on a scraping pool', { role: 'both', ruleEngine: 'prometheus', ruleReplicas: 2 }, 'ruleReplicas', /Fix: set role "evaluate", or ruleReplicas 1/],
  ];
  for (const [what, over, path, message] of refused)
    test(what, () => {
      const problems = topologyProblems(fields(over));
      assert.equal(problems.length, 1, JSON.stringify(problems));
      assert.equal(problems[0]!.path, path);
      assert.match(problems[0]!.message, message);
    });
});

const healthy = (addresses: readonly string[]): PoolInstance[] => addresses.map((address) => ({ address, healthy: true }));
const address = fc.integer({ min: 1, max: 254 }).map((h) => `10.0.0.${h}:8880`);

describe('rule placement with ruleReplicas 2', () => {
  const holders = (nodes: PoolInstance[], ids: number[]) => {
    const out = new Map<number, string[]>();
    for (const [addr, share] of placeRules(nodes, { alertRules: ids.map((id) => ({ id })), recordRules: [] }, 2))
      for (const r of share.alertRules) out.set(r.id, [...(out.get(r.id) ?? []), addr]);
    return out;
  };

  test('the first of the top two is the one rendezvous pick: replicas 1 and 2 agree on the primary', () => {
    fc.assert(
      fc.property(fc.uniqueArray(address, { minLength: 1, maxLength: 8 }), fc.string(), (addrs, key) => {
        const top = rendezvousTop(key, addrs, 2);
        assert.equal(top[0], rendezvousPick(key, addrs));
        assert.deepEqual(rendezvousTop(key, addrs, 1), [top[0]]);
      }),
    );
  });

  test('each rule runs on two distinct evaluators (all of them when there are fewer)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(address, { minLength: 1, maxLength: 6 }), fc.uniqueArray(fc.integer({ min: 1, max: 1e6 }), { maxLength: 100 }), (addrs, ids) => {
        const placed = holders(healthy(addrs), ids);
        for (const id of ids) {
          const on = placed.get(id)!;
          assert.equal(on.length, Math.min(2, addrs.length));
          assert.equal(new Set(on).size, on.length);
        }
      }),
    );
  });

  test('an evaluator leaving moves only its own rules, and each keeps its surviving replica', () => {
    fc.assert(
      fc.property(fc.uniqueArray(address, { minLength: 3, maxLength: 6 }), fc.uniqueArray(fc.integer({ min: 1, max: 1e6 }), { maxLength: 100 }), (addrs, ids) => {
        const before = holders(healthy(addrs), ids);
        const gone = addrs[0]!;
        const after = holders(healthy(addrs.slice(1)), ids);
        for (const id of ids) {
          const was = before.get(id)!;
          const now = after.get(id)!;
          if (!was.includes(gone)) assert.deepEqual(now, was, `rule ${id} moved though ${gone} did not hold it`);
          else for (const kept of was.filter((a) => a !== gone)) assert.ok(now.includes(kept));
        }
      }),
    );
  });
});

const rule = (id: number): AlertRuleSpec => ({
  id,
  name: `R${id}`,
  expr: 'sum(up) < 12',
  for: null,
  severity: 'warning',
  labels: {},
  annotations: {},
  enabled: true,
  sendGroupId: 1,
  poolId: 1,
}) as unknown as AlertRuleSpec;

const snapshot = (p: Partial<PoolSpec>): PoolSnapshot => ({
  pool: { ...pool, ...p },
  instances,
  jobs,
  alertmanagers: ['127.0.0.1:9093'],
  alertRules: [rule(1), rule(2), rule(3)],
  recordRules: [],
});
const ctx = { publicUrl: 'http://promduty', sdToken: 't' };
const fileOf = (files: { path: string; content: string }[], path: string) => files.find((f) => f.path === path)?.content;

describe('rendering by role and engine', () => {
  test('a rule on two evaluators is emitted once, and each file is what rendering its share alone gives', () => {
    const rules = Array.from({ length: 250 }, (_, i) => ({ ...rule(i + 1), expr: i % 2 ? 'sum(up)\n  < 12' : 'up == 0', annotations: { summary: `it's "${i}"\nnext` } }));
    const nodes = ['a:1', 'b:1', 'c:1'].map((address) => ({ address, healthy: true }));
    const files = renderPoolRuleFiles(nodes, { alertRules: rules, recordRules: [] }, { replicas: 2 });
    for (const [address, share] of placeRules(nodes, { alertRules: rules, recordRules: [] }, 2))
      assert.equal(files.get(address)!.rules, renderAlertRules(share.alertRules));
  });

  test('a Prometheus evaluator: remote_read with read_recent and without the label filter, no scrape jobs, no shard label', () => {
    for (const out of renderPool(snapshot({ role: 'evaluate', ruleReplicas: 2 }), ctx)) {
      const doc = parse(fileOf(out.files, 'prometheus.yml')!);
      assert.deepEqual(doc.scrape_configs, []);
      assert.equal(doc.global.external_labels.promduty_shard, undefined);
      assert.equal(doc.global.external_labels.promduty_pool, 'core-prod');
      assert.equal(doc.remote_read[0].read_recent, true);
      assert.equal(doc.remote_read[0].filter_external_labels, false);
      assert.deepEqual(doc.rule_files, ['rules.yml', 'records.yml']);
      // Two evaluators, two replicas: both evaluate all three rules.
      assert.equal(parse(fileOf(out.files, 'rules.yml')!).groups[0].rules.length, 3);
    }
  });

  test('a vmalert evaluator gets only its rule files; a scrape pool no rules', () => {
    for (const out of renderPool(snapshot({ role: 'evaluate', ruleEngine: 'vmalert', datasourceUrl: 'http://vm:8428' }), ctx)) {
      assert.deepEqual(out.files.map((f) => f.path), ['rules.yml', 'records.yml']);
      assert.equal(out.rulesOnly, true);
    }
    for (const out of renderPool(snapshot({ role: 'scrape' }), ctx)) {
      assert.deepEqual(out.files.filter((f) => f.path.endsWith('rules.yml') || f.path === 'records.yml'), []);
      const doc = parse(fileOf(out.files, 'prometheus.yml')!);
      assert.equal(doc.rule_files, undefined);
      assert.equal(doc.alerting, undefined);
      assert.ok(doc.scrape_configs.length > 0);
    }
  });

  test('vmalert flags point at the store, the Alertmanagers and the published rule directory', () => {
    const p = { ...pool, name: 'eval', role: 'evaluate' as const, ruleEngine: 'vmalert' as const, datasourceUrl: 'http://vm:8428/', remoteWrite: [], externalLabels: {} };
    assert.deepEqual(vmalertFlags(p, '10.0.0.5:8880', ['am2:9093', 'am1:9093'], '/etc/promduty/eval/10.0.0.5_8880'), [
      '-httpListenAddr=10.0.0.5:8880',
      '-rule=/etc/promduty/eval/10.0.0.5_8880/*.yml',
      '-datasource.url=http://vm:8428',
      '-remoteRead.url=http://vm:8428',
      '-remoteWrite.url=http://vm:8428',
      '-notifier.url=http://am1:9093',
      '-notifier.url=http://am2:9093',
      '-evaluationInterval=1m',
      '-external.label=promduty_pool=eval',
    ]);
    const view = poolTopologyView(p, instances, { alertRules: [{ id: 1 }], recordRules: [] }, ['am1:9093'], '/cfg');
    assert.equal(view.evaluators.reduce((n, e) => n + e.alertRules, 0), 1);
    assert.ok(view.evaluators.every((e) => e.vmalertFlags?.includes('-rule=/cfg/eval/' + e.address.replace(':', '_') + '/*.yml')));
  });

  test('a rule on a sharded pool says its data is partial; on an evaluate pool, complete', () => {
    const partial = rulePlacementView({ ...pool, role: 'both' }, instances, { kind: 'alert', id: 1, enabled: true });
    assert.equal(partial.data.complete, false);
    assert.match(partial.data.source, /partial/);
    const whole = rulePlacementView({ ...pool, role: 'evaluate', ruleEngine: 'vmalert', datasourceUrl: 'http://vm:8428', ruleReplicas: 2 }, instances, { kind: 'alert', id: 1, enabled: true });
    assert.deepEqual(whole, {
      pool: 'core-prod',
      role: 'evaluate',
      engine: 'vmalert',
      replicas: 2,
      evaluators: ['10.0.0.11:9090', '10.0.0.12:9090'],
      data: { complete: true, source: 'complete: vmalert queries the central store http://vm:8428', say: { key: 'ruleData.vmalert', params: { url: 'http://vm:8428' } } },
    });
  });
});
