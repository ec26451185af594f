import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../support/app';

describe('http basics', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ env: { BODY_LIMIT: '16kb' } });
  });
  after(() => t.close());

  test('healthz and readyz answer without a token', async () => {
    assert.deepEqual((await t.api('GET', '/healthz', undefined, null)).body, { status: 'ok' });
    const r = await t.api('GET', '/readyz', undefined, null);
    assert.equal(r.status, 200, 'durability is not required here (no Feishu app), whatever the shared Redis runs with');
    const { database, redis, redis_durability } = r.body.checks;
    assert.deepEqual({ database, redis }, { database: 'ok', redis: 'ok' });
    assert.match(redis_durability, /^ok$|^Redis does not keep/, 'reported either way (test/integration/redis-durability.test.ts has the details)');
  });

  test('the admin API wants the bearer token', async () => {
    for (const token of [null, 'wrong-token']) {
      const r = await t.api('GET', '/api/v1/users', undefined, token);
      assert.equal(r.status, 401);
      assert.equal(r.body.error.code, 'unauthorized');
      assert.match(r.headers.get('www-authenticate') ?? '', /Bearer/);
    }
    assert.equal((await t.api('GET', '/api/v1/users')).status, 200);
  });

  test('unknown routes and bad ids are JSON errors', async () => {
    const r = await t.api('GET', '/nope');
    assert.equal(r.status, 404);
    assert.equal(r.body.error.code, 'not_found');
    const bad = await t.api('GET', '/api/v1/users/abc');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.details[0].path, 'id');
    const missing = await t.api('GET', '/api/v1/users/999999');
    assert.equal(missing.status, 404);
  });

  test('malformed JSON is a 400, a body over the limit a 413', async () => {
    const res = await fetch(`${t.url}/api/v1/users`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-api-token', 'content-type': 'application/json' },
      body: '{"name":',
    });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as any).error.code, 'validation_failed');
    const big = await t.api('POST', '/api/v1/users', { name: 'x'.repeat(20_000) });
    assert.equal(big.status, 413);
    assert.equal(big.body.error.code, 'payload_too_large');
  });

  test('request ids are echoed or made', async () => {
    const res = await fetch(`${t.url}/healthz`, { headers: { 'x-request-id': 'abc-123' } });
    assert.equal(res.headers.get('x-request-id'), 'abc-123');
    const res2 = await fetch(`${t.url}/healthz`);
    assert.match(res2.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  });

  test('metrics expose the standard process and Node.js metrics, the request histogram by route and queue depths', async () => {
    await t.api('GET', '/api/v1/users');
    const r = await t.api('GET', '/metrics', undefined, null);
    assert.equal(r.status, 200);
    assert.match(r.body, /^process_cpu_seconds_total \d/m);
    assert.match(r.body, /^nodejs_eventloop_lag_seconds \d/m);
    assert.doesNotMatch(r.body, /promduty_(process|nodejs)_/);
    assert.match(r.body, /^promduty_ready 1$/m, 'database and Redis reachable');
    assert.match(r.body, /promduty_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/users",status="200"\} \d+/);
    assert.match(r.body, /promduty_queue_jobs\{queue="alerts",state="waiting"\} 0/);
  });
});
