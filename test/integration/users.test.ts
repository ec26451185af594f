import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../support/app';

describe('users API', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  test('create, read, update, delete, with an audit row each', async () => {
    const c = await t.api('POST', '/api/v1/users', { name: '张三', email: 'zs@example.com', feishuOpenId: 'ou_abc123', role: 'editor' });
    assert.equal(c.status, 201);
    assert.equal(c.body.name, '张三');
    assert.equal(c.body.role, 'editor');
    const id = c.body.id;
    assert.equal((await t.api('GET', `/api/v1/users/${id}`)).body.feishuOpenId, 'ou_abc123');
    const u = await t.api('PATCH', `/api/v1/users/${id}`, { role: 'admin' });
    assert.equal(u.body.role, 'admin');
    assert.equal((await t.api('GET', '/api/v1/users?role=admin')).body.items.length, 1);
    assert.equal((await t.api('DELETE', `/api/v1/users/${id}`)).status, 204);
    assert.equal((await t.api('GET', `/api/v1/users/${id}`)).status, 404);
    const audit = await t.app.db('audit_log').where({ entity: 'user', entity_id: String(id) }).orderBy('id').pluck('action');
    assert.deepEqual(audit, ['create', 'update', 'delete']);
  });

  test('bad input names the field', async () => {
    const cases: [unknown, string][] = [
      [{ name: '' }, 'name'],
      [{ name: 'a', email: 'not-an-email' }, 'email'],
      [{ name: 'a', feishuOpenId: 'abc' }, 'feishuOpenId'],
      [{ name: 'a', role: 'boss' }, 'role'],
      [{ name: 'a', extra: 1 }, '(root)'],
    ];
    for (const [body, path] of cases) {
      const r = await t.api('POST', '/api/v1/users', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.body.error.code, 'validation_failed');
      assert.equal(r.body.error.details[0].path, path, JSON.stringify(r.body));
    }
  });

  test('duplicates are a 409 naming the key', async () => {
    await t.api('POST', '/api/v1/users', { name: 'dup', email: 'dup@example.com' });
    const r = await t.api('POST', '/api/v1/users', { name: 'dup2', email: 'dup@example.com' });
    assert.equal(r.status, 409);
    assert.equal(r.body.error.details.field, 'email');
  });

  test('a batch with one bad item writes nothing', async () => {
    const before = Number((await t.app.db('users').count({ n: '*' }))[0]!.n);
    const auditBefore = Number((await t.app.db('audit_log').count({ n: '*' }))[0]!.n);
    // The third item collides with the first: the first two were inserted inside the
    // transaction when it fails, so this proves the rollback, not just the up-front check.
    const r = await t.api('POST', '/api/v1/users/batch', {
      items: [{ name: 'b1' }, { name: 'b2' }, { name: 'b1' }],
    });
    assert.equal(r.status, 409);
    assert.match(r.body.error.message, /items\[2\]/);
    assert.equal(Number((await t.app.db('users').count({ n: '*' }))[0]!.n), before);
    assert.equal(Number((await t.app.db('audit_log').count({ n: '*' }))[0]!.n), auditBefore);
    const invalid = await t.api('POST', '/api/v1/users/batch', { items: [{ name: 'ok' }, { name: 'x', role: 'boss' }] });
    assert.equal(invalid.status, 400);
    assert.equal(invalid.body.error.details[0].path, 'role');
    assert.match(invalid.body.error.message, /items\[1\]/);
    const ok = await t.api('POST', '/api/v1/users/batch', { items: [{ name: 'b1' }, { name: 'b2' }] });
    assert.equal(ok.status, 201);
    assert.equal(ok.body.items.length, 2);
  });
});
