import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSettings } from '../../src/config/settings';
import { durabilityMessage, durabilityReadiness, judgeDurability, type RedisPersistence } from '../../src/core/redis-durability';

const cfg = (over: Partial<RedisPersistence> = {}) => ({ config: { appendonly: 'yes', appendfsync: 'everysec', maxmemoryPolicy: 'noeviction', ...over } });

describe('Redis durability: the verdict', { timeout: 10_000 }, () => {
  test('AOF on, appendfsync always and noeviction is durable without a note', () => {
    assert.deepEqual(judgeDurability(cfg({ appendfsync: 'always' }), 'check'), { status: 'durable', ok: true, problems: [], notes: [] });
    assert.equal(durabilityMessage(judgeDurability(cfg({ appendfsync: 'always' }), 'check')), 'ok');
  });

  test('appendfsync everysec: durable with a note (a Redis crash while an fsync is slow loses up to 2 s), and the fix', () => {
    const d = judgeDurability(cfg({ appendfsync: 'everysec' }), 'check');
    assert.equal(d.ok, true);
    assert.equal(d.notes.length, 1);
    assert.match(d.notes[0]!, /^appendfsync is everysec: .*up to 2 s.*Redis crash.*redis-cli CONFIG SET appendfsync always/);
  });

  test('appendonly no is not durable (RDB snapshots lose the last minutes), with the exact fix', () => {
    const d = judgeDurability(cfg({ appendonly: 'no' }), 'check');
    assert.equal(d.status, 'not_durable');
    assert.equal(d.ok, false);
    assert.equal(d.problems.length, 1);
    assert.match(d.problems[0]!, /^appendonly is no: /);
    assert.match(d.problems[0]!, /redis-cli CONFIG SET appendonly yes/);
    assert.match(d.problems[0]!, /redis\.conf/);
  });

  test('an evicting maxmemory-policy is not durable, whatever the AOF', () => {
    for (const policy of ['allkeys-lru', 'volatile-lru', 'allkeys-random', 'volatile-ttl', 'allkeys-lfu']) {
      const d = judgeDurability(cfg({ maxmemoryPolicy: policy }), 'check');
      assert.equal(d.ok, false, policy);
      assert.match(d.problems.join(), new RegExp(`maxmemory-policy is ${policy}: .*redis-cli CONFIG SET maxmemory-policy noeviction`));
    }
    const both = judgeDurability(cfg({ appendonly: 'no', maxmemoryPolicy: 'allkeys-lru' }), 'check');
    assert.equal(both.problems.length, 2, 'every problem named at once');
    assert.match(durabilityMessage(both), /^Redis does not keep what promduty acknowledges to Alertmanager: appendonly is no: .*; maxmemory-policy is allkeys-lru: /);
  });

  test('appendfsync no is durable against a Redis crash: a note, not a failure', () => {
    const d = judgeDurability(cfg({ appendfsync: 'no' }), 'check');
    assert.equal(d.ok, true);
    assert.equal(d.notes.length, 1);
    assert.match(d.notes[0]!, /appendfsync is no: .*machine crash.*CONFIG SET appendfsync always/);
  });

  test('CONFIG refused (managed Redis): unknown, and the message says how to declare it', () => {
    const d = judgeDurability({ unreadable: "ERR unknown command 'CONFIG'" }, 'check');
    assert.equal(d.status, 'unknown');
    assert.equal(d.ok, false);
    assert.match(d.problems[0]!, /CONFIG GET failed: ERR unknown command 'CONFIG'/);
    assert.match(d.problems[0]!, /REDIS_DURABILITY=assume/);
  });

  test('REDIS_DURABILITY=assume takes the operator\'s word, without reading anything', () => {
    const d = judgeDurability(null, 'assume');
    assert.deepEqual(d, { status: 'assumed', ok: true, problems: [], notes: [] });
    assert.equal(durabilityMessage(d), 'assumed durable (REDIS_DURABILITY=assume)');
  });
});

describe('Redis durability in /readyz', { timeout: 10_000 }, () => {
  const notDurable = judgeDurability(cfg({ appendonly: 'no' }), 'check');
  test('not durable: a warning when not required, not ready when required', () => {
    const relaxed = durabilityReadiness(notDurable, false);
    assert.equal(relaxed.ready, true);
    assert.match(relaxed.report, /appendonly is no/);
    assert.deepEqual(relaxed.warnings, [`redis_durability: ${relaxed.report}`]);
    const strict = durabilityReadiness(notDurable, true);
    assert.equal(strict.ready, false);
    assert.deepEqual(strict.warnings, [], 'the failure itself says it');
  });

  test('durable: ok, with its notes as warnings; not checked (Redis down) only blocks when required', () => {
    assert.deepEqual(durabilityReadiness(judgeDurability(cfg({ appendfsync: 'always' }), 'check'), true), { report: 'ok', ready: true, warnings: [] });
    const noted = durabilityReadiness(judgeDurability(cfg({ appendfsync: 'no' }), 'check'), true);
    assert.equal(noted.ready, true);
    assert.match(noted.warnings[0]!, /appendfsync is no/);
    assert.deepEqual(durabilityReadiness({ notChecked: 'Redis unreachable' }, false), { report: 'not checked: Redis unreachable', ready: true, warnings: [] });
    assert.equal(durabilityReadiness({ notChecked: 'Redis unreachable' }, true).ready, false);
  });
});

describe('Redis settings', { timeout: 10_000 }, () => {
  test('durability is required by default exactly when a Feishu app is configured (production mode)', () => {
    assert.equal(loadSettings({}).redisDurability.required, false, 'no app: the sandbox, a laptop');
    assert.equal(loadSettings({ FEISHU_APP_ID: 'cli_x', FEISHU_APP_SECRET: 's' }).redisDurability.required, true);
    assert.equal(loadSettings({ FEISHU_APP_ID: 'cli_x', FEISHU_APP_SECRET: 's', REDIS_REQUIRE_DURABLE: 'false' }).redisDurability.required, false);
    assert.equal(loadSettings({ REDIS_REQUIRE_DURABLE: 'true' }).redisDurability.required, true);
    assert.equal(loadSettings({}).redisDurability.mode, 'check');
    assert.equal(loadSettings({ REDIS_DURABILITY: 'assume' }).redisDurability.mode, 'assume');
    assert.throws(() => loadSettings({ REDIS_REQUIRE_DURABLE: 'yes' }), /REDIS_REQUIRE_DURABLE: must be true or false/);
    assert.throws(() => loadSettings({ REDIS_DURABILITY: 'trust-me' }), /REDIS_DURABILITY/);
  });

  test('REDIS_TIMEOUT_MS: 1500 by default, bounded', () => {
    assert.equal(loadSettings({}).redisTimeoutMs, 1500);
    assert.equal(loadSettings({ REDIS_TIMEOUT_MS: '800' }).redisTimeoutMs, 800);
    assert.throws(() => loadSettings({ REDIS_TIMEOUT_MS: '10' }), /REDIS_TIMEOUT_MS/);
  });
});
