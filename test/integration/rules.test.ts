import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import yaml from 'js-yaml';
import { startTestApp, type TestApp } from '../support/app';
import { assertToolOk, promtoolCheckRules } from '../support/prom-tools';

describe('alert and record rules API', () => {
  let t: TestApp;
  let pool: any;
  let pool2: any;
  let group: any;
  let node: any;
  const ok = async (method: string, path: string, body?: unknown, status = method === 'POST' ? 201 : 200) => {
    const r = await t.api(method, path, body);
    assert.equal(r.status, status, JSON.stringify(r.body));
    return r.body;
  };
  const rule = (over: Record<string, unknown> = {}) => ({ poolId: pool.id, sendGroupId: group.id, name: 'HighErrorRate', expr: 'rate(errors_total[5m]) > 1', ...over });
  const enabledOf = async (table: string, ids: number[]) =>
    (await t.app.db(table).whereIn('id', ids).orderBy('id').select('id', 'enabled')).map((r: any) => [r.id, Boolean(r.enabled)]);
  before(async () => {
    t = await startTestApp();
    const cluster = await ok('POST', '/api/v1/alertmanager-clusters', { name: 'am' });
    group = await ok('POST', '/api/v1/send-groups', { name: 'ops', alertmanagerClusterId: cluster.id });
    // Two evaluators reading a central store: rules on a sharded scrape pool are refused (topology-api.test.ts).
    pool = await ok('POST', '/api/v1/pools', { name: 'main', role: 'evaluate', remoteRead: [{ url: 'http://store:9090/api/v1/read' }], instances: ['127.0.2.1:9090', '127.0.2.2:9090'], alertmanagerClusterId: cluster.id });
    pool2 = await ok('POST', '/api/v1/pools', { name: 'other', instances: ['127.0.3.1:9090'] });
    node = await ok('POST', '/api/v1/tree/nodes', { name: 'shop' });
  });
  after(() => t.close());

  test('alert rules: create, read, update, filter, search, delete', async () => {
    const r = await ok('POST', '/api/v1/alert-rules', rule({
      treeNodeId: node.id,
      for: '5m',
      severity: 'critical',
      labels: { team: 'shop' },
      annotations: { summary: 'Errors on {{ $labels.instance }}: "bad" 100%' },
      grafanaUrl: 'https://grafana.example.com/d/abc?var=1',
    }));
    assert.equal(r.treePath, '/shop');
    assert.equal(r.for, '5m');
    assert.equal(r.enabled, true);
    const u = await ok('PATCH', `/api/v1/alert-rules/${r.id}`, { severity: 'info', labels: {} });
    assert.equal(u.severity, 'info');
    assert.deepEqual(u.labels, {});
    assert.equal(u.expr, r.expr, 'fields left out keep their value');
    const other = await ok('POST', '/api/v1/alert-rules', rule({ name: 'DiskFull', expr: 'node_filesystem_avail_bytes < 1e9', enabled: false }));
    const names = async (q: string) => (await ok('GET', `/api/v1/alert-rules?${q}`)).items.map((x: any) => x.name);
    assert.deepEqual(await names(`poolId=${pool.id}`), ['HighErrorRate', 'DiskFull']);
    assert.deepEqual(await names('enabled=false'), ['DiskFull']);
    assert.deepEqual(await names('q=filesystem'), ['DiskFull'], 'expr substring');
    assert.deepEqual(await names('q=higherror'), ['HighErrorRate'], 'name, case-insensitive');
    assert.deepEqual(await names('q=%25'), [], 'LIKE wildcards are literal');
    assert.deepEqual(await names(`sendGroupId=${group.id}&poolId=${pool2.id}`), []);
    assert.equal((await t.api('GET', '/api/v1/alert-rules?poolId=abc')).status, 400);
    const svc = t.app.services.alertRules;
    assert.deepEqual((await svc.search('disk')).map((x) => x.id), [other.id]);
    assert.deepEqual((await svc.search(String(r.id))).map((x) => x.id), [r.id]);
    await ok('DELETE', `/api/v1/alert-rules/${other.id}`, undefined, 204);
    assert.equal((await t.api('GET', `/api/v1/alert-rules/${other.id}`)).status, 404);
    assert.equal((await t.api('DELETE', `/api/v1/alert-rules/${other.id}`)).status, 404);
    const audit = await t.app.db('audit_log').where({ entity: 'alert_rule', entity_id: String(r.id) }).orderBy('id').pluck('action');
    assert.deepEqual(audit, ['create', 'update']);
  });

  test('bad rules get a 4xx naming the field', async () => {
    const bad = await t.api('POST', '/api/v1/alert-rules', rule({ expr: 'rate(errors_total[5m] > 1' }));
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.details[0].path, 'expr');
    assert.equal(typeof bad.body.error.details[0].position.from, 'number');
    assert.equal(bad.body.error.details[0].position.line, 1);
    const range = await t.api('POST', '/api/v1/alert-rules', rule({ expr: 'up[5m]' }));
    assert.equal(range.status, 400);
    assert.match(range.body.error.message, /instant vector or a scalar/);
    const cases: [Record<string, unknown>, string, RegExp?][] = [
      [rule({ for: '5 minutes' }), 'for'],
      [rule({ severity: 'page' }), 'severity'],
      [rule({ labels: { 'bad-name': 'x' } }), 'labels.bad-name', /not a label name/],
      [rule({ labels: { send_group: '3' } }), 'labels.send_group', /reserved: promduty sets it from sendGroupId/],
      [rule({ labels: { severity: 'x' } }), 'labels.severity', /reserved/],
      [rule({ labels: { __meta: 'x' } }), 'labels.__meta', /reserved for Prometheus/],
      [rule({ annotations: { 'summary text': 'x' } }), 'annotations.summary text'],
      [rule({ grafanaUrl: 'grafana/d/1' }), 'grafanaUrl'],
      [rule({ name: 'two\nlines' }), 'name'],
      [rule({ sendGroupId: 999999 }), 'sendGroupId', /send group 999999 does not exist/],
      [rule({ poolId: 999999 }), 'poolId', /scrape pool 999999 does not exist/],
      [rule({ treeNodeId: 999999 }), 'treeNodeId'],
      [{ poolId: pool.id, record: 'job:x-y', expr: 'up' }, 'record', /metric name/],
    ];
    for (const [body, path, message] of cases) {
      const r = await t.api('POST', 'record' in body ? '/api/v1/record-rules' : '/api/v1/alert-rules', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.body.error.details[0].path, path, JSON.stringify(r.body));
      if (message) assert.match(r.body.error.message, message);
    }
    // Go templates Prometheus would refuse (and with them the instance's whole rule file).
    const templates: [Record<string, unknown>, string, RegExp][] = [
      [rule({ annotations: { summary: 'Pods: {{ range . }}{{ .Labels.pod }}' } }), 'annotations.summary', /^not a valid template: unexpected EOF: the \{\{range\}\} at line 1, column 10 has no \{\{end\}\} \(at line 1, column 37\)$/],
      [rule({ labels: { team: '{{ $labels.team ' } }), 'labels.team', /unclosed action/],
      [rule({ annotations: { runbook: '{{ humanise $value }}' } }), 'annotations.runbook', /function "humanise" not defined \(at line 1, column 4\)/],
      [rule({ grafanaUrl: 'https://grafana.example.com/d/x?var-i={{ $labels.instance' }), 'grafanaUrl', /unclosed action/],
      [rule({ labels: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`l${i}`, 'x'])) }), 'labels', /at most 64/],
    ];
    for (const [body, path, message] of templates) {
      const r = await t.api('POST', '/api/v1/alert-rules', body);
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.equal(r.body.error.details[0].path, path, JSON.stringify(r.body));
      assert.match(r.body.error.details[0].message, message);
    }
    const existing = await ok('POST', '/api/v1/alert-rules', rule({ name: 'PatchMe' }));
    const patch = await t.api('PATCH', `/api/v1/alert-rules/${existing.id}`, { expr: 'sum(' });
    assert.equal(patch.status, 400);
    assert.equal(patch.body.error.details[0].path, 'expr');
    assert.equal((await ok('GET', `/api/v1/alert-rules/${existing.id}`)).expr, existing.expr);
  });

  test('batch enable/disable/delete: one unknown id changes nothing', async () => {
    const ids: number[] = [];
    for (const name of ['B1', 'B2', 'B3']) ids.push((await ok('POST', '/api/v1/alert-rules', rule({ name }))).id);
    const before = await enabledOf('alert_rules', ids);
    for (const action of ['disable', 'delete']) {
      const r = await t.api('POST', `/api/v1/alert-rules/${action}`, { ids: [ids[0], ids[1], 999999] });
      assert.equal(r.status, 400);
      assert.equal(r.body.error.details[0].path, 'ids[2]');
      assert.deepEqual(await enabledOf('alert_rules', ids), before);
    }
    const off = await ok('POST', '/api/v1/alert-rules/disable', { ids: [ids[0], ids[1]] }, 200);
    assert.deepEqual(off.items.map((x: any) => x.enabled), [false, false]);
    assert.deepEqual(await enabledOf('alert_rules', ids), [[ids[0], false], [ids[1], false], [ids[2], true]]);
    await t.app.services.alertRules.setEnabled([ids[0]!], true, { kind: 'user', name: 'chat' });
    assert.deepEqual((await enabledOf('alert_rules', [ids[0]!]))[0], [ids[0], true]);
    await ok('POST', '/api/v1/alert-rules/delete', { ids: [ids[0], ids[2]] }, 204);
    assert.deepEqual(await t.app.db('alert_rules').whereIn('id', ids).pluck('id'), [ids[1]]);
    assert.equal((await t.api('POST', '/api/v1/alert-rules/enable', { ids: [] })).status, 400);

    const rec = await ok('POST', '/api/v1/record-rules', { poolId: pool.id, record: 'job:up:sum', expr: 'sum by (job) (up)' });
    const recBad = await t.api('POST', '/api/v1/record-rules/disable', { ids: [999999, rec.id] });
    assert.equal(recBad.body.error.details[0].path, 'ids[0]');
    assert.deepEqual(await enabledOf('record_rules', [rec.id]), [[rec.id, true]]);
  });

  test("the pool's rules.yml and records.yml pass promtool check rules; a moved rule leaves its old pool", async () => {
    const tricky = await ok('POST', '/api/v1/alert-rules', rule({
      name: 'Tricky: "quotes" 和中文',
      expr: 'sum by (job) (rate(http_requests_total{code=~"5.."}[5m]))\n  / sum by (job) (rate(http_requests_total[5m])) > 0.05',
      labels: { team: 'a: b' },
      annotations: { description: "line 1\nline 2 {{ $labels.job }} it's", runbook: '{{ $value | humanize }}' },
      for: '1m',
    }));
    await ok('POST', '/api/v1/record-rules', { poolId: pool.id, record: 'job:http_errors:rate5m', expr: 'sum by (job) (rate(http_requests_total{code=~"5.."}[5m]))', labels: { tier: 'x' } });
    const alerts: any[] = [];
    for (const addr of pool.instances.map((i: any) => i.address)) {
      for (const file of ['rules.yml', 'records.yml']) {
        const r = await t.api('GET', `/api/v1/pools/${pool.id}/instances/${addr}/${file}`);
        assert.equal(r.status, 200);
        assertToolOk(promtoolCheckRules(r.body as string));
        const doc = yaml.load(r.body as string) as any;
        if (file === 'rules.yml') alerts.push(...(doc?.groups ?? []).flatMap((g: any) => g.rules));
      }
    }
    const rendered = alerts.filter((a) => a.labels.rule_id === String(tricky.id));
    assert.equal(rendered.length, 1, 'evaluated by exactly one instance');
    assert.equal(rendered[0].alert, tricky.name);
    assert.equal(rendered[0].expr, tricky.expr);
    assert.deepEqual(rendered[0].labels, { send_group: String(group.id), rule_id: String(tricky.id), severity: 'warning', team: 'a: b' });
    assert.equal(rendered[0].annotations.description, tricky.annotations.description);
    assert.equal(rendered[0].annotations.description_value, '{{ $value }}');

    await ok('PATCH', `/api/v1/alert-rules/${tricky.id}`, { poolId: pool2.id });
    const old = await Promise.all(pool.instances.map((i: any) => t.api('GET', `/api/v1/pools/${pool.id}/instances/${i.address}/rules.yml`)));
    assert.ok(old.every((r) => !(r.body as string).includes(`rule_id: '${tricky.id}'`)));
    const moved = await t.api('GET', `/api/v1/pools/${pool2.id}/instances/127.0.3.1:9090/rules.yml`);
    assert.ok((moved.body as string).includes(`rule_id: '${tricky.id}'`), moved.body as string);
  });

  test('POST /api/v1/promql/validate', async () => {
    assert.deepEqual(await ok('POST', '/api/v1/promql/validate', { expr: 'sum(rate(x[5m])) > 1' }, 200), { valid: true });
    const bad = await ok('POST', '/api/v1/promql/validate', { expr: 'sum(rate(x[5m]) > 1' }, 200);
    assert.equal(bad.valid, false);
    assert.equal(typeof bad.error, 'string');
    assert.equal(typeof bad.position.from, 'number');
    assert.equal((await ok('POST', '/api/v1/promql/validate', { expr: 'up[5m]' }, 200)).valid, false);
    assert.equal((await ok('POST', '/api/v1/promql/validate', { expr: 'up[5m]', forRule: false }, 200)).valid, true);
    assert.equal((await t.api('POST', '/api/v1/promql/validate', { query: 'up' })).status, 400);
    assert.equal((await t.api('POST', '/api/v1/promql/validate', { expr: 'up' }, null)).status, 401);
  });

  test('1,000 nested parentheses are refused naming the nesting limit, not checked for seconds', { timeout: 30_000 }, async () => {
    const expr = `${'('.repeat(1000)}up${')'.repeat(1000)}`;
    const r = await ok('POST', '/api/v1/promql/validate', { expr }, 200);
    assert.equal(r.valid, false);
    assert.match(r.error, /^expression nests more than 128 levels deep/);
    assert.deepEqual(r.position, { from: 128, to: 129, line: 1, column: 129 });
    const saved = await t.api('POST', '/api/v1/alert-rules', rule({ expr }));
    assert.equal(saved.status, 400);
    assert.equal(saved.body.error.details[0].path, 'expr');
    assert.match(saved.body.error.details[0].message, /more than 128 levels deep/);
    // The comparison, 126 parentheses and the selector: 128 levels.
    const deepButLegal = `${'('.repeat(126)}up${')'.repeat(126)} > 0`;
    assert.equal((await ok('POST', '/api/v1/alert-rules', rule({ name: 'Deep', expr: deepButLegal }))).expr, deepButLegal);
  });
});
