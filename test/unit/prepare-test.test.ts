import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  APT_UPDATE,
  MARIADB_ROOT,
  MARIADB_START,
  REDIS_START,
  REQUIREMENTS,
  aptInstall,
  installHint,
  planPreparation,
  shellLine,
  type Facts,
} from '../../scripts/prepare/plan.mjs';

const everything = Object.fromEntries(REQUIREMENTS.map((r) => [r.name, true]));
const up = (name: 'mariadb' | 'redis') => ({ up: true, local: true, address: name === 'mariadb' ? '127.0.0.1:3306' : '127.0.0.1:6379', env: name === 'mariadb' ? 'TEST_MYSQL_URL' : 'TEST_REDIS_URL' });
const ready: Facts = { present: everything, root: true, apt: true, mariadb: up('mariadb'), redis: up('redis') };
const without = (...names: string[]) => ({ ...everything, ...Object.fromEntries(names.map((n) => [n, false])) });
const runs = (facts: Facts) => planPreparation(facts).steps.map((s) => ('run' in s ? shellLine(s.run) : `wait ${s.wait}`));

describe('test preparation decides', () => {
  test('a ready machine: nothing to do', () => {
    assert.deepEqual(planPreparation(ready), { missing: [], packages: [], steps: [], blocked: null, manual: [] });
  });

  test('missing programs: one apt-get update, then one install of their packages (each once)', () => {
    const plan = planPreparation({ ...ready, present: without('promtool', 'prometheus', 'vmalert', 'chromium', 'NotoColorEmoji.ttf') });
    assert.deepEqual(plan.packages, ['prometheus', 'victoria-metrics', 'chromium', 'fonts-noto-color-emoji']);
    assert.deepEqual(runs({ ...ready, present: without('promtool', 'prometheus', 'vmalert', 'chromium', 'NotoColorEmoji.ttf') }), [
      shellLine(APT_UPDATE),
      shellLine(aptInstall(['prometheus', 'victoria-metrics', 'chromium', 'fonts-noto-color-emoji'])),
    ]);
    assert.equal(plan.blocked, null);
  });

  test('MariaDB and Redis down on their default addresses: start both, then wait for both', () => {
    const facts: Facts = { ...ready, mariadb: { ...ready.mariadb, up: false }, redis: { ...ready.redis, up: false } };
    assert.deepEqual(runs(facts), [
      'install -d -o mysql -g root -m 0755 /run/mysqld',
      shellLine(MARIADB_START),
      shellLine(REDIS_START),
      'wait mariadb',
      'wait redis',
    ]);
    assert.equal(shellLine(REDIS_START), "redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no");
    const starts = planPreparation(facts).steps.filter((s) => 'run' in s && s.run !== MARIADB_START && s.run !== REDIS_START);
    assert.ok(starts.every((s) => 'wait' in s || s.unless === 'mariadb'), 'a start is skipped when the service answers by then');
  });

  test('mariadb-server missing and MariaDB down: installed, started, and root let in over TCP', () => {
    const facts: Facts = { ...ready, present: without('mariadbd', 'mariadb-install-db'), mariadb: { ...ready.mariadb, up: false } };
    const steps = runs(facts);
    assert.deepEqual(planPreparation(facts).packages, ['mariadb-server']);
    assert.deepEqual(steps.slice(-2), ['wait mariadb', shellLine(MARIADB_ROOT)]);
    assert.ok(steps.indexOf(shellLine(aptInstall(['mariadb-server']))) < steps.indexOf(shellLine(MARIADB_START)));
  });

  test('mariadb-server missing but a MariaDB answers (a container, say): installed for the private test servers, that one left alone', () => {
    const steps = runs({ ...ready, present: without('mariadbd') });
    assert.deepEqual(steps, [shellLine(APT_UPDATE), shellLine(aptInstall(['mariadb-server']))]);
  });

  test('redis-server missing and Redis down: installed, then started', () => {
    assert.deepEqual(runs({ ...ready, present: without('redis-server'), redis: { ...ready.redis, up: false } }), [
      shellLine(APT_UPDATE),
      shellLine(aptInstall(['redis-server'])),
      shellLine(REDIS_START),
      'wait redis',
    ]);
  });

  test('not root: stops, naming the commands with sudo (Redis needs no root)', () => {
    const plan = planPreparation({ ...ready, root: false, present: without('amtool'), mariadb: { ...ready.mariadb, up: false }, redis: { ...ready.redis, up: false } });
    assert.deepEqual(plan.steps, []);
    assert.match(plan.blocked ?? '', /not running as root, which installing packages and starting MariaDB needs/);
    assert.deepEqual(plan.manual, [
      'sudo apt-get update -q',
      'sudo apt-get install -y -q --no-install-recommends prometheus-alertmanager',
      'sudo install -d -o mysql -g root -m 0755 /run/mysqld',
      `sudo ${shellLine(MARIADB_START)}`,
      shellLine(REDIS_START),
    ]);
  });

  test('not root, only Redis down: starts it (no root needed)', () => {
    const plan = planPreparation({ ...ready, root: false, redis: { ...ready.redis, up: false } });
    assert.equal(plan.blocked, null);
    assert.deepEqual(runs({ ...ready, root: false, redis: { ...ready.redis, up: false } }), [shellLine(REDIS_START), 'wait redis']);
  });

  test('no apt-get: stops, naming the Debian packages', () => {
    const plan = planPreparation({ ...ready, apt: false, present: without('docker-compose') });
    assert.match(plan.blocked ?? '', /apt-get is not available/);
    assert.deepEqual(plan.manual, ['apt-get update -q', 'apt-get install -y -q --no-install-recommends docker-compose']);
  });

  test('no apt-get but nothing missing: fine', () => {
    assert.equal(planPreparation({ ...ready, apt: false }).blocked, null);
  });

  test('a database elsewhere (TEST_MYSQL_URL) that is down: never started here; the variable is named', () => {
    const plan = planPreparation({ ...ready, mariadb: { up: false, local: false, address: '10.0.0.5:3306', env: 'TEST_MYSQL_URL' } });
    assert.deepEqual(plan.steps, []);
    assert.match(plan.blocked ?? '', /nothing answers at 10\.0\.0\.5:3306 \(TEST_MYSQL_URL\)/);
  });

  test('every requirement names a Debian package; the install hint uses it', () => {
    for (const r of REQUIREMENTS) assert.match(r.pkg, /^[a-z0-9][a-z0-9.+-]+$/, r.name);
    assert.equal(installHint('amtool'), 'apt-get install -y prometheus-alertmanager');
    assert.equal(installHint('vmagent'), 'apt-get install -y victoria-metrics');
  });
});
