import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../support/app';
import { amtoolCheckConfig, amtoolRoute, assertToolOk } from '../support/prom-tools';

describe('Alertmanager clusters and send groups API', () => {
  let t: TestApp;
  const ok = async (method: string, path: string, body?: unknown, status = method === 'POST' ? 201 : 200) => {
    const r = await t.api(method, path, body);
    assert.equal(r.status, status, JSON.stringify(r.body));
    return r.body;
  };
  const user = async (name: string) => (await ok('POST', '/api/v1/users', { name, feishuOpenId: `ou_${name}` })).id as number;
  const levelRows = (groupId: number) =>
    t.app
      .db('escalation_levels as l')
      .leftJoin('escalation_level_users as u', 'u.level_id', 'l.id')
      .where('l.send_group_id', groupId)
      .orderBy(['l.level', 'u.user_id'])
      .select('l.id', 'l.level', 'l.after_minutes', 'u.user_id');
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  test('clusters: create with defaults, update, instances unique across clusters, bad fields named', async () => {
    const a = await ok('POST', '/api/v1/alertmanager-clusters', { name: 'am-a', instances: ['127.0.1.1:9093', '127.0.1.2:9093'] });
    assert.deepEqual(
      { resolveTimeout: a.resolveTimeout, groupBy: a.groupBy, groupWait: a.groupWait, groupInterval: a.groupInterval, repeatInterval: a.repeatInterval },
      { resolveTimeout: '5m', groupBy: ['alertname'], groupWait: '30s', groupInterval: '5m', repeatInterval: '4h' },
    );
    assert.deepEqual(a.instances.map((i: any) => [i.address, i.healthy]), [['127.0.1.1:9093', true], ['127.0.1.2:9093', true]]);
    const kept = a.instances[0].id;
    const u = await ok('PATCH', `/api/v1/alertmanager-clusters/${a.id}`, { instances: ['127.0.1.1:9093', '127.0.1.3:9093'], groupBy: ['...'], groupWait: '0s' });
    assert.equal(u.instances[0].id, kept, 'a kept address keeps its id');
    assert.deepEqual(u.groupBy, ['...']);
    assert.equal(a.externalUrl, null);
    const linked = await ok('PATCH', `/api/v1/alertmanager-clusters/${a.id}`, { externalUrl: 'https://am.example.com/' });
    assert.equal(linked.externalUrl, 'https://am.example.com/', 'the URL alert group cards link to');
    assert.equal((await t.app.db('alertmanager_clusters').where({ id: a.id }).first()).external_url, 'https://am.example.com/');
    assert.equal((await ok('PATCH', `/api/v1/alertmanager-clusters/${a.id}`, { externalUrl: null })).externalUrl, null);
    assert.equal((await t.api('GET', '/api/v1/alertmanager-clusters')).body.items.length, 1);

    const taken = await t.api('POST', '/api/v1/alertmanager-clusters', { name: 'am-b', instances: ['127.0.9.1:9093', '127.0.1.3:9093'] });
    assert.equal(taken.status, 409);
    assert.equal(taken.body.error.details.path, 'instances[1]');
    assert.match(taken.body.error.message, /127\.0\.1\.3:9093 already belongs to Alertmanager cluster am-a/);
    const dup = await t.api('POST', '/api/v1/alertmanager-clusters', { name: 'am-a' });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.error.details.field, 'name');

    const cases: [unknown, string][] = [
      [{ name: 'x', groupInterval: '0s' }, 'groupInterval'],
      [{ name: 'x', resolveTimeout: '5 minutes' }, 'resolveTimeout'],
      [{ name: 'x', groupBy: ['alert-name'] }, 'groupBy[0]'],
      [{ name: 'x', groupBy: ['...', 'job'] }, 'groupBy'],
      [{ name: 'x', instances: ['nohost'] }, 'instances[0]'],
      [{ name: 'x', instances: ['h:1', 'h:1'] }, 'instances[1]'],
      [{ name: 'x', externalUrl: 'javascript:alert(1)' }, 'externalUrl'],
    ];
    for (const [body, path] of cases) {
      const r = await t.api('POST', '/api/v1/alertmanager-clusters', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.body.error.details[0].path, path, JSON.stringify(r.body));
    }
  });

  test('send groups: users and escalation levels stored, secret redacted, levels replaced atomically', async () => {
    const cluster = await ok('POST', '/api/v1/alertmanager-clusters', { name: 'am-sg' });
    const [u1, u2, u3] = [await user('alice'), await user('bob'), await user('carol')];
    const g = await ok('POST', '/api/v1/send-groups', {
      name: 'dba',
      alertmanagerClusterId: cluster.id,
      feishuChatId: 'oc_dba123',
      webhookUrl: 'https://open.feishu.cn/open-apis/bot/v2/hook/abc',
      webhookSecret: 's3cret',
      userIds: [u1, u2],
      repeatInterval: '30m',
      escalation: { enabled: true, levels: [{ afterMinutes: 10, userIds: [u2] }, { afterMinutes: 30, userIds: [u3, u1] }] },
    });
    assert.equal(g.webhookSecret, '[redacted]');
    assert.deepEqual(g.userIds, [u1, u2]);
    assert.deepEqual(g.escalation, { enabled: true, reminderMinutes: 5, levels: [{ afterMinutes: 10, userIds: [u2], channel: 'chat' }, { afterMinutes: 30, userIds: [u1, u3], channel: 'chat' }] });
    assert.deepEqual(g.paging, { critical: 'buzz_app' }, 'by default critical alerts buzz in the app');
    assert.equal((await t.app.db('send_groups').where({ id: g.id }).first()).webhook_secret, 's3cret');
    assert.ok(!JSON.stringify(await t.app.db('audit_log').where({ entity: 'send_group' })).includes('s3cret'), 'no secret in the audit log');

    // Sending back what was read keeps the secret.
    const { id: _id, ...read } = (await t.api('GET', `/api/v1/send-groups/${g.id}`)).body;
    await ok('PATCH', `/api/v1/send-groups/${g.id}`, { ...read, notifyOncallPrivate: false });
    assert.equal((await t.app.db('send_groups').where({ id: g.id }).first()).webhook_secret, 's3cret');

    // A bad user in the second level: 400 naming it, and the old levels are all still there.
    const before = await levelRows(g.id);
    const bad = await t.api('PATCH', `/api/v1/send-groups/${g.id}`, {
      escalation: { enabled: true, levels: [{ afterMinutes: 5, userIds: [u3] }, { afterMinutes: 15, userIds: [999999] }] },
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.details[0].path, 'escalation.levels[1].userIds[0]');
    assert.deepEqual(await levelRows(g.id), before);
    const order = await t.api('PATCH', `/api/v1/send-groups/${g.id}`, { escalation: { enabled: true, levels: [{ afterMinutes: 20, userIds: [u3] }, { afterMinutes: 20, userIds: [u1] }] } });
    assert.equal(order.status, 400);
    assert.equal(order.body.error.details[0].path, 'escalation.levels[1].afterMinutes');

    const replaced = await ok('PATCH', `/api/v1/send-groups/${g.id}`, { userIds: [u3], escalation: { enabled: true, levels: [{ afterMinutes: 5, userIds: [u1, u2] }] } });
    assert.deepEqual(replaced.userIds, [u3]);
    const rows = await levelRows(g.id);
    assert.deepEqual(rows.map((r: any) => [r.level, r.after_minutes, r.user_id]), [[1, 5, u1], [1, 5, u2]]);
    assert.ok(!before.some((b: any) => rows.some((r: any) => r.id === b.id)), 'old levels are gone');
    assert.deepEqual(await t.app.db('send_group_users').where({ send_group_id: g.id }).pluck('user_id'), [u3]);

    const cases: [unknown, string][] = [
      [{ name: 'x', alertmanagerClusterId: 999999 }, 'alertmanagerClusterId'],
      [{ name: 'x', alertmanagerClusterId: cluster.id, oncallGroupId: 999999 }, 'oncallGroupId'],
      [{ name: 'x', alertmanagerClusterId: cluster.id, feishuChatId: 'chat-1' }, 'feishuChatId'],
      [{ name: 'x', alertmanagerClusterId: cluster.id, webhookUrl: 'ftp://x' }, 'webhookUrl'],
      [{ name: 'x', alertmanagerClusterId: cluster.id, webhookSecret: 'k' }, 'webhookSecret'],
      [{ name: 'x', alertmanagerClusterId: cluster.id, userIds: [u1, u1] }, 'userIds[1]'],
      [{ name: 'x', alertmanagerClusterId: cluster.id, userIds: [999999] }, 'userIds[0]'],
      [{ name: 'x', alertmanagerClusterId: cluster.id, groupWait: 'soon' }, 'groupWait'],
      [{ name: 'x', alertmanagerClusterId: cluster.id, escalation: { enabled: true, levels: [] } }, 'escalation.levels'],
    ];
    for (const [body, path] of cases) {
      const r = await t.api('POST', '/api/v1/send-groups', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.body.error.details[0].path, path, JSON.stringify(r.body));
    }
  });

  test('one default group; batch enable/disable is all or nothing; resolveForAlert falls back to the default', async () => {
    const cluster = await ok('POST', '/api/v1/alertmanager-clusters', { name: 'am-def' });
    const dave = await user('dave');
    const a = await ok('POST', '/api/v1/send-groups', { name: 'def-a', alertmanagerClusterId: cluster.id, isDefault: true, userIds: [dave] });
    const b = await ok('POST', '/api/v1/send-groups', { name: 'def-b', alertmanagerClusterId: cluster.id, isDefault: true });
    assert.equal((await t.api('GET', `/api/v1/send-groups/${a.id}`)).body.isDefault, false);
    assert.deepEqual(await t.app.db('send_groups').where({ is_default: true }).pluck('id'), [b.id]);
    const c = await ok('POST', '/api/v1/send-groups', { name: 'plain', alertmanagerClusterId: cluster.id, userIds: [dave], webhookUrl: 'https://hook.example/x', webhookSecret: 'k1' });

    const bad = await t.api('POST', '/api/v1/send-groups/disable', { ids: [a.id, 999999] });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.details[0].path, 'ids[1]');
    assert.equal((await t.app.db('send_groups').where({ id: a.id }).first()).enabled, 1);

    const sg = t.app.services.sendGroups;
    const own = await sg.resolveForAlert(String(c.id));
    assert.equal(own?.sendGroupId, c.id);
    assert.equal(own?.fallback, false);
    assert.deepEqual(own?.users, [{ id: dave, name: 'dave', openId: 'ou_dave' }]);
    assert.deepEqual(own?.webhook, { url: 'https://hook.example/x', secret: 'k1' });
    for (const label of [undefined, '', 'abc', '999999']) {
      const r = await sg.resolveForAlert(label);
      assert.equal(r?.sendGroupId, b.id, String(label));
      assert.equal(r?.fallback, true);
    }
    assert.equal((await ok('POST', '/api/v1/send-groups/disable', { ids: [c.id] }, 200)).items[0].enabled, false);
    assert.equal((await sg.resolveForAlert(String(c.id)))?.sendGroupId, b.id);
    await ok('POST', '/api/v1/send-groups/disable', { ids: [b.id] }, 200);
    assert.equal(await sg.resolveForAlert(String(c.id)), null, 'no enabled group and no enabled default');
    await ok('POST', '/api/v1/send-groups/enable', { ids: [b.id, c.id] }, 200);
    assert.deepEqual((await t.api('GET', `/api/v1/send-groups?alertmanagerClusterId=${cluster.id}&enabled=true`)).body.items.map((g: any) => g.name), ['def-a', 'def-b', 'plain']);
  });

  test('deleting a cluster or send group still in use is refused with the reason', async () => {
    const cluster = await ok('POST', '/api/v1/alertmanager-clusters', { name: 'am-del' });
    const g = await ok('POST', '/api/v1/send-groups', { name: 'del-g', alertmanagerClusterId: cluster.id });
    const pool = await ok('POST', '/api/v1/pools', { name: 'del-pool', alertmanagerClusterId: cluster.id });
    const r1 = await t.api('DELETE', `/api/v1/alertmanager-clusters/${cluster.id}`);
    assert.equal(r1.status, 409);
    assert.match(r1.body.error.message, /still used by send group\(s\) del-g and scrape pool\(s\) del-pool/);
    const rule = await ok('POST', '/api/v1/alert-rules', { poolId: pool.id, sendGroupId: g.id, name: 'Down', expr: 'up == 0' });
    const r2 = await t.api('DELETE', `/api/v1/send-groups/${g.id}`);
    assert.equal(r2.status, 409);
    assert.match(r2.body.error.message, new RegExp(`still used by alert rule\\(s\\) ${rule.id}`));
    await ok('DELETE', `/api/v1/alert-rules/${rule.id}`, undefined, 204);
    await ok('DELETE', `/api/v1/send-groups/${g.id}`, undefined, 204);
    await ok('PATCH', `/api/v1/pools/${pool.id}`, { alertmanagerClusterId: null });
    await ok('DELETE', `/api/v1/alertmanager-clusters/${cluster.id}`, undefined, 204);
    assert.equal((await t.api('GET', `/api/v1/alertmanager-clusters/${cluster.id}`)).status, 404);
  });

  test('alertmanager.yml over HTTP: ETag, passes amtool check-config, routes by send_group', async () => {
    const cluster = await ok('POST', '/api/v1/alertmanager-clusters', { name: 'am-yml', instances: ['127.0.0.1:19093'], groupBy: ['alertname', 'send_group'] });
    const web = await ok('POST', '/api/v1/send-groups', { name: 'web', alertmanagerClusterId: cluster.id, sendResolved: false, groupWait: '10s' });
    const off = await ok('POST', '/api/v1/send-groups', { name: 'paused', alertmanagerClusterId: cluster.id, enabled: false });
    const path = `/api/v1/alertmanager-clusters/${cluster.id}/alertmanager.yml`;
    const r = await t.api('GET', path);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /yaml/);
    const text = r.body as string;
    assertToolOk(amtoolCheckConfig(text));
    assert.ok(text.includes(`${t.app.settings.publicUrl}/api/v1/alerts/webhook`), 'webhook URL from PUBLIC_URL');
    assert.ok(text.includes('test-webhook-token'));
    assert.equal(amtoolRoute(text, { alertname: 'X', send_group: String(web.id) }), `sg-${web.id}`);
    assert.equal(amtoolRoute(text, { alertname: 'X', send_group: String(off.id) }), 'promduty-default');
    const again = await fetch(`${t.url}${path}`, { headers: { authorization: 'Bearer test-api-token', 'if-none-match': r.headers.get('etag')! } });
    assert.equal(again.status, 304);
    assert.equal((await t.api('GET', path, undefined, null)).status, 401);
    assert.equal((await t.api('GET', '/api/v1/alertmanager-clusters/999999/alertmanager.yml')).status, 404);
  });
});
