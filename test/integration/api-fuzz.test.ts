import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startTestApp, type TestApp } from '../support/app';

/**
 * Random and half-valid bodies, queries and ids on every admin endpoint: whatever comes in,
 * the answer is a 2xx or a 4xx with the error shape, never a 500.
 */
describe('admin API under random input', { timeout: 300_000 }, () => {
  let t: TestApp;
  const ids: Record<string, number> = {};
  const post = async (path: string, body: unknown) => {
    const r = await t.api('POST', path, body);
    assert.equal(r.status, 201, `${path}: ${JSON.stringify(r.body)}`);
    return r.body.id as number;
  };

  before(async () => {
    t = await startTestApp({ env: { PUBLISH_DEBOUNCE_MS: '600000' } });
    ids.user = await post('/api/v1/users', { name: 'ada', role: 'admin', feishuOpenId: 'ou_ada' });
    ids.node = await post('/api/v1/tree/nodes', { name: 'shop' });
    ids.host = await post('/api/v1/hosts', { hostname: 'h1', ip: '10.0.0.1', labels: { dc: 'a' }, nodeIds: [ids.node] });
    ids.cluster = await post('/api/v1/alertmanager-clusters', { name: 'am', instances: ['127.0.9.1:9093'] });
    ids.oncall = await post('/api/v1/oncall-groups', { name: 'sre', members: [ids.user], startDate: '2026-01-05' });
    ids.group = await post('/api/v1/send-groups', { name: 'ops', alertmanagerClusterId: ids.cluster, oncallGroupId: ids.oncall });
    ids.pool = await post('/api/v1/pools', { name: 'main', instances: ['127.0.9.2:9090'], alertmanagerClusterId: ids.cluster });
    ids.job = await post('/api/v1/scrape-jobs', { poolId: ids.pool, name: 'node', discovery: { kind: 'http_sd', nodeIds: [ids.node] } });
    ids.rule = await post('/api/v1/alert-rules', { poolId: ids.pool, sendGroupId: ids.group, name: 'Up', expr: 'up == 0' });
    ids.record = await post('/api/v1/record-rules', { poolId: ids.pool, record: 'job:up:sum', expr: 'sum by (job) (up)' });
  });
  after(() => t.close());

  // Valid bodies to mutate, per collection.
  const valid = (): Record<string, Record<string, unknown>> => ({
    '/api/v1/users': { name: 'bob', email: 'bob@example.com', role: 'editor', feishuOpenId: 'ou_bob', feishuUserId: 'b1' },
    '/api/v1/tree/nodes': { name: 'db', parentId: ids.node },
    '/api/v1/hosts': { hostname: 'h2', ip: '10.0.0.2', labels: { dc: 'b' }, nodeIds: [ids.node] },
    '/api/v1/pools': {
      name: 'p2', instances: ['127.0.9.3:9090'], externalLabels: { r: 'x' }, scrapeInterval: '30s', scrapeTimeout: '10s',
      remoteWrite: [{ url: 'http://127.0.0.1:9201/write', headers: { 'X-A': 'b' } }], sharding: 'consistent',
    },
    '/api/v1/scrape-jobs': {
      poolId: ids.pool, name: 'j2', metricsPath: '/metrics', scheme: 'http', port: 9100, scrapeInterval: '30s', scrapeTimeout: '10s',
      relabelConfigs: '- action: keep\n  source_labels: [a]\n  regex: x', discovery: { kind: 'static', targets: ['10.0.0.3:9100'], labels: { a: 'b' } },
    },
    '/api/v1/alertmanager-clusters': { name: 'am2', instances: ['127.0.9.4:9093'], groupBy: ['alertname'], groupWait: '30s' },
    '/api/v1/send-groups': {
      name: 'g2', alertmanagerClusterId: ids.cluster, feishuChatId: 'oc_x', userIds: [ids.user], escalation: { enabled: true, levels: [{ afterMinutes: 5, userIds: [ids.user] }] },
    },
    '/api/v1/alert-rules': {
      poolId: ids.pool, sendGroupId: ids.group, name: 'R', expr: 'rate(x[5m]) > 1', for: '5m', severity: 'critical',
      labels: { team: 'a' }, annotations: { summary: '{{ $labels.instance }} is {{ $value | humanize }}' },
    },
    '/api/v1/record-rules': { poolId: ids.pool, record: 'job:x:rate5m', expr: 'sum by (job) (rate(x[5m]))', labels: { a: 'b' } },
    '/api/v1/oncall-groups': { name: 'sre2', members: [ids.user], shiftDays: 2, startDate: '2026-01-05', handoffTime: '09:30', timezone: 'Asia/Shanghai' },
    [`/api/v1/oncall-groups/${ids.oncall}/swaps`]: { day: '2099-01-01', toUserId: ids.user },
    '/api/v1/promql/validate': { expr: 'up', forRule: true },
  });
  const itemOf: Record<string, () => number> = {
    '/api/v1/users': () => ids.user!,
    '/api/v1/tree/nodes': () => ids.node!,
    '/api/v1/hosts': () => ids.host!,
    '/api/v1/pools': () => ids.pool!,
    '/api/v1/scrape-jobs': () => ids.job!,
    '/api/v1/alertmanager-clusters': () => ids.cluster!,
    '/api/v1/send-groups': () => ids.group!,
    '/api/v1/alert-rules': () => ids.rule!,
    '/api/v1/record-rules': () => ids.record!,
    '/api/v1/oncall-groups': () => ids.oncall!,
  };

  const strings = fc.oneof(
    fc.string(),
    fc.constantFrom('', ' ', '\ud800', 'a\udc00b', '\u0000', '__proto__', 'constructor', '😀', 'x'.repeat(70_000), '1e999', '-1', '0', '[]', '{}', 'null'),
  );
  const values = fc.oneof({ maxDepth: 2 }, fc.jsonValue({ maxDepth: 2 }), strings, fc.constantFrom(-1, 0, 2 ** 53, 1e308, -0, 0.5, [], {}, null, true));

  /** A valid body with one field replaced, removed or added. */
  function mutated(base: Record<string, unknown>) {
    const keys = Object.keys(base);
    return fc.oneof(
      fc.tuple(fc.constantFrom(...keys), values).map(([k, v]) => ({ ...base, [k]: v })),
      fc.tuple(fc.constantFrom(...keys), values).map(([k, v]) => {
        const inner = base[k];
        return inner && typeof inner === 'object' && !Array.isArray(inner) ? { ...base, [k]: { ...inner, [Object.keys(inner)[0] ?? 'x']: v } } : { ...base, [k]: [v] };
      }),
      fc.constantFrom(...keys).map((k) => Object.fromEntries(Object.entries(base).filter(([key]) => key !== k))),
      fc.tuple(strings, values).map(([k, v]) => ({ ...base, [k]: v })),
    );
  }

  async function expectNo500(method: string, path: string, body?: unknown): Promise<void> {
    const r = await t.api(method, path, body);
    const what = `${method} ${path} ${JSON.stringify(body)?.slice(0, 300)} → ${r.status} ${JSON.stringify(r.body)?.slice(0, 300)}`;
    assert.ok(r.status < 500, what);
    if (r.status >= 400) assert.equal(typeof r.body?.error?.message, 'string', what);
  }

  const runs = { numRuns: 150, seed: 20260601, endOnFailure: true };

  test('POST and PATCH with random and half-valid bodies', async () => {
    for (const [path, base] of Object.entries(valid())) {
      const body = fc.oneof(fc.jsonValue({ maxDepth: 3 }), mutated(base));
      await fc.assert(fc.asyncProperty(body, (b) => expectNo500('POST', path, b)), runs);
      const item = itemOf[path];
      if (item) await fc.assert(fc.asyncProperty(body, (b) => expectNo500('PATCH', `${path}/${item()}`, b)), runs);
    }
  });

  test('strings that are not well-formed Unicode, and deep nesting', async () => {
    const r = await t.api('POST', '/api/v1/alert-rules', { ...valid()['/api/v1/alert-rules'], annotations: { summary: 'ok', description: 'bad \ud800' } });
    assert.equal(r.status, 400);
    assert.deepEqual(r.body.error.details, [{ path: 'annotations.description', message: 'must be well-formed Unicode text (it holds a lone UTF-16 surrogate)' }]);
    const key = await t.api('POST', '/api/v1/hosts', { hostname: 'h9', ip: '10.0.0.9', labels: { ['a\udc00']: 'x' } });
    assert.equal(key.body.error.details[0].path, 'labels.a\udc00');
    assert.equal((await t.api('POST', '/api/v1/users', { name: 'pair 😀' })).status, 201, 'surrogate pairs are fine');
    // Too deep for JSON.stringify here: sent as text.
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    for (const [path, body] of [['/api/v1/users', `{"name":"deep","email":${deep}}`], ['/api/v1/users/batch', `{"items":${deep}}`], ['/api/v1/alert-rules', deep]]) {
      const res = await fetch(`${t.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${t.app.settings.apiToken}`, 'content-type': 'application/json' }, body });
      assert.equal(res.status, 400, `${path}: ${await res.text()}`);
    }
  });

  test('batches, id lists and odd ids', async () => {
    const idLists = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.record({ ids: fc.oneof(fc.array(values, { maxLength: 5 }), values) }), fc.record({ hostIds: fc.array(values, { maxLength: 3 }) }));
    const batchPaths = ['/api/v1/alert-rules/disable', '/api/v1/record-rules/enable', '/api/v1/send-groups/disable', '/api/v1/scrape-jobs/enable', '/api/v1/users/batch', '/api/v1/hosts/batch', `/api/v1/tree/nodes/${ids.node}/hosts`];
    for (const path of batchPaths) await fc.assert(fc.asyncProperty(idLists, (b) => expectNo500('POST', path, b)), runs);
    const oddIds = fc.constantFrom('0', '-1', 'abc', '1.5', '99999999999999999999', '%00', '1e3', '%F0%9F%98%80', '%ED%A0%80', '%');
    for (const base of Object.keys(itemOf)) {
      await fc.assert(fc.asyncProperty(oddIds, (id) => expectNo500('GET', `${base}/${id}`)), { ...runs, numRuns: 10 });
      await fc.assert(fc.asyncProperty(oddIds, (id) => expectNo500('PATCH', `${base}/${id}`, { name: 'x' })), { ...runs, numRuns: 10 });
    }
  });

  test('list filters and query strings', async () => {
    const query = fc.dictionary(fc.constantFrom('poolId', 'sendGroupId', 'enabled', 'q', 'from', 'to', 'recursive', 'cascade', 'includeCancelled', 'instance'), strings, { maxKeys: 3 });
    const paths = [...Object.keys(itemOf), `/api/v1/oncall-groups/${ids.oncall}/roster`, `/api/v1/oncall-groups/${ids.oncall}/swaps`, `/api/v1/oncall-groups/${ids.oncall}/now`];
    for (const path of paths) {
      await fc.assert(
        fc.asyncProperty(query, (q) => expectNo500('GET', `${path}?${new URLSearchParams(q).toString().slice(0, 4000)}`)),
        { ...runs, numRuns: 25 },
      );
    }
  });

  test('deletes with random queries', async () => {
    const query = fc.dictionary(fc.constantFrom('recursive', 'cascade'), strings, { maxKeys: 2 });
    for (const base of ['/api/v1/tree/nodes', '/api/v1/pools', '/api/v1/alertmanager-clusters', '/api/v1/oncall-groups']) {
      await fc.assert(fc.asyncProperty(query, (q) => expectNo500('DELETE', `${base}/99999?${new URLSearchParams(q).toString().slice(0, 2000)}`)), { ...runs, numRuns: 10 });
    }
  });
});
