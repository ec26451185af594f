import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import yaml from 'js-yaml';
import { AppError } from '../../src/core/errors';
import type { JobSpec, PoolSpec, RenderedFile } from '../../src/scrape/model';
import { renderPrometheusConfig } from '../../src/scrape/render-prometheus';
import { membersTag, portRelabels } from '../../src/scrape/scrape-config';
import { assertGolden } from '../support/golden';
import { CA_PEM, ctx, fileOf, instances, jobs, pool, promtoolCheckConfig } from './scrape-fixtures';
import { applyRelabels } from './scrape-relabel-sim';

interface Parsed {
  global: { external_labels: Record<string, string> };
  alerting?: unknown;
  rule_files?: string[];
  scrape_configs: {
    job_name: string;
    http_sd_configs?: { url: string }[];
    static_configs?: { targets: string[] }[];
    relabel_configs?: { action: string; regex?: string; modulus?: number }[];
  }[];
}
const parse = (files: RenderedFile[]): Parsed => yaml.load(fileOf(files, 'prometheus.yml')) as Parsed;
const jobNamed = (p: Parsed, name: string) => p.scrape_configs.find((j) => j.job_name === name)!;

let noted = false;
function assertPromtoolOk(files: RenderedFile[], ruleFiles?: string[]): void {
  const r = promtoolCheckConfig(files, ruleFiles);
  if (r.k8sSubstituted && !noted) {
    noted = true;
    console.log('  note: this promtool has no kubernetes_sd (Debian build); kubernetes_sd_configs were checked as http_sd with their credentials and TLS settings on the job');
  }
  assert.equal(r.status, 0, r.output);
}

const render = (p: PoolSpec = pool, inst = instances, js: JobSpec[] = jobs, c = ctx) =>
  Object.fromEntries(inst.map((i) => [i.id, renderPrometheusConfig(p, i, inst, js, c)]));

