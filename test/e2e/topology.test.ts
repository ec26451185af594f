import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '../support/app';
import {
  freePort,
  instantQuery,
  startAlertmanager,
  startPrometheus,
  startVictoriaMetrics,
  startVmalert,
  waitFor,
  writeFileDeep,
  type RunningProcess,
} from '../support/processes';
import { fromJson } from '../../src/db/knex';
import { instanceDirName } from '../../src/publish/render-pool';

/**
 * Issue 14 with real processes, in one world: 12 targets sharded over 2 collectors (role
 * scrape) that remote_write everything to a real VictoriaMetrics and to a Prometheus store
 * that serves remote_read. Two evaluate pools read them, each with ruleReplicas 2:
 *   (a) 2 vmalert against VictoriaMetrics, (b) 2 Prometheus through remote_read.
 * Each pool has the same rules: a fleet aggregate, a per-target rule and a record rule.
 */
const TARGETS = 12;
const BOOT_PROM = 'global:\n  scrape_interval: 1s\nscrape_configs: []\n';
// The store takes samples from two evaluator replicas of the same record series.
const STORE_CONFIG = 'storage:\n  tsdb:\n    out_of_order_time_window: 10m\n';

let t: TestApp;
const servers = new Map<string, Server>();
const procs: RunningProcess[] = [];
let vm: RunningProcess;
let store: RunningProcess;
let vmalerts: RunningProcess[];
let evaluators: RunningProcess[];

const ok = async (method: string, path: string, body?: unknown) => {
  const r = await t.api(method, path, body);
  assert.ok(r.status < 300, `${method} ${path}: ${JSON.stringify(r.body)}`);
  return r.body;
};
const dirOf = (pool: string, address: string) => join(t.app.settings.configDir, instanceDirName(pool), instanceDirName(address));

async function bootPrometheus(pool: string, extra: string[] = [], config = BOOT_PROM): Promise<RunningProcess> {
  const port = await freePort();
  const file = join(dirOf(pool, `127.0.0.1:${port}`), 'prometheus.yml');
  await writeFileDeep(file, config);
  const p = await startPrometheus(file, port, extra);
  procs.push(p);
  return p;
}

const single = async (address: string, query: string): Promise<number | undefined> => {
  const r = await instantQuery(address, query);
  return r.length === 1 ? Number(r[0]!.value[1]) : undefined;
};

/** Events promduty holds for an alert name (optionally one target). */
async function events(alertname: string, instance?: string): Promise<Array<{ labels: Record<string, string>; annotations: Record<string, string> }>> {
  const rows = await t.app.db('alert_events').where({ alertname });
  return rows
    .map((r: any) => ({ labels: fromJson<Record<string, string>>(r.labels, {}), annotations: fromJson<Record<string, string>>(r.annotations, {}) }))
    .filter((e) => !instance || e.labels.instance === instance);
}

before(async () => {
  const port = await freePort();
  t = await startTestApp({ env: { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, PUBLISH_DEBOUNCE_MS: '50', PROBE_INTERVAL_MS: '1000' } });
  const targetPort = await freePort();
  for (let i = 0; i < TARGETS; i++) {
    const s = createServer((_req, res) => res.end('fleet_metric 1\n')).listen(targetPort, `127.0.0.${40 + i}`);
    await once(s, 'listening');
    servers.set(`127.0.0.${40 + i}:${targetPort}`, s);
  }
  const amPort = await freePort();
  const amFile = join(t.app.settings.configDir, 'alertmanager', 'am', instanceDirName(`127.0.0.1:${amPort}`), 'alertmanager.yml');
  await writeFileDeep(amFile, 'route:\n  receiver: none\nreceivers:\n  - name: none\n');
  const storeFile = join(t.app.settings.configDir, 'store', 'prometheus.yml');
  await writeFileDeep(storeFile, STORE_CONFIG);
  [vm, store] = await Promise.all([startVictoriaMetrics(), startPrometheus(storeFile, undefined, ['--web.enable-remote-write-receiver'])]);
  procs.push(vm, store, await startAlertmanager(amFile, amPort));
});

after(async () => {
  await Promise.allSettled(procs.map((p) => p.stop()));
  for (const s of servers.values()) s.close();
  await t?.close();
});

