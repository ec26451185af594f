/**
 * What the alert benchmarks share: a local Feishu, promduty as real child processes (their
 * own CPU and memory, as in production), send groups to alert, and an HTTP load generator.
 */
import { spawnSync } from 'node:child_process';
import { Agent, request } from 'node:http';
import autocannon from 'autocannon';
import { FeishuServer } from '../src/sandbox/feishu-server';
import { APP, WEBHOOK_TOKEN } from '../test/support/alerts';
import { postJson, promdutyWorld, type PromdutyProcess, type PromdutyWorld } from '../test/support/promduty-process';

export interface BenchWorld {
  feishu: FeishuServer;
  world: PromdutyWorld;
  processes: PromdutyProcess[];
  start(env?: Record<string, string>, nodeArgs?: string[]): Promise<PromdutyProcess>;
  close(): Promise<void>;
}

const BUILD = 'var/bench-build';
let built = false;

/** Compiles promduty once per run (into var/, not dist/): benchmarks run what `npm start` runs. */
function build(): string[] {
  if (!built) {
    const r = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--outDir', BUILD], { stdio: 'inherit' });
    if (r.status !== 0) process.stderr.write('bench: tsc reported errors (some files are work in progress); running what it emitted\n');
    built = true;
  }
  // The heap cap scripts/start.mjs gives promduty (PROMDUTY_HEAP_MB, default 512).
  return ['--max-old-space-size=512', `${BUILD}/src/main.js`];
}

/**
 * `BENCH_CPU_PROF=<dir>`: every promduty process but the API-only ones (the load's queue
 * fillers) runs with --cpu-prof and is stopped gracefully, so V8 writes its profile there.
 */
const PROFILE_DIR = process.env.BENCH_CPU_PROF;

export async function benchWorld(): Promise<BenchWorld> {
  const feishu = await FeishuServer.start(APP);
  const world = promdutyWorld(feishu.url, build());
  const processes: PromdutyProcess[] = [];
  return {
    feishu,
    world,
    processes,
    start: async (env, nodeArgs = []) => {
      const profile = PROFILE_DIR && env?.ROLE !== 'api' ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [];
      const p = await world.start(env, [...profile, ...nodeArgs]);
      processes.push(p);
      return p;
    },
    close: async () => {
      await Promise.all(processes.map((p) => p.stop(PROFILE_DIR ? 'SIGTERM' : 'SIGKILL')));
      await feishu.close();
      await world.drop();
    },
  };
}

/**
 * `groups` send groups, each with its own chat (oc_bench<i>) and its own person on call
 * (ou_bench<i>, messaged privately), all on one Alertmanager cluster. Returns their ids.
 */
export async function seedGroups(url: string, groups: number, extra: Record<string, unknown> = {}): Promise<number[]> {
  const api = (path: string, body: unknown) => postJson(`${url}${path}`, body);
  const clusterId = (await api('/api/v1/alertmanager-clusters', { name: 'bench' })).id;
  const ids: number[] = [];
  for (let i = 0; i < groups; i++) {
    const user = (await api('/api/v1/users', { name: `bench${i}`, feishuOpenId: `ou_bench${i}` })).id;
    const oncallGroupId = (await api('/api/v1/oncall-groups', { name: `bench${i}`, members: [user], startDate: '2025-01-01' })).id;
    ids.push((await api('/api/v1/send-groups', { name: `bench${i}`, alertmanagerClusterId: clusterId, oncallGroupId, feishuChatId: `oc_bench${i}`, ...extra })).id);
  }
  return ids;
}

/**
 * A webhook body with `alerts` alerts, unique per `n` (group key, fingerprints, instances),
 * built from a template so the load generator spends its CPU on sending, not on JSON.
 */
export function bodyMaker(alerts: number, sendGroupOf: (n: number) => number, alertname = (n: number) => `Bench${n % 50}`): (n: number) => string {
  const alert = (i: number) =>
    JSON.stringify({
      status: 'firing',
      labels: { alertname: '@NAME@', instance: `10.@N@.${i}:9100`, job: 'node', severity: 'critical', send_group: '@SG@', rule_id: '1' },
      annotations: { summary: `host 10.@N@.${i} is down`, description: 'node_exporter did not answer the last 3 scrapes', description_value: '0' },
      startsAt: '2026-01-05T01:00:00.123456789Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus-0:9090/graph?g0.expr=up%3D%3D0&g0.tab=1',
      fingerprint: `f@N@x${i}`,
    });
  const template = JSON.stringify({
    receiver: 'sg-@SG@',
    status: 'firing',
    alerts: [],
    groupLabels: { alertname: '@NAME@' },
    commonLabels: { alertname: '@NAME@', job: 'node', send_group: '@SG@' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager-0:9093',
    version: '4',
    groupKey: '{}/{send_group="@SG@"}:{alertname="@NAME@", batch="@N@"}',
    truncatedAlerts: 0,
  }).replace('"alerts":[]', `"alerts":[${Array.from({ length: alerts }, (_, i) => alert(i)).join(',')}]`);
  return (n) => template.replaceAll('@N@', String(n)).replaceAll('@SG@', String(sendGroupOf(n))).replaceAll('@NAME@', alertname(n));
}

/**
 * Closed-loop webhook load from autocannon (`connections` keep-alive connections, each posting
 * as soon as its last answer came), for `seconds` or until `amount` requests. autocannon
 * costs about a third of node:http's client per request, so less of the 2 cores goes to the
 * load generator.
 */
export async function webhookLoad(baseUrl: string, body: (n: number) => string, o: { connections: number; seconds?: number; amount?: number }): Promise<autocannon.Result> {
  let n = 0;
  const r = await autocannon({
    url: `${baseUrl}/api/v1/alerts/webhook`,
    method: 'POST',
    connections: o.connections,
    ...(o.amount ? { amount: o.amount } : { duration: o.seconds ?? 10 }),
    headers: { authorization: `Bearer ${WEBHOOK_TOKEN}`, 'content-type': 'application/json' },
    requests: [{ setupRequest: (req) => ({ ...req, body: body(++n) }) }],
  });
  if (r.errors || r.non2xx) throw new Error(`webhook load: ${r.errors} errors, ${r.non2xx} answers not 2xx`);
  return r;
}

/** Keep-alive webhook posts; resolves with the HTTP status. */
export function webhookPoster(baseUrl: string, sockets: number): { post(body: string): Promise<number>; close(): void } {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  const { hostname, port } = new URL(baseUrl);
  const headers = { authorization: `Bearer ${WEBHOOK_TOKEN}`, 'content-type': 'application/json' };
  return {
    post: (body) =>
      new Promise((resolve, reject) => {
        const req = request({ hostname, port, path: '/api/v1/alerts/webhook', method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end(body);
      }),
    close: () => agent.destroy(),
  };
}
