import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { applySelfRules } from '../../scripts/self-rules/apply';
import { SELF_RULES_FILE, selfRules } from '../../scripts/self-rules/plan';
import { startTestApp, type TestApp } from '../support/app';
import { freePort } from '../support/processes';
import { assertToolOk, promtoolCheckRules } from '../support/prom-tools';

describe('npm run self-rules: promduty loads the rules for its own health into one of its pools', () => {
  let t: TestApp;
  let poolId: number;
  let sendGroupId: number;
  let instance: string;
  const count = Number(selfRules(readFileSync(SELF_RULES_FILE, 'utf8'), { poolId: 0, sendGroupId: 0, job: 'x' }).length);
  const ok = async (method: string, path: string, body?: unknown) => {
    const r = await t.api(method, path, body);
    assert.ok(r.status < 300, `${method} ${path}: ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const apply = () => applySelfRules({ url: t.url, token: 'test-api-token', poolId, sendGroupId, job: 'promduty' });

  before(async () => {
    t = await startTestApp({ env: { SD_TOKEN: 'test-sd-token', PUBLISH_DEBOUNCE_MS: '50' } });
    instance = `127.0.0.1:${await freePort()}`;
    const cluster = await ok('POST', '/api/v1/alertmanager-clusters', { name: 'self', instances: [`127.0.0.1:${await freePort()}`] });
    sendGroupId = (await ok('POST', '/api/v1/send-groups', { name: 'promduty-ops', alertmanagerClusterId: cluster.id })).id;
    poolId = (await ok('POST', '/api/v1/pools', { name: 'self', instances: [instance], alertmanagerClusterId: cluster.id })).id;
    await ok('POST', '/api/v1/alert-rules', { poolId, sendGroupId, name: 'SomeoneElsesRule', expr: 'up == 0' });
  });
  after(() => t.close());

  const listed = async () => (await ok('GET', `/api/v1/alert-rules?poolId=${poolId}`)).items as { id: number; name: string; expr: string; severity: string }[];

  test('the first run creates every rule; the second creates and changes nothing', async () => {
    const first = await apply();
    assert.deepEqual([first.create.length, first.update.length, first.unchanged.length], [count, 0, 0]);
    const second = await apply();
    assert.deepEqual([second.create.length, second.update.length, second.unchanged.length], [0, 0, count]);
    const names = (await listed()).map((r) => r.name);
    assert.equal(names.length, count + 1, 'each rule once, the other rule untouched');
    assert.equal(new Set(names).size, names.length);
    assert.ok(names.includes('SomeoneElsesRule'));
  });

  test('a rule edited since is set back', async () => {
    const down = (await listed()).find((r) => r.name === 'PromdutyDown')!;
    await ok('PATCH', `/api/v1/alert-rules/${down.id}`, { expr: 'up == 2', severity: 'info' });
    const run = await apply();
    assert.deepEqual(run.update.map((u) => u.name), ['PromdutyDown']);
    const back = (await listed()).find((r) => r.name === 'PromdutyDown')!;
    assert.deepEqual([back.id, back.expr, back.severity], [down.id, 'up{job="promduty"} == 0', 'critical']);
  });

  test("the pool's published rules.yml carries them and promtool accepts it", async () => {
    const path = `/api/v1/pools/${poolId}/instances/${instance}/rules.yml`;
    const res = await fetch(`${t.url}${path}`, { headers: { authorization: 'Bearer test-sd-token' } });
    assert.equal(res.status, 200);
    const file = await res.text();
    for (const name of ['PromdutyDown', 'PromdutyDeadLetters', 'PromdutyPublishFailing']) assert.match(file, new RegExp(`alert: ${name}\\b`));
    assertToolOk(promtoolCheckRules(file));
  });

  test('an unknown send group: a clear error and nothing created', async () => {
    const before = (await listed()).length;
    const other = (await ok('POST', '/api/v1/pools', { name: 'self-2', instances: [] })).id;
    await assert.rejects(applySelfRules({ url: t.url, token: 'test-api-token', poolId: other, sendGroupId: 999_999, job: 'promduty' }), /400.*sendGroupId/);
    assert.equal((await ok('GET', `/api/v1/alert-rules?poolId=${other}`)).items.length, 0);
    assert.equal((await listed()).length, before);
  });
});
