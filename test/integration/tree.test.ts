import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../support/app';

describe('service tree and hosts API', () => {
  let t: TestApp;
  const node = async (name: string, parentId?: number) => {
    const r = await t.api('POST', '/api/v1/tree/nodes', { name, parentId });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body as { id: number; path: string; depth: number };
  };
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  test('nodes get full paths; names are unique under a parent', async () => {
    const infra = await node('infra');
    const db = await node('db', infra.id);
    const mysql = await node('mysql', db.id);
    assert.equal(mysql.path, '/infra/db/mysql');
    assert.equal(mysql.depth, 2);
    const dup = await t.api('POST', '/api/v1/tree/nodes', { name: 'db', parentId: infra.id });
    assert.equal(dup.status, 409);
    assert.match(dup.body.error.message, /\/infra\/db already exists/);
    const dupRoot = await t.api('POST', '/api/v1/tree/nodes', { name: 'infra' });
    assert.equal(dupRoot.status, 409);
    const bad = await t.api('POST', '/api/v1/tree/nodes', { name: 'a/b' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.details[0].path, 'name');
    const orphan = await t.api('POST', '/api/v1/tree/nodes', { name: 'x', parentId: 999999 });
    assert.equal(orphan.status, 400);
    assert.equal(orphan.body.error.details[0].path, 'parentId');
  });

  test('hosts bind to leaves only; leaves list with full path and host count', async () => {
    const shop = await node('shop');
    const web = await node('web', shop.id);
    const h = await t.api('POST', '/api/v1/hosts', { hostname: 'web-1', ip: '10.0.0.1', labels: { rack: 'r1' }, nodeIds: [web.id] });
    assert.equal(h.status, 201, JSON.stringify(h.body));
    assert.deepEqual(h.body.nodeIds, [web.id]);
    const toInner = await t.api('POST', '/api/v1/hosts', { hostname: 'web-2', ip: '10.0.0.2', nodeIds: [shop.id] });
    assert.equal(toInner.status, 400);
    assert.equal(toInner.body.error.details[0].path, 'nodeIds[0]');
    const childOfLeafWithHosts = await t.api('POST', '/api/v1/tree/nodes', { name: 'sub', parentId: web.id });
    assert.equal(childOfLeafWithHosts.status, 409);
    const leaves = (await t.api('GET', '/api/v1/tree/leaves')).body.items;
    const webLeaf = leaves.find((l: any) => l.id === web.id);
    assert.equal(webLeaf.path, '/shop/web');
    assert.equal(webLeaf.hostCount, 1);
    assert.ok(!leaves.some((l: any) => l.id === shop.id));
    const h2 = await t.api('POST', '/api/v1/hosts', { hostname: 'web-2', ip: '10.0.0.2' });
    assert.equal((await t.api('POST', `/api/v1/tree/nodes/${web.id}/hosts`, { hostIds: [h2.body.id] })).body.items.length, 2);
    assert.equal((await t.api('DELETE', `/api/v1/tree/nodes/${web.id}/hosts`, { hostIds: [h2.body.id] })).status, 204);
    assert.equal((await t.api('GET', `/api/v1/tree/nodes/${web.id}/hosts`)).body.items.length, 1);
  });

  test('bad hosts name the field', async () => {
    const cases: [unknown, string][] = [
      [{ hostname: 'bad host', ip: '10.0.0.9' }, 'hostname'],
      [{ hostname: 'ok-host', ip: '10.0.0.256' }, 'ip'],
      [{ hostname: 'ok-host', ip: '10.0.0.9', labels: { '1bad': 'x' } }, 'labels.1bad'],
      [{ hostname: 'ok-host', ip: '10.0.0.9', labels: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`l${i}`, 'x'])) }, 'labels'],
      [{ hostname: 'ok-host', ip: '10.0.0.9', labels: { long: 'x'.repeat(4097) } }, 'labels.long'],
    ];
    for (const [body, path] of cases) {
      const r = await t.api('POST', '/api/v1/hosts', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.body.error.details[0].path, path, JSON.stringify(r.body.error));
    }
  });

  test('moving a node moves its subtree; not under itself', async () => {
    const a = await node('move-a');
    const b = await node('b', a.id);
    const c = await node('c', b.id);
    const z = await node('move-z');
    const moved = await t.api('PATCH', `/api/v1/tree/nodes/${b.id}`, { parentId: z.id, name: 'bb' });
    assert.equal(moved.status, 200);
    assert.equal(moved.body.path, '/move-z/bb');
    const cc = (await t.api('GET', `/api/v1/tree/nodes/${c.id}`)).body;
    assert.equal(cc.path, '/move-z/bb/c');
    assert.equal(cc.depth, 2);
    const loop = await t.api('PATCH', `/api/v1/tree/nodes/${z.id}`, { parentId: c.id });
    assert.equal(loop.status, 400);
    assert.equal(loop.body.error.details[0].path, 'parentId');
    const toRoot = await t.api('PATCH', `/api/v1/tree/nodes/${b.id}`, { parentId: null });
    assert.equal(toRoot.body.path, '/bb');
    assert.equal((await t.api('GET', `/api/v1/tree/nodes/${c.id}`)).body.path, '/bb/c');
  });

  test('deleting: children refused unless recursive; bindings go, hosts stay', async () => {
    const top = await node('del-top');
    const leaf = await node('leaf', top.id);
    const h = await t.api('POST', '/api/v1/hosts', { hostname: 'del-host', ip: '10.1.0.1', nodeIds: [leaf.id] });
    const refused = await t.api('DELETE', `/api/v1/tree/nodes/${top.id}`);
    assert.equal(refused.status, 409);
    assert.match(refused.body.error.message, /recursive=true/);
    assert.equal((await t.api('DELETE', `/api/v1/tree/nodes/${top.id}?recursive=true`)).status, 204);
    assert.equal((await t.api('GET', `/api/v1/tree/nodes/${leaf.id}`)).status, 404);
    const host = (await t.api('GET', `/api/v1/hosts/${h.body.id}`)).body;
    assert.deepEqual(host.nodeIds, []);
  });

  test('a host batch with one duplicate writes nothing', async () => {
    const count = async () => Number((await t.app.db('hosts').count({ n: '*' }))[0]!.n);
    const before = await count();
    const r = await t.api('POST', '/api/v1/hosts/batch', {
      items: [
        { hostname: 'batch-1', ip: '10.2.0.1' },
        { hostname: 'batch-2', ip: '10.2.0.2' },
        { hostname: 'batch-1', ip: '10.2.0.3' },
      ],
    });
    assert.equal(r.status, 409);
    assert.match(r.body.error.message, /items\[2\]/);
    assert.equal(await count(), before);
  });
});
