import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/core/clock';
import { startTestApp, type TestApp } from '../support/app';
import { waitFor } from '../support/processes';

const NOW = new Date('2026-12-05T10:00:00Z');
const INSTANCE = '127.0.0.1:19999';
const HEAVY = 'sum by (job) (rate(http_requests_total[5m]))';
const WIDE = 'histogram_quantile(0.9, sum by (le) (rate(rpc_seconds_bucket[1m])))';

const line = (query: string, execTotalTime: number, samples: number, ts = NOW.toISOString(), extra: object = { httpRequest: { path: '/api/v1/query_range' } }) =>
  JSON.stringify({ ...extra, params: { query, step: 15 }, stats: { timings: { execTotalTime }, samples: { totalQueryableSamples: samples, peakSamples: samples / 100 } }, ts });

describe('the query log endpoint and /rules suggest on real MariaDB', () => {
  let t: TestApp;
  let poolId: number;
  const clock = new ManualClock(NOW);
  const push = (body: string, opts: { token?: string | null; type?: string; path?: string } = {}) =>
    fetch(`${t.url}${opts.path ?? `/api/v1/pools/${poolId}/instances/${INSTANCE}/query-log`}`, {
      method: 'POST',
      headers: { 'content-type': opts.type ?? 'application/x-ndjson', ...(opts.token !== null && { authorization: `Bearer ${opts.token ?? 'test-sd-token'}` }) },
      body,
    });

  before(async () => {
    t = await startTestApp({ clock, env: { SD_TOKEN: 'test-sd-token', PUBLISH_DEBOUNCE_MS: '50' } });
    const pool = await t.api('POST', '/api/v1/pools', { name: 'main', instances: [INSTANCE], queryLogFile: '/var/log/prometheus/query.log' });
    assert.equal(pool.status, 201, JSON.stringify(pool.body));
    assert.equal(pool.body.queryLogFile, '/var/log/prometheus/query.log');
    poolId = pool.body.id;
  });
  after(async () => t?.close());

  test('the pool setting reaches prometheus.yml', async () => {
    const yml = await t.api('GET', `/api/v1/pools/${poolId}/instances/${INSTANCE}/prometheus.yml`);
    assert.match(yml.body, /query_log_file: '\/var\/log\/prometheus\/query.log'/);
    const bad = await t.api('PATCH', `/api/v1/pools/${poolId}`, { queryLogFile: 'query.log' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.details[0].path, 'queryLogFile');
  });

  test('bounded input: token, pool and instance checked, text only, 1 MiB and 10,000 lines at most', async () => {
    assert.equal((await push(line(HEAVY, 1, 1), { token: null })).status, 401);
    assert.equal((await push(line(HEAVY, 1, 1), { token: 'wrong' })).status, 401);
    assert.equal((await push(line(HEAVY, 1, 1), { path: `/api/v1/pools/${poolId}/instances/10.9.9.9:9090/query-log` })).status, 404);
    assert.equal((await push(line(HEAVY, 1, 1), { path: `/api/v1/pools/999/instances/${INSTANCE}/query-log` })).status, 404);
    assert.equal((await push(line(HEAVY, 1, 1), { type: 'application/json' })).status, 415);
    const big = await push('x'.repeat(1024 * 1024 + 1));
    assert.equal(big.status, 413);
    const lines = await push('\n'.repeat(10_001));
    assert.equal(lines.status, 413);
    assert.match(((await lines.json()) as { error: { message: string } }).error.message, /at most 10000 lines/);
    assert.equal((await t.api('GET', '/api/v1/rule-suggestions?poolId=' + poolId)).body.repeated, 0, 'nothing refused was counted');
  });

  test('the heaviest repeated query is suggested first; one click records it and the pool publishes it', async () => {
    const log = [
      ...Array.from({ length: 12 }, () => line(HEAVY, 0.9, 4_000_000)),
      ...Array.from({ length: 12 }, () => line(WIDE, 0.05, 200_000)),
      ...Array.from({ length: 40 }, () => line('up', 0.001, 50)),
      line(HEAVY, 50, 1e9, NOW.toISOString(), { ruleGroup: { name: 'x' } }), // a rule evaluation: left out
      'not json',
    ].join('\n');
    const r = await push(log);
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { accepted: 64, queries: 3, rules: 1, malformed: 1, tooLong: 0 });
    assert.equal((await push(line(HEAVY, 0.9, 4_000_000))).status, 200); // totals add up across requests

    const s = await t.api('GET', `/api/v1/rule-suggestions?poolId=${poolId}`);
    assert.equal(s.status, 200, JSON.stringify(s.body));
    assert.equal(s.body.repeated, 3);
    assert.deepEqual(s.body.items.map((i: any) => [i.query, i.record, i.runs]), [
      [HEAVY, 'job:http_requests:rate5m', 13],
      [WIDE, 'le:rpc_seconds_bucket:rate1m', 12],
    ]);
    assert.equal(s.body.passed[0].query, 'up');

    const accept = await t.api('POST', '/api/v1/rule-suggestions/accept', { poolId, query: s.body.items[0].hash, index: 0 });
    assert.equal(accept.status, 201, JSON.stringify(accept.body));
    assert.equal(accept.body.rule.expr, HEAVY);
    assert.equal(accept.body.suggestion.rewritten, 'job:http_requests:rate5m');
    const records = await t.api('GET', `/api/v1/pools/${poolId}/instances/${INSTANCE}/records.yml`);
    assert.match(records.body, /record: 'job:http_requests:rate5m'\n\s+expr: 'sum by \(job\) \(rate\(http_requests_total\[5m\]\)\)'/);
    // The publisher wrote the same file to the instance's directory (its reload fails: nothing listens there).
    await waitFor('the publish of records.yml', async () => {
      const row = await t.app.db('publish_state as s').join('prometheus_instances as i', 'i.id', 's.target_id').where({ 'i.address': INSTANCE, 's.file': 'records.yml' }).first('s.content');
      return row?.content === records.body;
    });
    const again = await t.api('POST', '/api/v1/rule-suggestions/accept', { poolId, query: s.body.items[0].hash, index: 0 });
    assert.equal(again.status, 200);
    assert.equal(again.body.created, false);
    const after = (await t.api('GET', `/api/v1/rule-suggestions?poolId=${poolId}`)).body.items[0];
    assert.deepEqual(after.existing, { id: accept.body.rule.id, sameExpr: true });
    const audit = await t.app.db('audit_log').where({ entity: 'record_rule', action: 'create' });
    assert.equal(audit.length, 1);
  });

  test('a name another record rule already holds is a conflict, never a silent overwrite', async () => {
    await t.api('POST', '/api/v1/record-rules', { poolId, record: 'le:rpc_seconds_bucket:rate1m', expr: 'sum by (le) (rate(rpc_seconds_bucket[5m]))' });
    const s = (await t.api('GET', `/api/v1/rule-suggestions?poolId=${poolId}`)).body.items.find((i: any) => i.query === WIDE);
    assert.equal(s.existing.sameExpr, false);
    const r = await t.api('POST', '/api/v1/rule-suggestions/accept', { poolId, query: s.hash, index: 0 });
    assert.equal(r.status, 409);
    assert.match(r.body.error.message, /already named le:rpc_seconds_bucket:rate1m/);
    assert.equal((await t.api('POST', '/api/v1/rule-suggestions/accept', { poolId, query: 'abcdef0123456789', index: 0 })).status, 404);
    assert.equal((await t.api('POST', '/api/v1/rule-suggestions/accept', { poolId, query: 'nothex', index: 0 })).status, 400);
  });

  test('days older than two weeks are dropped as new ones arrive; the ranking reads the last seven', async () => {
    const old = new Date(NOW.getTime() - 20 * 86_400_000).toISOString();
    const lastWeek = new Date(NOW.getTime() - 9 * 86_400_000).toISOString();
    await push([line('sum(rate(old_total[5m]))', 5, 1e9, old), ...Array.from({ length: 5 }, () => line('sum(rate(nine_total[5m]))', 5, 1e9, lastWeek))].join('\n'));
    const days = (await t.app.db('query_log_stats').where({ pool_id: poolId }).select('day')).map((r: any) => new Date(r.day).toISOString().slice(0, 10));
    assert.ok(!days.includes(old.slice(0, 10)));
    assert.ok(days.includes(lastWeek.slice(0, 10)));
    const s = (await t.api('GET', `/api/v1/rule-suggestions?poolId=${poolId}`)).body;
    assert.ok(!s.items.some((i: any) => i.query.includes('nine_total')), 'nine days ago is outside the week ranked');
  });
});
