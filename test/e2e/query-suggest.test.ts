import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { instanceDirName } from '../../src/publish/render-pool';
import type { SandboxMessage } from '../../src/sandbox/feishu-server';
import { startTestApp, type TestApp } from '../support/app';
import { freePort, startPrometheus, waitFor, writeFileDeep, type RunningProcess } from '../support/processes';

const SD_TOKEN = 'e2e-sd-token';
const SERIES = 2000;
// Heavy: every one of the exporter's series, over a range. Light: a handful of series.
const HEAVY = 'sum by (code) (rate(demo_requests_total[30s]))';
const LIGHT = 'sum(rate(prometheus_http_requests_total[30s]))';
const RECORD = 'code:demo_requests:rate30s';
const EVE = { name: 'eve', role: 'editor', openId: 'ou_eve_e2e' };

/** A target with SERIES counters that grow on every scrape. */
function exporter(): Server {
  let n = 0;
  return createServer((_req, res) => {
    n++;
    const lines = Array.from({ length: SERIES }, (_, i) => `demo_requests_total{path="/p${i}",code="${i % 5 === 0 ? 500 : 200}"} ${n * (1 + (i % 7))}`);
    res.end(`# TYPE demo_requests_total counter\n${lines.join('\n')}\n`);
  });
}

/** The sidecar, run as cron would (asynchronously: promduty answers it from this process). */
async function sidecar(env: Record<string, string>): Promise<{ status: number | null; stderr: string }> {
  const child = spawn('bash', ['scripts/push-query-log.sh'], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += String(c)));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const [status] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { status, stderr };
}

async function promQuery(p: RunningProcess, query: string, range = false): Promise<any[]> {
  const now = Date.now() / 1000;
  const url = range
    ? `http://${p.address}/api/v1/query_range?query=${encodeURIComponent(query)}&start=${now - 30}&end=${now}&step=1`
    : `http://${p.address}/api/v1/query?query=${encodeURIComponent(query)}`;
  const body = (await (await fetch(url)).json()) as { status: string; data: { result: any[] } };
  assert.equal(body.status, 'success');
  return body.data.result;
}

/**
 * Issue 18's "query acceleration" end to end, on a real Prometheus 2.42: promduty publishes
 * its config with the query log on, heavy and light queries run, the sidecar sends the log,
 * /rules suggest (through the Feishu sandbox, as a person would) ranks the heavy one first,
 * one click creates the record rule, promduty publishes it and Prometheus evaluates it.
 */
