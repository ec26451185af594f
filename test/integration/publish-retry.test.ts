import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestApp, type TestApp } from '../support/app';
import { waitFor } from '../support/processes';

/**
 * A reload that fails on an instance that is up (a loaded host timing out, a reset
 * connection) is retried without waiting for the next config or health change: before, the
 * failure was only recorded, nothing republished, and the instance kept its old files (in a
 * consistent-mode pool, its old share of the targets) until something else changed.
 * The instance here is a tiny HTTP server that answers /-/healthy and refuses its first reload.
 */
let t: TestApp;
let server: Server;
const reloads: number[] = [];

before(async () => {
  server = createServer((req, res) => {
    if (req.url === '/-/reload' && req.method === 'POST') {
      reloads.push(Date.now());
      res.statusCode = reloads.length === 1 ? 500 : 200;
      res.end(reloads.length === 1 ? 'failed to reload config: simulated' : '');
      return;
    }
    res.statusCode = req.url === '/-/healthy' ? 200 : 404;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t = await startTestApp({ env: { PUBLISH_DEBOUNCE_MS: '20' } });
});
after(async () => {
  await t?.close();
  await new Promise((r) => server.close(r));
});

test('a reload that failed on an instance that is up is retried until it succeeds', { timeout: 60_000 }, async () => {
  const address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  const pool = await t.api('POST', '/api/v1/pools', { name: 'retry', instances: [address] });
  assert.equal(pool.status, 201, JSON.stringify(pool.body));
  const state = await waitFor(
    'the publish recorded as reloaded',
    async () => {
      const rows = await t.app.db('publish_state').where({ target_kind: 'prometheus' }).select('reload_ok');
      return rows.length > 0 && rows.every((r: any) => r.reload_ok) && rows;
    },
    30_000,
  );
  assert.ok(state.length > 0);
  assert.equal(reloads.length, 2, 'one failed reload, then one retry');
});
