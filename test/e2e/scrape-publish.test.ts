import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '../support/app';
import { freePort, startPrometheus, waitFor, writeFileDeep, type RunningProcess } from '../support/processes';
import { instanceDirName } from '../../src/publish/render-pool';

const TARGETS = 24;
const BOOTSTRAP = 'global:\n  scrape_interval: 1s\nscrape_configs: []\n';

/** Active targets of job `node` on every given Prometheus, as `address → [instance]`. */
async function activeTargets(proms: RunningProcess[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const p of proms) {
    const body = (await (await fetch(`http://${p.address}/api/v1/targets?state=active`)).json()) as any;
    out.set(p.address, body.data.activeTargets.filter((t: any) => t.labels.job === 'node').map((t: any) => t.labels.instance));
  }
  return out;
}

/** True when the instances together scrape every target exactly once. */
function exactlyOnce(byInstance: Map<string, string[]>, expected: string[]): boolean {
  const all = [...byInstance.values()].flat().sort();
  return all.length === expected.length && all.every((t, i) => t === expected[i]);
}

describe('promduty publishes sharded configs to real Prometheus instances', () => {
  let t: TestApp;
  const servers: Server[] = [];
  const proms = new Map<string, RunningProcess>();
  const expected: string[] = [];
  let targetPort: number;
  let poolId: number;

  const dirOf = (address: string) => join(t.app.settings.configDir, 'main', instanceDirName(address));
  const startInstance = async () => {
    const port = await freePort();
    const address = `127.0.0.1:${port}`;
    await writeFileDeep(join(dirOf(address), 'prometheus.yml'), BOOTSTRAP);
    proms.set(address, await startPrometheus(join(dirOf(address), 'prometheus.yml'), port));
    return address;
  };
  const published = (addresses: string[]) =>
    waitFor(`publish to ${addresses.join(', ')}`, async () => {
      const pool = (await t.api('GET', `/api/v1/pools/${poolId}`)).body;
      return addresses.every((a) => {
        const i = pool.instances.find((x: any) => x.address === a);
        return i?.publish.length && i.publish.every((p: any) => p.reloadOk);
      });
    });

  before(async () => {
    const port = await freePort();
    t = await startTestApp({ env: { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, PUBLISH_DEBOUNCE_MS: '50', PROBE_INTERVAL_MS: '1000' } });
    // Targets: one tiny exporter per loopback address 127.0.0.10+i, all on one port.
    targetPort = await freePort();
    for (let i = 0; i < TARGETS; i++) {
      const s = createServer((_req, res) => res.end('up_metric 1\n')).listen(targetPort, `127.0.0.${10 + i}`);
      await once(s, 'listening');
      servers.push(s);
      expected.push(`127.0.0.${10 + i}:${targetPort}`);
    }
    expected.sort();
  });
  after(async () => {
    for (const p of proms.values()) await p.stop();
    for (const s of servers) s.close();
    await t.close();
  });

  test('two instances, then three, then one down: every target scraped exactly once', { timeout: 150_000 }, async () => {
    const a = await startInstance();
    const b = await startInstance();
    const node = (await t.api('POST', '/api/v1/tree/nodes', { name: 'web' })).body;
    const hosts = await t.api('POST', '/api/v1/hosts/batch', {
      items: expected.map((e, i) => ({ hostname: `web-${i}`, ip: e.split(':')[0], nodeIds: [node.id] })),
    });
    assert.equal(hosts.status, 201, JSON.stringify(hosts.body));
    const pool = await t.api('POST', '/api/v1/pools', { name: 'main', instances: [a, b], scrapeInterval: '1s', scrapeTimeout: '1s' });
    assert.equal(pool.status, 201, JSON.stringify(pool.body));
    poolId = pool.body.id;
    const job = await t.api('POST', '/api/v1/scrape-jobs', { poolId, name: 'node', port: targetPort, discovery: { kind: 'http_sd', nodeIds: [node.id] } });
    assert.equal(job.status, 201, JSON.stringify(job.body));

    await published([a, b]);
    const two = await waitFor('two instances to cover every target once', async () => {
      const m = await activeTargets([proms.get(a)!, proms.get(b)!]);
      return exactlyOnce(m, expected) && m;
    });
    assert.ok(two.get(a)!.length > 0 && two.get(b)!.length > 0, 'both instances take a share');
    await waitFor("each instance's publish counted", async () => {
      const n = /promduty_config_publish_total\{kind="prometheus",outcome="published"\} (\d+)/.exec((await t.api('GET', '/metrics')).body)?.[1];
      return Number(n) >= 2;
    });

    const c = await startInstance();
    assert.equal((await t.api('PATCH', `/api/v1/pools/${poolId}`, { instances: [a, b, c] })).status, 200);
    await published([a, b, c]);
    await waitFor('three instances to cover every target once', async () => {
      const m = await activeTargets([...proms.values()]);
      return exactlyOnce(m, expected) && [...m.values()].every((v) => v.length > 0);
    });

    // Stop b: the probe marks it down, the pool is re-sharded over a and c.
    await proms.get(b)!.stop();
    await waitFor('b marked unhealthy', async () => {
      const p = (await t.api('GET', `/api/v1/pools/${poolId}`)).body;
      return p.instances.find((i: any) => i.address === b)?.healthy === false;
    });
    await waitFor('a and c to cover every target once', async () => exactlyOnce(await activeTargets([proms.get(a)!, proms.get(c)!]), expected), 60_000);
  });
});