test('sharded collectors → central store → vmalert and Prometheus evaluators (2 replicas): complete data, one event per alert, an evaluator down', { timeout: 240_000 }, async () => {
  const am = procs[procs.length - 1]!;
  const cluster = await ok('POST', '/api/v1/alertmanager-clusters', { name: 'am', instances: [am.address], groupWait: '0s', groupInterval: '1s', repeatInterval: '1h' });
  const group = await ok('POST', '/api/v1/send-groups', { name: 'ops', alertmanagerClusterId: cluster.id, isDefault: true });

  // Collectors: a sharded scrape pool writing everything to both stores.
  const collectors = [await bootPrometheus('collectors'), await bootPrometheus('collectors')];
  const scrapePool = await ok('POST', '/api/v1/pools', {
    name: 'collectors',
    role: 'scrape',
    instances: collectors.map((c) => c.address),
    scrapeInterval: '1s',
    scrapeTimeout: '1s',
    remoteWrite: [{ url: `http://${vm.address}/api/v1/write` }, { url: `http://${store.address}/api/v1/write` }],
  });
  await ok('POST', '/api/v1/scrape-jobs', { poolId: scrapePool.id, name: 'fleet', discovery: { kind: 'static', targets: [...servers.keys()] } });

  // (b) Prometheus evaluators reading the store through remote_read, writing records back.
  evaluators = [await bootPrometheus('eval-prom'), await bootPrometheus('eval-prom')];
  const promPool = await ok('POST', '/api/v1/pools', {
    name: 'eval-prom',
    role: 'evaluate',
    ruleEngine: 'prometheus',
    ruleReplicas: 2,
    instances: evaluators.map((e) => e.address),
    evaluationInterval: '1s',
    alertmanagerClusterId: cluster.id,
    remoteRead: [{ url: `http://${store.address}/api/v1/read` }],
    remoteWrite: [{ url: `http://${store.address}/api/v1/write` }],
  });
  // (a) vmalert against VictoriaMetrics, started with the flags promduty shows.
  const [va1, va2] = [`127.0.0.1:${await freePort()}`, `127.0.0.1:${await freePort()}`];
  const vmPool = await ok('POST', '/api/v1/pools', {
    name: 'eval-vm',
    role: 'evaluate',
    ruleEngine: 'vmalert',
    ruleReplicas: 2,
    instances: [va1, va2],
    evaluationInterval: '1s',
    alertmanagerClusterId: cluster.id,
    datasourceUrl: `http://${vm.address}`,
  });
  const topology = await ok('GET', `/api/v1/pools/${vmPool.id}/topology`);
  assert.deepEqual(topology.data, { complete: true, source: `complete: vmalert queries the central store http://${vm.address}`, say: { key: 'ruleData.vmalert', params: { url: `http://${vm.address}` } } });
  vmalerts = [];
  for (const e of topology.evaluators) {
    const v = await startVmalert(e.vmalertFlags);
    vmalerts.push(v);
    procs.push(v);
  }

  // Scrape exactly once, complete in both stores: 12 series, one per target.
  for (const s of [vm, store])
    await waitFor(`12 targets in ${s.address}`, async () =>
      (await single(s.address, 'count(up{job="fleet"} == 1)')) === TARGETS && (await single(s.address, 'count(count by (instance) (up{job="fleet"}))')) === TARGETS,
    );

  const rules: Record<string, { pool: number; record: string; store: RunningProcess }> = {
    Vm: { pool: vmPool.id, record: 'job:fleet_up_vm:sum', store: vm },
    Prom: { pool: promPool.id, record: 'job:fleet_up_prom:sum', store },
  };
  for (const [name, r] of Object.entries(rules)) {
    await ok('POST', '/api/v1/alert-rules', { poolId: r.pool, sendGroupId: group.id, name: `${name}FleetShort`, expr: `sum(up{job="fleet"}) < ${TARGETS}`, severity: 'critical' });
    const perTarget = await ok('POST', '/api/v1/alert-rules', { poolId: r.pool, sendGroupId: group.id, name: `${name}TargetDown`, expr: 'up{job="fleet"} == 0', severity: 'warning' });
    await ok('POST', '/api/v1/record-rules', { poolId: r.pool, record: r.record, expr: 'sum(up{job="fleet"})' });
    const placement = await ok('GET', `/api/v1/alert-rules/${perTarget.id}/placement`);
    assert.equal(placement.evaluators.length, 2, JSON.stringify(placement));
    assert.equal(placement.data.complete, true);
  }
  // A record rule summing both shards: one series = 12 in the store, though two replicas write it.
  for (const r of Object.values(rules))
    await waitFor(`${r.record} = 12 in ${r.store.address}`, async () => {
      const series = await instantQuery(r.store.address, r.record);
      return series.length === 1 && Number(series[0]!.value[1]) === TARGETS;
    });

  // One target stops: the aggregate fires with 11, the per-target rule once; one event each.
  const [down1, down2] = [...servers.keys()];
  servers.get(down1!)!.close();
  for (const name of Object.keys(rules)) {
    const short = await waitFor(`${name}FleetShort in promduty`, async () => (await events(`${name}FleetShort`))[0]);
    assert.equal(short.annotations.description_value, String(TARGETS - 1));
    await waitFor(`${name}TargetDown for ${down1}`, async () => (await events(`${name}TargetDown`, down1)).length > 0);
  }
  // Both replicas keep sending; give duplicates time to show before counting.
  await new Promise((r) => setTimeout(r, 3000));
  for (const name of Object.keys(rules)) {
    assert.equal((await events(`${name}FleetShort`)).length, 1, `${name}FleetShort: one event`);
    assert.equal((await events(`${name}TargetDown`)).length, 1, `${name}TargetDown: one event`);
  }

  // One evaluator of each pool killed: the other replica still fires, once.
  await vmalerts[0]!.stop();
  await evaluators[0]!.stop();
  servers.get(down2!)!.close();
  for (const name of Object.keys(rules)) await waitFor(`${name}TargetDown for ${down2} with one evaluator`, async () => (await events(`${name}TargetDown`, down2)).length > 0);
  await new Promise((r) => setTimeout(r, 3000));
  for (const name of Object.keys(rules)) {
    assert.equal((await events(`${name}TargetDown`, down2)).length, 1, `${name}TargetDown ${down2}: one event`);
    assert.equal((await events(`${name}FleetShort`)).length, 1, `${name}FleetShort: still one event`);
  }
  // Still exactly once: 12 series, one per target, 10 of them up.
  for (const s of [vm, store]) {
    assert.equal(await single(s.address, 'count(count by (instance) (up{job="fleet"}))'), TARGETS);
    await waitFor(`10 up in ${s.address}`, async () => (await single(s.address, 'sum(up{job="fleet"})')) === TARGETS - 2);
  }
});
