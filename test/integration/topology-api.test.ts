import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../support/app';

/**
 * Issue 14: configurations where a rule would see part of its data are refused with a 400
 * naming the field, the reason and the fix; nothing is written.
 */
describe('pool topology: partial-data configurations are refused', () => {
  let t: TestApp;
  let group: any;
  const call = async (method: string, path: string, body?: unknown) => t.api(method, path, body);
  const ok = async (method: string, path: string, body?: unknown) => {
    const r = await call(method, path, body);
    assert.ok(r.status < 300, JSON.stringify(r.body));
    return r.body;
  };
  const refused = async (method: string, path: string, body: unknown, field: string, reason: RegExp) => {
    const r = await call(method, path, body);
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.equal(r.body.error.code, 'validation_failed');
    assert.ok(r.body.error.details.some((d: any) => d.path === field), `${field} in ${JSON.stringify(r.body.error.details)}`);
    assert.match(r.body.error.message, reason);
    assert.match(r.body.error.message, /Fix: /);
  };
  const alertRule = (poolId: number) => ({ poolId, sendGroupId: group.id, name: 'FleetShort', expr: 'sum(up) < 12' });

  before(async () => {
    t = await startTestApp();
    const cluster = await ok('POST', '/api/v1/alertmanager-clusters', { name: 'am' });
    group = await ok('POST', '/api/v1/send-groups', { name: 'ops', alertmanagerClusterId: cluster.id });
  });
  after(() => t.close());

  test('rules on a sharded scrape pool: refused on the rule, and on growing a pool that has rules', async () => {
    const sharded = await ok('POST', '/api/v1/pools', { name: 'sharded', instances: ['127.0.4.1:9090', '127.0.4.2:9090'] });
    await refused('POST', '/api/v1/alert-rules', alertRule(sharded.id), 'poolId', /scrapes only its shard.*1\/2 of its data/);
    await refused('POST', '/api/v1/record-rules', { poolId: sharded.id, record: 'job:up:sum', expr: 'sum(up)' }, 'poolId', /1\/2 of its data/);
    assert.equal((await t.app.db('alert_rules').count({ n: '*' }))[0]!.n, 0);

    const single = await ok('POST', '/api/v1/pools', { name: 'single', instances: ['127.0.4.3:9090'] });
    await ok('POST', '/api/v1/alert-rules', alertRule(single.id));
    await refused('PATCH', `/api/v1/pools/${single.id}`, { instances: ['127.0.4.3:9090', '127.0.4.4:9090'] }, 'role', /has 1 rule\(s\).*1\/2 of its data/);
    await refused('PATCH', `/api/v1/pools/${single.id}`, { role: 'scrape' }, 'role', /only scrapes/);
    assert.equal((await ok('GET', `/api/v1/pools/${single.id}`)).instances.length, 1);
  });

  test('evaluators without the central store, or reading it wrongly', async () => {
    await refused('POST', '/api/v1/pools', { name: 'ev1', role: 'evaluate', instances: ['127.0.5.1:9090'] }, 'remoteRead', /see no data/);
    await refused('POST', '/api/v1/pools', { name: 'ev2', role: 'evaluate', ruleEngine: 'vmalert', instances: ['127.0.5.1:8880'] }, 'datasourceUrl', /vmalert needs the central store/);
    await refused(
      'POST',
      '/api/v1/pools',
      { name: 'ev3', role: 'evaluate', instances: ['127.0.5.1:9090'], remoteRead: [{ url: 'http://store:9090/api/v1/read', filterExternalLabels: true }] },
      'remoteRead[0].filterExternalLabels',
      /own external labels/,
    );
    await refused('POST', '/api/v1/pools', { name: 'ev4', role: 'both', ruleEngine: 'vmalert', datasourceUrl: 'http://vm:8428' }, 'ruleEngine', /does not scrape/);
    await refused('POST', '/api/v1/pools', { name: 'ev5', ruleReplicas: 2 }, 'ruleReplicas', /only a pool with role "evaluate"/);
    assert.equal((await t.app.db('scrape_pools').where('name', 'like', 'ev%').count({ n: '*' }))[0]!.n, 0);
  });

  test('roles and what they hold: no jobs on evaluators, no rules on collectors', async () => {
    const ev = await ok('POST', '/api/v1/pools', { name: 'vm-eval', role: 'evaluate', ruleEngine: 'vmalert', datasourceUrl: 'http://vm:8428', ruleReplicas: 2, instances: ['127.0.6.1:8880', '127.0.6.2:8880'] });
    await refused('POST', '/api/v1/scrape-jobs', { poolId: ev.id, name: 'node', discovery: { kind: 'static', targets: ['127.0.0.1:9100'] } }, 'poolId', /only evaluates rules/);
    const r = await ok('POST', '/api/v1/alert-rules', alertRule(ev.id));
    const placement = await ok('GET', `/api/v1/alert-rules/${r.id}/placement`);
    assert.deepEqual(placement.evaluators, ['127.0.6.1:8880', '127.0.6.2:8880']);
    assert.equal(placement.data.complete, true);

    const collectors = await ok('POST', '/api/v1/pools', { name: 'collectors', role: 'scrape', instances: ['127.0.6.3:9090', '127.0.6.4:9090'] });
    await refused('POST', '/api/v1/alert-rules', alertRule(collectors.id), 'poolId', /only scrapes/);
    await ok('POST', '/api/v1/scrape-jobs', { poolId: collectors.id, name: 'node', discovery: { kind: 'static', targets: ['127.0.0.1:9100'] } });
    await refused('PATCH', `/api/v1/pools/${collectors.id}`, { role: 'evaluate', remoteRead: [{ url: 'http://store:9090/api/v1/read' }] }, 'role', /scrape jobs/);
  });
});
