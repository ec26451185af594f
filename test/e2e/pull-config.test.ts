import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '../support/app';
import { freePort, startPrometheus, waitFor, writeFileDeep, type RunningProcess } from '../support/processes';

let t: TestApp;
let prom: RunningProcess;
const dir = mkdtempSync(join(tmpdir(), 'pd-pull-e2e-'));

before(async () => {
  t = await startTestApp({ env: { SD_TOKEN: 'pull-sd-token' } });
  const port = await freePort();
  await writeFileDeep(join(dir, 'prometheus.yml'), 'scrape_configs: []\n');
  prom = await startPrometheus(join(dir, 'prometheus.yml'), port);
});
after(async () => {
  await prom.stop();
  await t.close();
});

// Async on purpose: the script calls the app running in this very process.
const pull = (token = 'pull-sd-token') =>
  new Promise<{ status: number; stderr: string }>((resolve) => {
    execFile(
      'bash',
      ['scripts/pull-config.sh'],
      { env: { ...process.env, PROMDUTY_URL: t.url, PROMDUTY_TOKEN: token, POOL_ID: String(poolId), INSTANCE: prom.address, CONFIG_DIR: dir } },
      (err, _stdout, stderr) => resolve({ status: err ? Number(err.code ?? 1) : 0, stderr }),
    );
  });
let poolId = 0;

test('scripts/pull-config.sh writes what changed and reloads Prometheus; a second run is a no-op', { timeout: 60_000 }, async () => {
  poolId = (await t.api('POST', '/api/v1/pools', { name: 'pulled', instances: [prom.address] })).body.id;
  const job = await t.api('POST', '/api/v1/scrape-jobs', { poolId, name: 'self', discovery: { kind: 'static', targets: [prom.address] } });
  assert.equal(job.status, 201);
  const first = await pull();
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stderr, /updated prometheus\.yml/);
  assert.match(first.stderr, /reloaded/);
  assert.match(readFileSync(join(dir, 'prometheus.yml'), 'utf8'), /job_name: self/);
  await waitFor('the pulled job to be active', async () => {
    const body = (await (await fetch(`http://${prom.address}/api/v1/targets`)).json()) as any;
    return body.data.activeTargets.some((x: any) => x.labels.job === 'self');
  });
  const second = await pull();
  assert.equal(second.status, 0, second.stderr);
  assert.match(second.stderr, /up to date/);
  const denied = await pull('wrong-token');
  assert.notEqual(denied.status, 0);
  assert.match(denied.stderr, /401/);
});
