import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../support/app';
import { fromJson } from '../../src/db/knex';

/** /api/v1/actions on the real app: validation 400s, secrets redacted and kept, conflicts, audit. */
let t: TestApp;
let ruleless: { group: number };

before(async () => {
  t = await startTestApp();
  const cluster = await t.api('POST', '/api/v1/alertmanager-clusters', { name: 'am', instances: ['127.0.0.1:9'] });
  const group = await t.api('POST', '/api/v1/send-groups', { name: 'ops', alertmanagerClusterId: cluster.body.id });
  ruleless = { group: group.body.id };
});
after(async () => t?.close());

test('create, read redacted, patch keeping secrets, refuse bad input, delete; all audited without secrets', { timeout: 60_000 }, async () => {
  const base = { name: 'restart-nginx', url: 'https://awx.example.com/launch/', secret: 'signing-secret-0123456789', headers: { Authorization: 'Bearer tok-1', 'X-Team': 'web' } };
  const created = await t.api('POST', '/api/v1/actions', { ...base, triggers: [{ sendGroupId: ruleless.group, mode: 'button' }] });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.deepEqual(created.body.headers, { Authorization: '[redacted]', 'X-Team': '[redacted]' });
  assert.equal(created.body.secret, '[redacted]');
  assert.deepEqual(created.body.triggers, [{ sendGroupId: ruleless.group, mode: 'button' }]);
  assert.equal(created.body.retries, 2);
  const id = created.body.id;

  // What was read can be sent back: the placeholders keep the stored values.
  const patched = await t.api('PATCH', `/api/v1/actions/${id}`, { headers: { Authorization: '[redacted]' }, secret: '[redacted]', retries: 0 });
  assert.equal(patched.status, 200, JSON.stringify(patched.body));
  assert.deepEqual(patched.body.headers, { Authorization: '[redacted]' }, 'a header left out is dropped');
  const row = await t.app.db('remedy_actions').where({ id }).first();
  assert.equal(fromJson<Record<string, string>>(row.headers, {}).Authorization, 'Bearer tok-1');
  assert.equal(row.secret, base.secret);
  assert.equal(row.retries, 0);

  const bad = async (body: unknown, path: string, status = 400, method = 'POST', url = '/api/v1/actions') => {
    const r = await t.api(method, url, body);
    assert.equal(r.status, status, JSON.stringify(r.body));
    assert.equal(typeof r.body.error.message, 'string');
    if (status === 400) assert.ok(r.body.error.details.some((d: { path: string }) => d.path === path), JSON.stringify(r.body));
    return r.body.error;
  };
  const tmpl = await bad({ name: 'x', url: 'https://a/', body: '{{ if .Status }}' }, 'body');
  assert.equal(tmpl.code, 'validation_failed');
  assert.match(tmpl.details[0].message, /not a valid template: unexpected EOF: this \{\{if\}\} has no \{\{end\}\} \(at line 1, column 4\)/);
  await bad({ name: 'x', url: 'ftp://a/' }, 'url');
  await bad({ name: 'x', url: 'https://a/', headers: { Host: 'b' } }, 'headers.Host');
  await bad({ name: 'x', url: 'https://a/', triggers: [{ ruleId: 999, mode: 'auto' }] }, 'triggers[0].ruleId');
  await bad({ name: 'x', url: 'https://a/', secret: '[redacted]' }, 'secret');
  await bad({ name: 'x', url: 'https://a/', timeoutMs: 60_000 }, 'timeoutMs');
  await bad({ body: '{{ .Nope }}' }, 'body', 400, 'PATCH', `/api/v1/actions/${id}`);
  assert.equal((await bad(base, '', 409)).code, 'conflict');
  assert.equal((await bad(undefined, '', 404, 'GET', '/api/v1/actions/9999')).code, 'not_found');
  assert.equal((await t.api('POST', '/api/v1/actions', base, null)).status, 401, 'the admin token is required');
  assert.equal((await t.api('GET', '/api/v1/actions')).body.items.length, 1, 'nothing half-written by the refusals');

  assert.equal((await t.api('DELETE', `/api/v1/actions/${id}`)).status, 204);
  assert.equal((await t.api('GET', '/api/v1/actions')).body.items.length, 0);
  assert.equal(await t.app.db('remedy_triggers').count({ n: '*' }).first().then((r: any) => Number(r.n)), 0);
  const audit = await t.app.db('audit_log').where({ entity: 'action' }).orderBy('id');
  assert.deepEqual(audit.map((a: any) => a.action), ['create', 'update', 'delete']);
  const text = JSON.stringify(audit);
  assert.ok(!text.includes('tok-1') && !text.includes(base.secret), 'no secret in the audit log');
});
