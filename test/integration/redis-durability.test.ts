import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { startTestApp } from '../support/app';
import { startRedisServer, type RedisServer } from '../support/redis-server';

/**
 * "2xx means durable" is checked, not assumed: promduty reads appendonly, appendfsync and
 * maxmemory-policy from Redis at start and in /readyz. Each case runs against a private
 * redis-server this test starts and reconfigures (never the shared one on 6379).
 */
describe('Redis durability at start and in /readyz', { timeout: 180_000 }, () => {
  let redis: RedisServer;
  let admin: Redis;
  const set = async (param: string, value: string) => assert.equal(await admin.config('SET', param, value), 'OK');
  const readyz = async (url: string) => {
    const r = await fetch(`${url}/readyz`);
    return { status: r.status, body: (await r.json()) as any };
  };

  before(async () => {
    redis = await startRedisServer(); // --appendonly no --save "": persistence off
    admin = redis.client();
  });
  after(async () => {
    admin?.disconnect();
    await redis?.stop();
  }, { timeout: 60_000 });

  test('persistence off and REDIS_REQUIRE_DURABLE=true: refuses to start, naming the fix', async () => {
    await assert.rejects(
      startTestApp({ env: { REDIS_URL: redis.url, REDIS_REQUIRE_DURABLE: 'true' } }),
      (e: Error) => {
        assert.equal(e.name, 'StartRefusedError');
        assert.match(e.message, /appendonly is no: .*redis-cli CONFIG SET appendonly yes.*redis\.conf/);
        assert.match(e.message, /REDIS_REQUIRE_DURABLE=true/);
        return true;
      },
    );
  });

  test('production mode (a Feishu app configured) requires it by default', async () => {
    await set('maxmemory-policy', 'allkeys-lru');
    try {
      await assert.rejects(
        // REDIS_REQUIRE_DURABLE: '' is unset (test settings set it false for the shared Redis).
        startTestApp({ env: { REDIS_URL: redis.url, REDIS_REQUIRE_DURABLE: '', FEISHU_APP_ID: 'cli_durable', FEISHU_APP_SECRET: 'secret', FEISHU_SANDBOX: 'off' } }),
        /appendonly is no: .*; maxmemory-policy is allkeys-lru: .*CONFIG SET maxmemory-policy noeviction/,
      );
    } finally {
      await set('maxmemory-policy', 'noeviction');
    }
  });

  test('not required: starts, logs it, and /readyz stays 200 with the reason as a warning', async () => {
    const t = await startTestApp({ env: { REDIS_URL: redis.url } });
    try {
      const r = await readyz(t.url);
      assert.equal(r.status, 200);
      assert.equal(r.body.checks.redis, 'ok');
      assert.match(r.body.checks.redis_durability, /^Redis does not keep what promduty acknowledges to Alertmanager: appendonly is no: /);
      assert.deepEqual(r.body.warnings, [`redis_durability: ${r.body.checks.redis_durability}`]);
    } finally {
      await t.close();
    }
  });

  test('durable (AOF, appendfsync always, noeviction): starts when required; /readyz re-reads it and turns 503 if it changes', async () => {
    await set('appendonly', 'yes');
    await set('appendfsync', 'always');
    const t = await startTestApp({ env: { REDIS_URL: redis.url, REDIS_REQUIRE_DURABLE: 'true' } });
    try {
      assert.deepEqual(await readyz(t.url), { status: 200, body: { status: 'ready', checks: { database: 'ok', redis: 'ok', redis_durability: 'ok' } } });
      await set('appendfsync', 'no');
      const noted = await readyz(t.url);
      assert.equal(noted.status, 200, 'appendfsync no survives a Redis crash: a warning only');
      assert.match(noted.body.warnings[0], /appendfsync is no/);
      await set('appendfsync', 'everysec');
      const everysec = await readyz(t.url);
      assert.equal(everysec.status, 200, 'everysec loses only to a crash while an fsync is slow: a warning only');
      assert.match(everysec.body.warnings[0], /appendfsync is everysec: .*up to 2 s/);
      await set('appendonly', 'no'); // someone turns it off at run time
      const off = await readyz(t.url);
      assert.equal(off.status, 503);
      assert.match(off.body.checks.redis_durability, /appendonly is no/);
    } finally {
      await t.close();
      await set('appendonly', 'no');
    }
  });
});

describe('a Redis that refuses CONFIG (managed Redis)', { timeout: 120_000 }, () => {
  let redis: RedisServer;
  before(async () => {
    redis = await startRedisServer(['--rename-command', 'CONFIG', '']);
  });
  after(() => redis?.stop(), { timeout: 60_000 });

  test('required: refuses to start and says how to declare it; REDIS_DURABILITY=assume declares it', async () => {
    await assert.rejects(
      startTestApp({ env: { REDIS_URL: redis.url, REDIS_REQUIRE_DURABLE: 'true' } }),
      /could not read Redis persistence settings \(CONFIG GET failed: ERR unknown command 'config'.*REDIS_DURABILITY=assume/,
    );
    const t = await startTestApp({ env: { REDIS_URL: redis.url, REDIS_REQUIRE_DURABLE: 'true', REDIS_DURABILITY: 'assume' } });
    try {
      const r = await fetch(`${t.url}/readyz`);
      assert.equal(r.status, 200);
      assert.equal(((await r.json()) as any).checks.redis_durability, 'assumed durable (REDIS_DURABILITY=assume)');
    } finally {
      await t.close();
    }
  });
});
