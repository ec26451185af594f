import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '../support/app';
import { freePort, startAlertmanager, startPrometheus, waitFor, writeFileDeep, type RunningProcess } from '../support/processes';
import { fromJson } from '../../src/db/knex';
import { instanceDirName } from '../../src/publish/render-pool';

/**
 * Issue 4's whole path with real processes: promduty publishes alertmanager.yml to a real
 * Alertmanager and rule files to a real Prometheus; `vector(1) > 0` fires, goes through
 * that Alertmanager and reaches promduty's webhook carrying send_group and rule_id.
 */
let t: TestApp;
let prom: RunningProcess;
let am: RunningProcess;

before(async () => {
  const port = await freePort();
  t = await startTestApp({ env: { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, PUBLISH_DEBOUNCE_MS: '50' } });
  const [promPort, amPort] = [await freePort(), await freePort()];
  const cfg = t.app.settings.configDir;
  const amFile = join(cfg, 'alertmanager', 'am', instanceDirName(`127.0.0.1:${amPort}`), 'alertmanager.yml');
  const promFile = join(cfg, 'main', instanceDirName(`127.0.0.1:${promPort}`), 'prometheus.yml');
  await writeFileDeep(amFile, 'route:\n  receiver: none\nreceivers:\n  - name: none\n');
  await writeFileDeep(promFile, 'scrape_configs: []\n');
  am = await startAlertmanager(amFile, amPort);
  prom = await startPrometheus(promFile, promPort);
});
after(async () => {
  await prom?.stop();
  await am?.stop();
  await t.close();
});

test('a rule published by promduty fires through a real Alertmanager into promduty with send_group and rule_id', { timeout: 120_000 }, async () => {
  const ok = async (method: string, path: string, body?: unknown) => {
    const r = await t.api(method, path, body);
    assert.ok(r.status < 300, JSON.stringify(r.body));
    return r.body;
  };
  const cluster = await ok('POST', '/api/v1/alertmanager-clusters', { name: 'am', instances: [am.address], groupWait: '0s', groupInterval: '1s' });
  const group = await ok('POST', '/api/v1/send-groups', { name: 'ops', alertmanagerClusterId: cluster.id });
  const pool = await ok('POST', '/api/v1/pools', { name: 'main', instances: [prom.address], alertmanagerClusterId: cluster.id, evaluationInterval: '1s' });
  const rule = await ok('POST', '/api/v1/alert-rules', { poolId: pool.id, sendGroupId: group.id, name: 'AlwaysFiring', expr: 'vector(1) > 0', severity: 'critical' });

  // Both configs published and reloaded.
  await waitFor('publishes', async () => {
    const rows = await t.app.db('publish_state').select('target_kind', 'reload_ok', 'content');
    const amOk = rows.some((r: any) => r.target_kind === 'alertmanager' && r.reload_ok && r.content.includes(`sg-${group.id}`));
    const promOk = rows.some((r: any) => r.target_kind === 'prometheus' && r.reload_ok && r.content.includes('AlwaysFiring'));
    return amOk && promOk;
  });
  // The rule fires in Prometheus…
  await waitFor('the rule to fire in Prometheus', async () => {
    const body = (await (await fetch(`http://${prom.address}/api/v1/alerts`)).json()) as any;
    return body.data.alerts.some((a: any) => a.labels.alertname === 'AlwaysFiring' && a.state === 'firing');
  }, 60_000);
  // …and arrives through Alertmanager at promduty's webhook as an alert event.
  const ev = await waitFor('the alert event in promduty', async () => t.app.db('alert_events').where({ alertname: 'AlwaysFiring' }).first(), 60_000);
  const labels = fromJson<Record<string, string>>(ev.labels, {});
  assert.equal(labels.send_group, String(group.id));
  assert.equal(labels.rule_id, String(rule.id));
  assert.equal(labels.severity, 'critical');
  assert.equal(ev.rule_id, rule.id);
  assert.equal(ev.send_group_id, group.id);
  assert.equal(ev.status, 'firing');
});
