import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/**
 * The walls of .dependency-cruiser.cjs (run by `npm run lint`), shown refusing what they are
 * for: a small tree of files with the repository's folder names, some importing what their
 * room must not, cruised with the repository's config exactly as lint cruises src/.
 */
const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

const depcruise = (cwd: string, output: 'json' | 'err') => {
  const r = spawnSync(process.execPath, [CLI, '--config', CONFIG, '--output-type', output, 'src'], { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return r;
};

/** The violations as `from -> to: rule`, a package by its name. */
function violations(cwd: string): string[] {
  const out = JSON.parse(depcruise(cwd, 'json').stdout) as { summary: { violations: Violation[] } };
  return out.summary.violations.map((v) => `${v.from} -> ${v.to.replace(/^.*node_modules\/((@[^/]+\/)?[^/]+)\/.*$/, '$1')}: ${v.rule.name}`).sort();
}

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'promduty-walls-'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

test('each wall refuses the import it is for, and lets the allowed ones through', { timeout: 60_000 }, () => {
  const dir = tree({
    // Stand-ins for real modules, to be imported.
    'src/core/text.ts': 'export const clip = (s: string) => s;\n',
    'src/db/knex.ts': "import type { Knex } from 'knex';\nexport type Db = Knex;\n",
    'src/db/connect.ts': "import knexFactory from 'knex';\nexport const createKnex = () => knexFactory({ client: 'mysql2' });\n",
    'src/queue/queues.ts': "import { Queue } from 'bullmq';\nexport const createQueues = () => new Queue('q');\n",
    'src/http/app.ts': 'export const app = 1;\n',
    'src/rules/model.ts': 'export interface AlertRuleSpec { name: string }\n',
    'src/main.ts': "import { createKnex } from './db/connect';\nimport { createQueues } from './queue/queues';\nimport { Redis } from 'ioredis';\nexport const parts = [createKnex, createQueues, Redis];\n",
    // Allowed: a card on core/text; a rule service naming the database's type; a domain module on the model.
    'src/cards/fine-card.ts': "import { clip } from '../core/text';\nexport const fine = clip('x');\n",
    'src/rules/fine-service.ts': "import type { Knex } from 'knex';\nimport type { AlertRuleSpec } from './model';\nexport type Pair = [Knex, AlertRuleSpec];\n",
    // Refused.
    'src/cards/knex-card.ts': "import knex from 'knex';\nexport const k = knex;\n",
    'src/cards/db-card.ts': "import type { Db } from '../db/knex';\nexport type D = Db;\n",
    'src/rules/render-evil.ts': "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n",
    'src/feishu/evil.ts': "import type { createQueues } from '../queue/queues';\nexport type Q = typeof createQueues;\n",
    'src/rules/routes.ts': "import { app } from '../http/app';\nimport Koa from 'koa';\nexport const both = [app, Koa];\n",
    'src/events/redis.ts': "import { Redis } from 'ioredis';\nexport const r = new Redis();\n",
    'src/core/up.ts': "import type { AlertRuleSpec } from '../rules/model';\nexport type A = AlertRuleSpec;\n",
    'src/users/wired.ts': "import { parts } from '../main';\nexport const p = parts;\n",
    'src/scrape/connects.ts': "import { createKnex } from '../db/connect';\nexport const c = createKnex;\n",
  });
  try {
    const got = violations(dir);
    const expected = [
      'src/cards/db-card.ts -> src/db/knex.ts: pure-imports-pure',
      'src/cards/knex-card.ts -> knex: knex-made-in-db-connect',
      'src/cards/knex-card.ts -> knex: pure-no-io',
      'src/core/up.ts -> src/rules/model.ts: core-is-the-floor',
      'src/events/redis.ts -> ioredis: redis-made-in-wiring',
      'src/feishu/evil.ts -> src/queue/queues.ts: feishu-is-an-adapter',
      'src/rules/render-evil.ts -> fs: pure-no-io',
      'src/rules/routes.ts -> koa: domain-no-transport-packages',
      'src/rules/routes.ts -> src/http/app.ts: domain-no-transport',
      'src/scrape/connects.ts -> src/db/connect.ts: only-wiring-constructs-clients',
      'src/users/wired.ts -> src/main.ts: domain-no-transport',
      'src/users/wired.ts -> src/main.ts: only-wiring-imports-wiring',
    ].sort();
    assert.deepEqual(got, expected);
    // What lint runs (the err reporter) fails on them.
    const lint = depcruise(dir, 'err');
    assert.notEqual(lint.status, 0);
    assert.match(lint.stdout, /12 dependency violations \(12 errors/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the repository keeps to its walls (what npm run lint checks)', { timeout: 60_000 }, () => {
  assert.deepEqual(violations(ROOT), []);
  const lint = depcruise(ROOT, 'err');
  assert.equal(lint.status, 0, lint.stdout + lint.stderr);
});
