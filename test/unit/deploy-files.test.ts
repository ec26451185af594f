import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { requireBinary } from '../support/processes';

// docker-compose (Debian package; npm test installs it) validates the file without a Docker engine.
const compose = (args: string[], input?: string) => {
  const r = spawnSync(requireBinary('docker-compose'), args, { encoding: 'utf8', input });
  if (r.error) throw r.error;
  return r;
};

test('docker-compose accepts docker-compose.yml and wires every part', () => {
  const r = compose(['-f', 'docker-compose.yml', 'config']);
  assert.equal(r.status, 0, r.stderr);
  const cfg = yaml.load(r.stdout) as { services: Record<string, any> };
  for (const s of ['mysql', 'redis', 'prometheus', 'alertmanager', 'node-exporter', 'promduty-api', 'promduty-worker'])
    assert.ok(cfg.services[s], `service ${s} missing`);
  assert.equal(cfg.services['promduty-worker'].environment.ROLE, 'worker');
  assert.equal(cfg.services['promduty-api'].environment.ROLE, 'api');
  assert.match(cfg.services['promduty-api'].environment.DATABASE_URL, /@mysql:3306\//);
});

test('a broken compose file is refused (the check above can fail)', () => {
  const broken = readFileSync('docker-compose.yml', 'utf8').replace('services:', 'servicez:');
  const r = compose(['-f', '-', 'config'], broken);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /'servicez' does not match/);
});

test('the bootstrap Prometheus and Alertmanager configs are valid', () => {
  execFileSync(requireBinary('promtool'), ['check', 'config', '--syntax-only', 'deploy/prometheus.yml'], { stdio: 'pipe' });
  execFileSync(requireBinary('amtool'), ['check-config', 'deploy/alertmanager.yml'], { stdio: 'pipe' });
});
