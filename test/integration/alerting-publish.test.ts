import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { stat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '../support/app';
import { freePort, waitFor as eventually } from '../support/processes';
import { amtoolCheckConfig, assertToolOk } from '../support/prom-tools';

describe('publishing alertmanager.yml and rule files', () => {
  let t: TestApp;
  // Free ports nobody listens on: every reload and probe is refused, which is recorded, not fatal.
  let deadAm: string;
  let deadProm: string;
  let deadAm2: string;
  const ok = async (method: string, path: string, body?: unknown) => {
    const r = await t.api(method, path, body);
    assert.ok(r.status < 300, JSON.stringify(r.body));
    return r.body;
  };
  before(async () => {
    [deadAm, deadProm, deadAm2] = [`127.0.0.1:${await freePort()}`, `127.0.0.1:${await freePort()}`, `127.0.0.1:${await freePort()}`];
    t = await startTestApp({ env: { PUBLISH_DEBOUNCE_MS: '50', PROBE_INTERVAL_MS: '1000', PUBLIC_URL: 'http://promduty.test:8080' } });
  });
  after(() => t.close());

  test('a change publishes the cluster and the pool; the failed reload is recorded per instance', async () => {
    const cluster = await ok('POST', '/api/v1/alertmanager-clusters', { name: 'am-pub', instances: [deadAm] });
    const group = await ok('POST', '/api/v1/send-groups', { name: 'pub', alertmanagerClusterId: cluster.id });
    const pool = await ok('POST', '/api/v1/pools', { name: 'pub-pool', instances: [deadProm], alertmanagerClusterId: cluster.id });
    const rule = await ok('POST', '/api/v1/alert-rules', { poolId: pool.id, sendGroupId: group.id, name: 'AlwaysOn', expr: 'vector(1) > 0' });

    const amId = cluster.instances[0].id;
    const am = await eventually('alertmanager publish_state', async () => {
      const row = await t.app.db('publish_state').where({ target_kind: 'alertmanager', target_id: amId }).first();
      return row?.content.includes(`sg-${group.id}`) ? row : undefined;
    });
    assert.equal(am.file, 'alertmanager.yml');
    assert.equal(am.reload_ok, 0);
    assert.match(am.error, /ECONNREFUSED/);
    assertToolOk(amtoolCheckConfig(am.content));
    assert.ok(am.content.includes('http://promduty.test:8080/api/v1/alerts/webhook'));
    const file = join(t.app.settings.configDir, 'alertmanager', 'am-pub', deadAm.replace(':', '_'), 'alertmanager.yml');
    assert.equal(await readFile(file, 'utf8'), am.content);
    assert.equal((await stat(file)).mode & 0o777, 0o640, 'the file holds the webhook token');

    const promId = pool.instances[0].id;
    await eventually('prometheus rules published', async () => {
      const rows = await t.app.db('publish_state').where({ target_kind: 'prometheus', target_id: promId });
      return rows.find((r: any) => r.file === 'rules.yml' && r.content.includes(`rule_id: '${rule.id}'`));
    });
    const prom = await t.app.db('publish_state').where({ target_kind: 'prometheus', target_id: promId, file: 'prometheus.yml' }).first();
    assert.ok(prom.content.includes(deadAm), 'prometheus.yml lists the Alertmanagers');

    // The failed reloads are counted for the self-monitoring rules (deploy/promduty-rules.yml).
    await eventually('failed publishes counted', async () => {
      const metrics = (await t.api('GET', '/metrics')).body as string;
      return ['alertmanager', 'prometheus'].every((kind) => new RegExp(`promduty_config_publish_total\\{kind="${kind}",outcome="failed"\\} [1-9]`).test(metrics));
    });

    // The API shows the outcome per instance.
    const view = await ok('GET', `/api/v1/alertmanager-clusters/${cluster.id}`);
    assert.equal(view.instances[0].publish[0].file, 'alertmanager.yml');
    assert.equal(view.instances[0].publish[0].reloadOk, false);

    // A new Alertmanager instance reaches the pool's prometheus.yml too.
    await ok('PATCH', `/api/v1/alertmanager-clusters/${cluster.id}`, { instances: [deadAm, deadAm2] });
    await eventually('pool republished with the new Alertmanager', async () => {
      const row = await t.app.db('publish_state').where({ target_kind: 'prometheus', target_id: promId, file: 'prometheus.yml' }).first();
      return row?.content.includes(deadAm2);
    });
  });

  test('Alertmanager instances that do not answer turn unhealthy', async () => {
    const cluster = await ok('POST', '/api/v1/alertmanager-clusters', { name: 'am-probe', instances: [`127.0.0.1:${await freePort()}`] });
    await eventually('probe marks the instance down', async () => {
      const view = await ok('GET', `/api/v1/alertmanager-clusters/${cluster.id}`);
      return view.instances[0].healthy === false && Boolean(view.instances[0].lastProbeAt);
    });
  });
});
