import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { validatePromql } from '../../src/rules/promql';
import { instanceDirName } from '../../src/publish/render-pool';
import { startTestApp, type TestApp } from '../support/app';
import { freePort, startPrometheus, waitFor, writeFileDeep, type RunningProcess } from '../support/processes';
import { promtoolCheckRules } from '../support/prom-tools';

/**
 * Expressions promduty's own check accepts (it knows every function of current PromQL) that
 * the installed promtool refuses (Prometheus 2.42 knows none of these): the version skew the
 * publish-time check exists for. The first such expression drives the test.
 */
const NEWER_PROMQL = ['mad_over_time(up[5m]) > 0', 'sort_by_label(up, "job")', 'limitk(2, up)', 'histogram_avg(rate(h_bucket[5m])) > 1'];

function versionSkew(): string | null {
  const ours = NEWER_PROMQL.filter((expr) => validatePromql(expr, { forRule: true }).valid);
  const rules = ours.map((expr, i) => ({ alert: `r${i}`, expr }));
  const { output } = promtoolCheckRules(yaml.dump({ groups: [{ name: 'g', rules }] }));
  return ours.find((_, i) => output.includes(`"r${i}"`)) ?? null;
}

describe('a rule file promtool refuses never reaches a running Prometheus', { timeout: 120_000 }, () => {
  let t: TestApp;
  let prom: RunningProcess;
  let poolId: number;
  let address: string;

  const ok = async (method: string, path: string, body?: unknown) => {
    const r = await t.api(method, path, body);
    assert.ok(r.status < 300, JSON.stringify(r.body));
    return r.body;
  };
  const dir = () => join(t.app.settings.configDir, 'checked', instanceDirName(address));
  const instance = async () => (await ok('GET', `/api/v1/pools/${poolId}`)).instances[0];
  const loadedRules = async () => {
    const body = (await (await fetch(`http://${address}/api/v1/rules`)).json()) as any;
    return body.data.groups.flatMap((g: any) => g.rules.map((r: any) => `${r.name}: ${r.query}`));
  };

  before(async () => {
    t = await startTestApp({ env: { PUBLISH_DEBOUNCE_MS: '50', PROBE_INTERVAL_MS: '1000' } });
    const port = await freePort();
    address = `127.0.0.1:${port}`;
    await writeFileDeep(join(dir(), 'prometheus.yml'), 'global:\n  scrape_interval: 1s\nscrape_configs: []\n');
    prom = await startPrometheus(join(dir(), 'prometheus.yml'), port);
  });
  after(async () => {
    await prom?.stop();
    await t?.close();
  });

  test('the refused rules.yml is not written, Prometheus keeps its rules, and the pool view says why', async (ctx) => {
    const skew = versionSkew();
    if (!skew) return ctx.skip('the installed promtool knows every newer function: test/integration/publish-check.test.ts covers the check');
    const cluster = await ok('POST', '/api/v1/alertmanager-clusters', { name: 'checked-am', instances: [`127.0.0.1:${await freePort()}`] });
    const group = await ok('POST', '/api/v1/send-groups', { name: 'checked', alertmanagerClusterId: cluster.id });
    poolId = (await ok('POST', '/api/v1/pools', { name: 'checked', instances: [address], alertmanagerClusterId: cluster.id })).id;
    const rule = await ok('POST', '/api/v1/alert-rules', { poolId, sendGroupId: group.id, name: 'Working', expr: 'vector(1) > 0' });
    await waitFor('Prometheus runs the first rules', async () => (await loadedRules()).includes('Working: vector(1) > 0'));
    const working = await readFile(join(dir(), 'rules.yml'), 'utf8');
    const published = (await instance()).publish;

    // promduty's own validation accepts the expression; the installed Prometheus does not know it.
    await ok('PATCH', `/api/v1/alert-rules/${rule.id}`, { expr: skew });
    const refused = await waitFor('the refusal in the pool view', async () => (await instance()).refused ?? undefined);
    assert.match(refused.error, /^promtool check config refused it: .*unknown function with name/);
    assert.equal(await readFile(join(dir(), 'rules.yml'), 'utf8'), working, 'rules.yml on disk is the working one');
    assert.deepEqual((await instance()).publish, published, 'the publish state still describes the running files');
    assert.deepEqual(await loadedRules(), ['Working: vector(1) > 0']);

    // A fix publishes as usual and clears the refusal.
    await ok('PATCH', `/api/v1/alert-rules/${rule.id}`, { expr: 'vector(2) > 0' });
    await waitFor('the fixed rule running', async () => (await loadedRules()).includes('Working: vector(2) > 0'));
    await waitFor('the refusal cleared', async () => (await instance()).refused === null);
  });
});
