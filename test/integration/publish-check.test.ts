import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { httpLifecycle } from '../../src/instances/lifecycle';
import { systemClock } from '../../src/core/clock';
import { sha256Hex } from '../../src/core/hashing';
import { silentLogger } from '../../src/core/logger';
import { toolConfigCheck } from '../../src/publish/config-check';
import { instanceViews } from '../../src/instances/store';
import { publishFiles, type PublishTarget } from '../../src/publish/files';
import { freshDatabase, type TestDatabase } from '../support/env';
import { freePort } from '../support/processes';

const PROMETHEUS_YML = 'global:\n  scrape_interval: 15s\nrule_files: [rules.yml]\nscrape_configs: []\n';
const rules = (annotation: string) => `groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up == 0\n        annotations:\n          summary: '${annotation}'\n`;
const file = (path: string, content: string) => ({ path, content, hash: sha256Hex(content) });

/** A logger whose warnings the test can read. */
function recordingLogger() {
  const lines: any[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: pino({ level: 'warn' }, stream), warnings: () => lines.filter((l) => l.level === 40).map((l) => String(l.msg)) };
}

describe('publishing checks rendered files with promtool / amtool first', { timeout: 120_000 }, () => {
  let database: TestDatabase;
  let dir: string;
  let dead: string;
  let poolId: number;
  let clusterId: number;
  before(async () => {
    database = await freshDatabase();
    [poolId] = (await database.db('scrape_pools').insert({ name: 'p' })) as [number];
    [clusterId] = (await database.db('alertmanager_clusters').insert({ name: 'c' })) as [number];
    dir = await mkdtemp(join(tmpdir(), 'promduty-publish-check-'));
    // Nothing listens there: reloads fail fast, which is recorded, not fatal.
    dead = `127.0.0.1:${await freePort()}`;
  });
  after(async () => {
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  });

  const deps = (configCheck = toolConfigCheck(silentLogger())) => ({ db: database.db, lifecycle: httpLifecycle(500), clock: systemClock, logger: silentLogger(), configCheck });
  const prometheus = (id: number, files: PublishTarget['files']): PublishTarget => ({
    kind: 'prometheus', id, address: dead, dir: join(dir, `prom-${id}`), configFile: 'prometheus.yml', files,
  });
  const onDisk = (id: number, path: string) => readFile(join(dir, `prom-${id}`, path), 'utf8');

  test('a rule file promtool refuses never replaces the working one; the refusal shows with the instance until fixed', async () => {
    const [id] = await database.db('prometheus_instances').insert({ pool_id: poolId, address: dead });
    const good = rules('{{ $labels.instance }} is down');
    const first = await publishFiles(deps(), [prometheus(id!, [file('prometheus.yml', PROMETHEUS_YML), file('rules.yml', good)])]);
    assert.deepEqual([first[0]!.changed, first[0]!.refused], [true, undefined]);
    assert.equal(await onDisk(id!, 'rules.yml'), good);

    // A template Prometheus refuses, written straight into the rendered file (our own checks would stop it earlier).
    const broken = rules('{{ range . }}{{ .Labels.pod }}');
    const second = await publishFiles(deps(), [prometheus(id!, [file('prometheus.yml', PROMETHEUS_YML), file('rules.yml', broken)])]);
    assert.equal(second[0]!.refused, true);
    assert.match(second[0]!.error ?? '', /^promtool check config refused it: FAILED: rules\.yml: group "g", rule 1, "A": annotation "summary": template: __alert_A:1: unexpected EOF$/);
    assert.equal(await onDisk(id!, 'rules.yml'), good, 'the working rules.yml is untouched');
    const state = await database.db('publish_state').where({ target_kind: 'prometheus', target_id: id, file: 'rules.yml' }).first();
    assert.equal(state.hash, sha256Hex(good), 'publish_state still describes the files the instance runs');
    const [view] = (await instanceViews(database.db, 'prometheus', [poolId])).get(poolId)!;
    assert.match(view!.refused?.error ?? '', /promtool check config refused it/);
    assert.ok(view!.refused!.at instanceof Date);

    const fixed = rules('{{ range . }}{{ .Labels.pod }}{{ end }}');
    const third = await publishFiles(deps(), [prometheus(id!, [file('prometheus.yml', PROMETHEUS_YML), file('rules.yml', fixed)])]);
    assert.deepEqual([third[0]!.changed, third[0]!.refused], [true, undefined]);
    assert.equal(await onDisk(id!, 'rules.yml'), fixed);
    assert.equal((await instanceViews(database.db, 'prometheus', [poolId])).get(poolId)![0]!.refused, null, 'cleared once accepted');
  });

  test('amtool refuses a broken alertmanager.yml; it is not written', async () => {
    const [id] = await database.db('alertmanager_instances').insert({ cluster_id: clusterId, address: dead });
    const target = (content: string): PublishTarget => ({
      kind: 'alertmanager', id: id!, address: dead, dir: join(dir, `am-${id}`), configFile: 'alertmanager.yml', files: [file('alertmanager.yml', content)],
    });
    const good = 'route:\n  receiver: a\nreceivers:\n  - name: a\n';
    await publishFiles(deps(), [target(good)]);
    const [r] = await publishFiles(deps(), [target('route:\n  receiver: nobody\nreceivers:\n  - name: a\n')]);
    assert.equal(r!.refused, true);
    assert.match(r!.error ?? '', /^amtool check-config refused it: .*undefined receiver "nobody" used in route/);
    assert.equal(await readFile(join(dir, `am-${id}`, 'alertmanager.yml'), 'utf8'), good);
  });

  test('without promtool, publishing goes on unchecked and says so once', async () => {
    const [id] = await database.db('prometheus_instances').insert({ pool_id: poolId, address: `127.0.0.2:${await freePort()}` });
    const { logger, warnings } = recordingLogger();
    const check = toolConfigCheck(logger, { promtool: '/nonexistent/promtool' });
    const broken = rules('{{ range . }}');
    for (const content of [broken, `${broken}# changed\n`]) {
      const [r] = await publishFiles(deps(check), [prometheus(id!, [file('prometheus.yml', PROMETHEUS_YML), file('rules.yml', content)])]);
      assert.equal(r!.refused, undefined);
      assert.equal(await onDisk(id!, 'rules.yml'), content);
    }
    assert.deepEqual(warnings().filter((w) => w.includes('not installed')), [
      '/nonexistent/promtool is not installed: published configs are not checked before they replace the running ones (install it, see README)',
    ]);
  });

  test('a promtool that dies without a verdict (a signal, a failed start on a loaded host) is no refusal: the files go out', async () => {
    const [id] = await database.db('prometheus_instances').insert({ pool_id: poolId, address: `127.0.0.3:${await freePort()}` });
    const crashing = join(dir, 'crashing-promtool');
    await writeFile(crashing, '#!/bin/sh\nkill -9 $$\n');
    await chmod(crashing, 0o755);
    const { logger, warnings } = recordingLogger();
    const content = rules('fine');
    const [r] = await publishFiles(deps(toolConfigCheck(logger, { promtool: crashing })), [prometheus(id!, [file('prometheus.yml', PROMETHEUS_YML), file('rules.yml', content)])]);
    assert.equal(r!.refused, undefined);
    assert.equal(await onDisk(id!, 'rules.yml'), content);
    assert.deepEqual(warnings().filter((w) => w.includes('without a verdict')), [`${crashing} failed without a verdict (SIGKILL): these files go out unchecked`]);
  });
});
