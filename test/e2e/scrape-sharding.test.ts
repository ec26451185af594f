import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildTargetGroups, type SdHost, type SdNode } from '../../src/scrape/http-sd';
import type { InstanceSpec, JobSpec, PoolSpec, RenderContext, ShardingMode } from '../../src/scrape/model';
import { renderPrometheusConfig } from '../../src/scrape/render-prometheus';
import { freePort, startPrometheus, type RunningProcess } from '../support/processes';
import { hashmodOwners, shardMembers } from '../../src/scrape/sharding';

/**
 * Flows 2 and 3 against real Prometheus processes: each instance loads its rendered
 * prometheus.yml, fetches http_sd from a stand-in for promduty's endpoint (the pure
 * buildTargetGroups behind a bearer check), and every target must end up active on exactly
 * one instance, the one the sharding predicts.
 */

const SD_TOKEN = 'e2e-sd-token';
const staticTargets = Array.from({ length: 40 }, (_, i) => `127.0.0.1:${31000 + i}`);
const sdNodes: SdNode[] = [{ id: 1, path: '/e2e/leaf', name: 'leaf' }];
const sdHosts: SdHost[] = Array.from({ length: 40 }, (_, i) => ({ id: i + 1, hostname: `h${i}`, ip: `127.0.1.${i + 1}`, labels: {}, nodeIds: [1] }));
const sdTargets = sdHosts.map((h) => `${h.ip}:9100`);

const jobs: JobSpec[] = [
  { id: 1, name: 'static', enabled: true, metricsPath: '/metrics', scheme: 'http', port: null, scrapeInterval: null, scrapeTimeout: null, honorLabels: false, relabelConfigs: null, discovery: { kind: 'static', targets: staticTargets } },
  { id: 2, name: 'tree', enabled: true, metricsPath: '/metrics', scheme: 'http', port: null, scrapeInterval: null, scrapeTimeout: null, honorLabels: false, relabelConfigs: null, discovery: { kind: 'http_sd', nodeIds: [1] } },
];

async function sdServer(instances: InstanceSpec[], mode: ShardingMode): Promise<{ server: Server; url: string }> {
  const all = shardMembers(instances).map((i) => i.address);
  const server = createHttpServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.headers.authorization !== `Bearer ${SD_TOKEN}` || url.pathname !== '/api/v1/sd/jobs/2') {
      res.writeHead(req.headers.authorization ? 404 : 401).end();
      return;
    }
    const address = url.searchParams.get('instance');
    const instance = mode === 'consistent' && address ? { address, all } : undefined;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(buildTargetGroups({ job: { id: 2, name: 'tree', port: null }, nodes: sdNodes, hosts: sdHosts, instance })));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}

interface ActiveTarget {
  scrapePool: string;
  discoveredLabels: Record<string, string>;
  labels: Record<string, string>;
}

async function activeTargets(address: string): Promise<ActiveTarget[]> {
  try {
    const r = await fetch(`http://${address}/api/v1/targets?state=active`);
    return ((await r.json()) as { data: { activeTargets: ActiveTarget[] } }).data.activeTargets;
  } catch {
    return []; // not up yet
  }
}

async function runPool(instances: InstanceSpec[], mode: ShardingMode): Promise<Map<string, ActiveTarget[]>> {
  const sd = await sdServer(instances, mode);
  const pool: PoolSpec = {
    id: 1, name: `e2e-${mode}`, scrapeInterval: '1h', scrapeTimeout: '10s', evaluationInterval: '1m', externalLabels: {},
    remoteWrite: [], remoteRead: [], sharding: mode, alertRulesEnabled: false, recordRulesEnabled: false,
  };
  const ctx: RenderContext = { publicUrl: sd.url, sdToken: SD_TOKEN, alertmanagers: [], ruleFiles: [] };
  const dir = mkdtempSync(join(tmpdir(), 'promduty-e2e-shard-'));
  const running: RunningProcess[] = [];
  try {
    for (const inst of instances) {
      const home = join(dir, String(inst.id));
      for (const f of renderPrometheusConfig(pool, inst, instances, jobs, ctx)) {
        mkdirSync(dirname(join(home, f.path)), { recursive: true });
        writeFileSync(join(home, f.path), f.content);
      }
      running.push(await startPrometheus(join(home, 'prometheus.yml'), Number(inst.address.split(':')[1])));
    }
    // Discovery reaches the scrape manager in batches (every 5 s): wait until all targets are placed.
    const expected = staticTargets.length + sdTargets.length;
    const deadline = Date.now() + 60_000;
    for (;;) {
      const seen = new Map(await Promise.all(instances.map(async (i) => [i.address, await activeTargets(i.address)] as const)));
      if ([...seen.values()].flat().length >= expected) return seen;
      assert.ok(Date.now() < deadline, `only ${[...seen.values()].flat().length} of ${expected} targets active after 60 s`);
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await Promise.all(running.map((r) => r.stop()));
    sd.server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const SCENARIOS = [
  { mode: 'hashmod', standby: null },
  { mode: 'hashmod', standby: 3 },
  { mode: 'consistent', standby: 2 },
] as const;

for (const { mode, standby } of SCENARIOS) {
  test(`${mode}${standby ? `, instance ${standby} unhealthy` : ''}: every target active on exactly one of 3 real Prometheus instances`, async () => {
    const instances: InstanceSpec[] = [];
    for (const id of [1, 2, 3]) instances.push({ id, address: `127.0.0.1:${await freePort()}`, healthy: id !== standby });
    const seen = await runPool(instances, mode);
    const members = shardMembers(instances).map((i) => i.address);
    for (const [job, targets] of [['static', staticTargets], ['tree', sdTargets]] as const) {
      const owners = new Map<string, string[]>();
      for (const [address, active] of seen) {
        for (const t of active.filter((a) => a.scrapePool === job)) {
          const target = t.discoveredLabels.__address__!;
          owners.set(target, [...(owners.get(target) ?? []), address]);
          if (job === 'tree') assert.equal(t.labels.tree_path, '/e2e/leaf', 'http_sd labels reach the series');
        }
      }
      assert.deepEqual([...owners.keys()].sort(), [...targets].sort(), `${job}: the active targets are exactly the job's targets`);
      for (const [t, by] of owners) {
        assert.equal(by.length, 1, `${job}: ${t} active on ${by.join(', ')}`);
        assert.ok(members.includes(by[0]!), `${job}: ${t} active on the standby`);
      }
      if (mode === 'hashmod') {
        const predicted = hashmodOwners(targets, members);
        for (const [t, by] of owners) assert.equal(by[0], predicted.get(t), `${t}: Prometheus' hashmod differs from prometheusHashmod`);
      }
      const perInstance = instances.map((i) => [...owners.values()].filter((by) => by[0] === i.address).length);
      console.log(`  ${mode}, standby ${standby ?? 'none'}, ${job}: ${targets.length} targets split ${perInstance.join(' / ')}`);
    }
  });
}