describe('/rules suggest on a real Prometheus with the query log on', () => {
  let t: TestApp;
  let prom: RunningProcess;
  let target: Server;
  let dir: string;
  let poolId: number;
  let address: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pd-querylog-'));
    const port = await freePort();
    t = await startTestApp({ env: { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, SD_TOKEN, PUBLISH_DEBOUNCE_MS: '50', PROBE_INTERVAL_MS: '1000' } });
    target = exporter().listen(0, '127.0.0.1');
    await once(target, 'listening');
    const promPort = await freePort();
    address = `127.0.0.1:${promPort}`;
    const config = join(t.app.settings.configDir, 'main', instanceDirName(address), 'prometheus.yml');
    await writeFileDeep(config, 'global:\n  scrape_interval: 1s\nscrape_configs: []\n');
    prom = await startPrometheus(config, promPort);
    assert.equal((await t.api('POST', '/api/v1/users', { name: EVE.name, role: EVE.role, feishuOpenId: EVE.openId })).status, 201);
  });
  after(async () => {
    await prom?.stop();
    target?.close();
    await t?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('the heavy query comes first; accepting it publishes a record rule Prometheus evaluates', { timeout: 240_000 }, async () => {
    const queryLog = join(dir, 'query.log');
    const pool = await t.api('POST', '/api/v1/pools', { name: 'main', instances: [address], scrapeInterval: '1s', scrapeTimeout: '1s', evaluationInterval: '1s', queryLogFile: queryLog });
    assert.equal(pool.status, 201, JSON.stringify(pool.body));
    poolId = pool.body.id;
    const { port } = target.address() as { port: number };
    const job = await t.api('POST', '/api/v1/scrape-jobs', { poolId, name: 'demo', discovery: { kind: 'static', targets: [`127.0.0.1:${port}`, address] } });
    assert.equal(job.status, 201, JSON.stringify(job.body));
    await waitFor('the demo series in Prometheus, for long enough to rate', async () => (await promQuery(prom, 'count(demo_requests_total offset 5s)'))[0]?.value[1] === String(SERIES));

    // People at work: the heavy dashboard query again and again, the light one more often.
    for (let i = 0; i < 8; i++) await promQuery(prom, HEAVY, true);
    for (let i = 0; i < 20; i++) await promQuery(prom, LIGHT, true);
    for (let i = 0; i < 20; i++) await promQuery(prom, 'up');
    await waitFor('the queries in the query log', async () => readFileSync(queryLog, 'utf8').split('\n').filter((l) => l.includes('"httpRequest"')).length >= 48);

    const env = { PROMDUTY_URL: t.url, PROMDUTY_TOKEN: SD_TOKEN, POOL_ID: String(poolId), INSTANCE: address, QUERY_LOG: queryLog, STATE_FILE: join(dir, 'offset') };
    const pushed = await sidecar(env);
    assert.equal(pushed.status, 0, pushed.stderr);
    assert.match(pushed.stderr, /sent \d+ bytes/);
    // A second run sends only what was added since (here: nothing), so nothing counts twice.
    const second = await sidecar(env);
    assert.equal(second.status, 0, second.stderr);
    assert.doesNotMatch(second.stderr, /sent/);

    // In chat, as eve: /rules suggest.
    const sandbox = t.app.sandbox!;
    const chat = sandbox.server.p2pChatOf(EVE.openId);
    const cards = (): SandboxMessage[] => sandbox.server.messages().filter((m) => m.chat_id === chat && m.via === 'app');
    const said = await sandbox.say(t.url, EVE, chat, '/rules suggest main');
    assert.equal(said.status, 200);
    const reply = await waitFor('the suggestions card', async () => cards().find((m) => m.content?.header?.title?.content === 'Query acceleration: main'));
    const first = reply.content.body.elements.find((e: any) => e.tag === 'markdown');
    assert.match(first.content, /^\*\*1\. code:demo&#95;requests:rate30s\*\* · 8 runs/, 'the heavy query first, though the light one ran more often');
    const button = reply.content.body.elements.find((e: any) => e.tag === 'button');
    const value = button.behaviors[0].value;
    assert.equal(value.a, 'rule_suggest');

    const clicked = await sandbox.act(t.url, EVE, reply.message_id, { tag: 'button', value });
    assert.deepEqual(clicked.toast, { type: 'success', content: `Record rule ${RECORD} created; publishing` });
    assert.ok(clicked.cardUpdated);
    const updated = sandbox.server.messages().find((m) => m.message_id === reply.message_id)!;
    assert.match(JSON.stringify(updated.content), /Query it instead: code:demo&#95;requests:rate30s/);

    // Published to the instance, loaded and evaluated by Prometheus.
    const recorded = await waitFor('Prometheus to evaluate the record rule', async () => {
      const rows = await promQuery(prom, RECORD);
      return rows.length ? rows : undefined;
    });
    const rules = (await (await fetch(`http://${address}/api/v1/rules?type=record`)).json()) as any;
    const rule = rules.data.groups.flatMap((g: any) => g.rules).find((r: any) => r.name === RECORD);
    assert.equal(rule?.health, 'ok');
    assert.equal(rule.query, HEAVY);
    // The recorded series answer for the same groups the heavy query does.
    const direct = await promQuery(prom, HEAVY);
    const codes = (rows: any[]) => rows.map((r) => r.metric.code).sort();
    assert.deepEqual(codes(recorded), codes(direct));
    assert.deepEqual(codes(recorded), ['200', '500']);
  });
});
