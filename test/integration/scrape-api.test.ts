import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startTestApp, type TestApp } from '../support/app';
import { requireBinary, waitFor } from '../support/processes';

describe('scrape pools, jobs, http_sd and pull endpoints', () => {
  let t: TestApp;
  let poolId: number;
  let nodeId: number;
  before(async () => {
    t = await startTestApp({ env: { PUBLISH_DEBOUNCE_MS: '20', SD_TOKEN: 'test-sd-token' } });
    nodeId = (await t.api('POST', '/api/v1/tree/nodes', { name: 'svc' })).body.id;
    const leaf = (await t.api('POST', '/api/v1/tree/nodes', { name: 'api', parentId: nodeId })).body.id;
    await t.api('POST', '/api/v1/hosts/batch', {
      items: [
        { hostname: 'api-1', ip: '10.0.0.1', labels: { rack: 'a' }, nodeIds: [leaf] },
        { hostname: 'api-2', ip: '10.0.0.2', nodeIds: [leaf] },
      ],
    });
    const p = await t.api('POST', '/api/v1/pools', {
      name: 'main',
      instances: ['127.0.9.1:9090', '127.0.9.2:9090'],
      externalLabels: { region: 'sh' },
      remoteWrite: [{ url: 'https://remote.example.com/api/v1/write', bearerToken: 'rw-secret' }],
    });
    assert.equal(p.status, 201, JSON.stringify(p.body));
    poolId = p.body.id;
  });
  after(() => t.close());

  test('pool problems get a 4xx naming them', async () => {
    const cases: [unknown, number, string][] = [
      [{ name: 'p2', instances: ['127.0.9.1:9090'] }, 409, 'instances[0]'],
      [{ name: 'p2', instances: ['127.0.9.5:9090', '127.0.9.5:9090'] }, 400, 'instances[1]'],
      [{ name: 'p2', instances: ['not a host'] }, 400, 'instances[0]'],
      [{ name: 'p2', scrapeInterval: '10s', scrapeTimeout: '30s' }, 400, 'scrapeTimeout'],
      [{ name: 'p2', remoteWrite: [{ url: 'ftp://x' }] }, 400, 'remoteWrite[0].url'],
      [{ name: 'p2', alertmanagerClusterId: 999 }, 400, 'alertmanagerClusterId'],
      [{ name: 'p2', externalUrl: 'prom.example.com' }, 400, 'externalUrl'],
      [{ name: 'main' }, 409, 'name'],
    ];
    for (const [body, status, path] of cases) {
      const r = await t.api('POST', '/api/v1/pools', body);
      assert.equal(r.status, status, JSON.stringify([body, r.body]));
      const named = r.body.error.details?.[0]?.path ?? r.body.error.details?.path ?? r.body.error.details?.field;
      assert.equal(named, path, JSON.stringify(r.body));
    }
    // The secret never comes back.
    const pool = (await t.api('GET', `/api/v1/pools/${poolId}`)).body;
    assert.equal(pool.remoteWrite[0].bearerToken, '[redacted]');
    // A patch keeps the stored secret, and timeout > interval is judged on the merged pool.
    const bad = await t.api('PATCH', `/api/v1/pools/${poolId}`, { scrapeTimeout: '1m' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.details[0].path, 'scrapeTimeout');
    assert.equal((await t.api('PATCH', `/api/v1/pools/${poolId}`, { externalLabels: { region: 'bj' } })).status, 200);
    const linked = await t.api('PATCH', `/api/v1/pools/${poolId}`, { externalUrl: 'https://prom.example.com' });
    assert.equal(linked.status, 200, JSON.stringify(linked.body));
    assert.equal(linked.body.externalUrl, 'https://prom.example.com', 'the URL alert group cards link to');
    assert.equal((await t.app.db('scrape_pools').where({ id: poolId }).first()).external_url, 'https://prom.example.com');
    const row = await t.app.db('scrape_pools').where({ id: poolId }).first();
    assert.match(JSON.stringify(row.remote_write), /rw-secret/);
  });

  test('job problems get a 4xx naming them', async () => {
    const base = { poolId, name: 'j', discovery: { kind: 'static', targets: ['10.1.1.1:9100'] } };
    const cases: [unknown, string][] = [
      [{ ...base, relabelConfigs: '- action: replace\n  regex: "("\n  target_label: x' }, 'relabelConfigs[0].regex'],
      [{ ...base, relabelConfigs: '- action: hashmod\n  source_labels: [a]' }, 'relabelConfigs[0].modulus'],
      [{ ...base, relabelConfigs: 'not: [a list' }, 'relabelConfigs'],
      [{ ...base, relabelConfigs: '- action: keep\n  source_labels: [a]\n---\nscrape_configs: []' }, 'relabelConfigs'],
      [{ ...base, relabelConfigs: `- &r {action: drop, source_labels: [a], regex: x}\n${'- *r\n'.repeat(12_000)}` }, 'relabelConfigs'],
      [{ ...base, discovery: { kind: 'kubernetes_sd', role: 'pod', inCluster: false, apiServer: 'https://k:6443', bearerToken: 't', caCert: '-----BEGIN CERTIFICATE-----x'.repeat(2000) } }, 'discovery.caCert'],
      [{ ...base, scrapeInterval: '5s', scrapeTimeout: '10s' }, 'scrapeTimeout'],
      [{ ...base, discovery: { kind: 'static', targets: ['nope'] } }, 'discovery.targets[0]'],
      [{ ...base, discovery: { kind: 'static', targets: Array.from({ length: 10_001 }, (_, i) => `10.9.${i >> 8}.${i & 255}:9100`) } }, 'discovery.targets'],
      [{ ...base, discovery: { kind: 'http_sd', nodeIds: [99999] } }, 'discovery.nodeIds[0]'],
      [{ ...base, discovery: { kind: 'kubernetes_sd', role: 'pod', inCluster: false } }, 'discovery.apiServer'],
      [{ ...base, poolId: 99999 }, 'poolId'],
      [{ ...base, metricsPath: 'metrics' }, 'metricsPath'],
    ];
    for (const [body, path] of cases) {
      const r = await t.api('POST', '/api/v1/scrape-jobs', body);
      assert.equal(r.status, 400, JSON.stringify([body, r.body]));
      assert.equal(r.body.error.details[0].path, path, JSON.stringify(r.body));
    }
  });

  test('http_sd serves the hosts under the job nodes, with the SD token', async () => {
    const job = await t.api('POST', '/api/v1/scrape-jobs', { poolId, name: 'node', port: 9100, discovery: { kind: 'http_sd', nodeIds: [nodeId] } });
    assert.equal(job.status, 201, JSON.stringify(job.body));
    assert.equal((await t.api('GET', `/api/v1/sd/jobs/${job.body.id}`, undefined, null)).status, 401);
    const sd = await t.api('GET', `/api/v1/sd/jobs/${job.body.id}`, undefined, 'test-sd-token');
    assert.equal(sd.status, 200);
    assert.deepEqual(
      sd.body.map((g: any) => g.targets[0]),
      ['10.0.0.1:9100', '10.0.0.2:9100'],
    );
    assert.equal(sd.body[0].labels.tree_path, '/svc/api');
    assert.equal(sd.body[0].labels.rack, 'a');
    // Answers are cached; a change to the hosts drops them at once.
    const leaf = sd.body[0].labels.tree_node === 'api' && (await t.api('GET', '/api/v1/tree/leaves')).body.items.find((l: any) => l.path === '/svc/api').id;
    await t.api('POST', '/api/v1/hosts', { hostname: 'api-3', ip: '10.0.0.3', nodeIds: [leaf] });
    const after = await t.api('GET', `/api/v1/sd/jobs/${job.body.id}`, undefined, 'test-sd-token');
    assert.equal(after.body.length, 3);
    await t.api('PATCH', `/api/v1/tree/nodes/${leaf}`, { name: 'api2' });
    const renamed = await t.api('GET', `/api/v1/sd/jobs/${job.body.id}`, undefined, 'test-sd-token');
    assert.equal(renamed.body[0].labels.tree_path, '/svc/api2');
    const empty = (await t.api('POST', '/api/v1/tree/nodes', { name: 'empty' })).body.id;
    const j2 = await t.api('POST', '/api/v1/scrape-jobs', { poolId, name: 'none', discovery: { kind: 'http_sd', nodeIds: [empty] } });
    assert.deepEqual((await t.api('GET', `/api/v1/sd/jobs/${j2.body.id}`, undefined, 'test-sd-token')).body, []);
  });

  test('enable/disable in batch: one unknown id changes nothing', async () => {
    const ids = (await t.api('GET', `/api/v1/scrape-jobs?poolId=${poolId}`)).body.items.map((j: any) => j.id);
    const bad = await t.api('POST', '/api/v1/scrape-jobs/disable', { ids: [...ids, 999999] });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.details[0].path, `ids[${ids.length}]`);
    assert.ok((await t.api('GET', `/api/v1/scrape-jobs?poolId=${poolId}`)).body.items.every((j: any) => j.enabled));
    const ok = await t.api('POST', '/api/v1/scrape-jobs/disable', { ids });
    assert.ok(ok.body.items.every((j: any) => !j.enabled));
    await t.api('POST', '/api/v1/scrape-jobs/enable', { ids });
  });

  test('pulled configs pass promtool, carry ETags, and publishing records per-instance status', async () => {
    const base = `/api/v1/pools/${poolId}/instances/127.0.9.1:9090`;
    const dir = mkdtempSync(join(tmpdir(), 'pd-pull-'));
    const list = await t.api('GET', `${base}/files`, undefined, 'test-sd-token');
    assert.deepEqual(list.body.items.map((f: any) => f.path).sort(), ['prometheus.yml', 'records.yml', 'rules.yml']);
    for (const f of list.body.items) {
      const r = await t.api('GET', `${base}/files/${f.path}`, undefined, 'test-sd-token');
      mkdirSync(dirname(join(dir, f.path)), { recursive: true });
      writeFileSync(join(dir, f.path), r.body);
    }
    execFileSync(requireBinary('promtool'), ['check', 'config', join(dir, 'prometheus.yml')], { stdio: 'pipe' });
    const first = await fetch(`${t.url}${base}/prometheus.yml`, { headers: { authorization: 'Bearer test-sd-token' } });
    const etag = first.headers.get('etag')!;
    assert.match(etag, /^"[0-9a-f]{64}"$/);
    const again = await fetch(`${t.url}${base}/prometheus.yml`, { headers: { authorization: 'Bearer test-sd-token', 'if-none-match': etag } });
    assert.equal(again.status, 304);
    // The instances do not exist: the publish is recorded with the reload error.
    const pool = await waitFor('publish state', async () => {
      const p = (await t.api('GET', `/api/v1/pools/${poolId}`)).body;
      return p.instances.every((i: any) => i.publish.length === 3) && p;
    });
    assert.equal(pool.instances[0].publish[0].reloadOk, false);
    assert.match(pool.instances[0].publish[0].error, /reload of 127\.0\.9\.1:9090 failed: ECONNREFUSED/);
  });

  test('deleting a pool with jobs is refused unless cascade', async () => {
    const r = await t.api('DELETE', `/api/v1/pools/${poolId}`);
    assert.equal(r.status, 409);
    assert.match(r.body.error.message, /cascade=true/);
    assert.equal((await t.api('DELETE', `/api/v1/pools/${poolId}?cascade=true`)).status, 204);
    assert.equal(Number((await t.app.db('scrape_jobs').count({ n: '*' }))[0]!.n), 0);
  });
});