describe('renderPrometheusConfig', () => {
  for (const mode of ['hashmod', 'consistent'] as const) {
    test(`${mode}: golden prometheus.yml per instance, each accepted by promtool`, () => {
      const out = render({ ...pool, sharding: mode });
      for (const id of [1, 2]) {
        assertGolden(`scrape-prometheus-${mode}-instance${id}.yml`, fileOf(out[id]!, 'prometheus.yml'));
        assertPromtoolOk(out[id]!);
      }
    });
  }

  test('hashmod: shards follow instance ids, modulus = healthy count', () => {
    const out = render();
    for (const [id, index] of [[1, '0'], [2, '1']] as const) {
      const p = parse(out[id]!);
      assert.equal(p.global.external_labels.promduty_shard, index);
      for (const job of p.scrape_configs) {
        const [hash, keep] = job.relabel_configs!.slice(-2);
        assert.deepEqual([hash?.action, hash?.modulus, keep?.action, keep?.regex], ['hashmod', 2, 'keep', index], job.job_name);
      }
    }
  });

  test('consistent: promduty splits http_sd and static targets, kubernetes falls back to hashmod', () => {
    const out = render({ ...pool, sharding: 'consistent' });
    const [a, b] = [parse(out[1]!), parse(out[2]!)];
    const sdUrl = (files: RenderedFile[]) => jobNamed(parse(files), 'node').http_sd_configs![0]!.url;
    assert.equal(sdUrl(out[1]!), `https://promduty.example.com/api/v1/sd/jobs/10?instance=10.0.0.11%3A9090&members=${membersTag(['10.0.0.11:9090', '10.0.0.12:9090'])}`);
    // A membership change changes every member's URL, so publishing reloads the survivors too
    // and their http_sd asks for its new share at once instead of at the next refresh.
    const third = { id: 3, address: '10.0.0.13:9090', healthy: true };
    for (const members of [[...instances, third], instances.map((i) => ({ ...i, healthy: i.id === 1 }))]) {
      const after = render({ ...pool, sharding: 'consistent' }, members);
      assert.notEqual(sdUrl(after[1]!), sdUrl(out[1]!), `members ${members.filter((m) => m.healthy).map((m) => m.id).join(',')}`);
    }
    assert.equal(sdUrl(render({ ...pool, sharding: 'consistent' })[1]!), sdUrl(out[1]!), 'same members, same URL: nothing to reload');
    assert.equal(jobNamed(a, 'node').relabel_configs!.some((r) => r.action === 'hashmod'), false);
    const shareA = jobNamed(a, 'static-exporters').static_configs![0]!.targets;
    const shareB = jobNamed(b, 'static-exporters').static_configs![0]!.targets;
    assert.deepEqual([...shareA, ...shareB].sort(), ['10.1.0.5:9100', '[fd00::5]:9100', 'db-1.example.com:9104'].sort());
    assert.equal(shareA.filter((t) => shareB.includes(t)).length, 0);
    assert.equal(jobNamed(a, 'k8s-pods').relabel_configs!.at(-2)?.action, 'hashmod');
  });

  test('external labels: quoted safely, read back exactly; promduty labels win', () => {
    const p = parse(render({ ...pool, externalLabels: { ...pool.externalLabels, promduty_pool: 'spoof' } })[1]!);
    assert.deepEqual(p.global.external_labels, {
      dc: '01',
      on_call: 'yes',
      promduty_pool: 'core-prod',
      promduty_shard: '0',
      region: 'cn-north-1',
      team: 'SRE: 平台',
    });
  });

  test('kubernetes files: CA and token beside the config, in-cluster none, insecure only when asked', () => {
    const files = render()[1]!;
    assert.deepEqual(
      files.map((f) => [f.path, f.mode]),
      [['prometheus.yml', 0o640], ['k8s/13-ca.crt', 0o644], ['k8s/13.token', 0o640], ['k8s/14.token', 0o640]],
    );
    assert.equal(fileOf(files, 'k8s/13-ca.crt'), `${CA_PEM}\n`);
    assert.equal(fileOf(files, 'k8s/13.token'), 'k8s-token\n');
    const text = fileOf(files, 'prometheus.yml');
    assert.equal(text.match(/insecure_skip_verify/g)?.length, 1);
    assert.match(text, /credentials_file: k8s\/13\.token/);
    assert.match(text, /ca_file: k8s\/13-ca\.crt/);
  });

  test('every file the config references is rendered; promtool fails without the token file', () => {
    const files = render()[1]!;
    const referenced = [...fileOf(files, 'prometheus.yml').matchAll(/(?:ca_file|credentials_file): (\S+)/g)].map((m) => m[1]);
    assert.deepEqual(referenced.sort(), files.filter((f) => f.path.startsWith('k8s/')).map((f) => f.path).sort());
    assert.notEqual(promtoolCheckConfig(files.filter((f) => f.path !== 'k8s/14.token')).status, 0);
  });

  test('an unhealthy instance is a standby that scrapes nothing; the healthy one takes everything', () => {
    const inst = [instances[0]!, { ...instances[1]!, healthy: false }];
    for (const mode of ['hashmod', 'consistent'] as const) {
      const out = render({ ...pool, sharding: mode }, inst);
      const standby = parse(out[1]!);
      const active = parse(out[2]!);
      assert.equal(standby.global.external_labels.promduty_shard, 'standby');
      assert.equal(active.global.external_labels.promduty_shard, '0');
      assert.deepEqual(jobNamed(standby, 'k8s-pods').relabel_configs!.at(-1), { source_labels: ['__address__'], regex: '.*', action: 'drop' });
      assert.equal(jobNamed(active, 'k8s-pods').relabel_configs!.at(-2)?.modulus, 1);
      if (mode === 'consistent') assert.deepEqual(jobNamed(standby, 'static-exporters').static_configs![0]!.targets, []);
      assertPromtoolOk(out[1]!);
      assertPromtoolOk(out[2]!);
    }
  });

  test('when no instance is healthy, all share as if healthy', () => {
    const down = instances.map((i) => ({ ...i, healthy: false }));
    assert.deepEqual(render(pool, down), render());
  });

  test('deterministic: input order does not change a byte', () => {
    const shuffledPool: PoolSpec = { ...pool, externalLabels: Object.fromEntries(Object.entries(pool.externalLabels).reverse()) };
    const shuffledJobs = [...jobs].reverse().map((j) =>
      j.discovery.kind === 'static' && j.discovery.labels
        ? { ...j, discovery: { ...j.discovery, labels: Object.fromEntries(Object.entries(j.discovery.labels).reverse()) } }
        : j,
    );
    const again = render(shuffledPool, [...instances].reverse(), shuffledJobs, { ...ctx, alertmanagers: [...ctx.alertmanagers].reverse() });
    assert.deepEqual(again, render());
  });

  test('alerting only with alert rules and an Alertmanager; drops the shard label from alerts', () => {
    assert.deepEqual(parse(render()[1]!).alerting, {
      alert_relabel_configs: [{ regex: 'promduty_shard', action: 'labeldrop' }],
      alertmanagers: [{ api_version: 'v2', static_configs: [{ targets: ['10.0.1.1:9093', '10.0.1.2:9093'] }] }],
    });
    assert.equal(parse(render({ ...pool, alertRulesEnabled: false })[1]!).alerting, undefined);
    const bare = render({ ...pool, remoteWrite: [], remoteRead: [] }, instances, [], { ...ctx, alertmanagers: [], ruleFiles: [] })[1]!;
    const p = parse(bare);
    assert.equal(p.alerting, undefined);
    assert.equal(p.rule_files, undefined);
    assert.deepEqual(p.scrape_configs, []);
    assertPromtoolOk(bare, []);
  });

  test('disabled jobs are left out; two enabled jobs with one name are a conflict', () => {
    assert.equal(parse(render()[1]!).scrape_configs.some((j) => j.job_name === 'disabled'), false);
    const dup = [...jobs, { ...jobs[1]!, id: 99 }];
    assert.throws(() => render(pool, instances, dup), (e: unknown) => e instanceof AppError && e.code === 'conflict');
    render(pool, instances, [...jobs, { ...jobs[1]!, id: 99, enabled: false }]);
  });

  test('a bad stored relabel config names the job in the error path', () => {
    const bad = [{ ...jobs[1]!, relabelConfigs: '- action: nope' }];
    assert.throws(
      () => render(pool, instances, bad),
      (e: unknown) => e instanceof AppError && (e.details as { path: string }[])[0]?.path === 'jobs[10].relabel_configs[0].action',
    );
  });
});

describe('port relabel for kubernetes targets', () => {
  const cases: [string, string][] = [
    ['10.0.0.1', '10.0.0.1:8080'],
    ['10.0.0.1:80', '10.0.0.1:8080'],
    ['[fd00::1]:80', '[fd00::1]:8080'],
    ['fd00::1', '[fd00::1]:8080'],
    ['::1', '[::1]:8080'],
    ['web.default.svc:443', 'web.default.svc:8080'],
    ['cafe:9100', 'cafe:8080'],
  ];
  for (const [from, to] of cases) {
    test(`${from} → ${to}`, () => {
      assert.equal(applyRelabels({ __address__: from }, portRelabels(8080))?.__address__, to);
    });
  }
});
