import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration, parseHostPort, isIP } from '../../src/core/names';

test('parseDuration accepts Prometheus durations and refuses the rest', () => {
  assert.equal(parseDuration('30s'), 30_000);
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('2d'), 172_800_000);
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('0'), 0);
  for (const bad of ['', '5', '1.5h', 'm5', '30s1h', '-5m', '5 m']) assert.equal(parseDuration(bad), null, bad);
});

test('parseHostPort understands v4, v6 and names, and refuses bad ports', () => {
  assert.deepEqual(parseHostPort('10.0.0.1:9090'), { host: '10.0.0.1', port: 9090 });
  assert.deepEqual(parseHostPort('[::1]:9093'), { host: '::1', port: 9093 });
  assert.deepEqual(parseHostPort('prom-1.example.com:9090'), { host: 'prom-1.example.com', port: 9090 });
  for (const bad of ['10.0.0.1', '10.0.0.1:0', '10.0.0.1:65536', 'a b:80', '::1:80', 'host:']) assert.equal(parseHostPort(bad), null, bad);
});

test('isIP', () => {
  assert.ok(isIP('192.168.1.10'));
  assert.ok(isIP('fe80::1'));
  assert.ok(!isIP('256.1.1.1'));
  assert.ok(!isIP('1.2.3'));
  assert.ok(!isIP('host'));
});
