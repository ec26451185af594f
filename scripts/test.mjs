#!/usr/bin/env node
// Runs the test suite with Node's own test runner (through tsx, so tests are TypeScript).
// Usage: npm test                     every test under test/
//        npm test -- test/unit        only the files under those paths
// First it makes the machine ready (scripts/prepare-test.mjs: Debian packages, MariaDB, Redis)
// unless PROMDUTY_TEST_PREPARE=0. Each test file runs in its own process with its own database
// and Redis prefix, so files run in parallel (one per core).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';
import { prepare } from './prepare/machine.mjs';

// A test or hook without its own `{ timeout }` gets 120 s (test/support/default-timeouts.mjs;
// TEST_TIMEOUT_MS overrides); a whole file gets FILE_TIMEOUT_MS, which only a file stuck
// outside any test reaches: it is above what the longest file's tests may take at their own
// timeouts (a fault-scenario file: 90 s of servers, two scenarios of 200 s, 60 s to clean up).
const FILE_TIMEOUT_MS = 600_000;

function collect(path, out) {
  const st = statSync(path);
  if (st.isDirectory()) {
    for (const name of readdirSync(path).sort()) collect(join(path, name), out);
  } else if (path.endsWith('.test.ts')) {
    out.push(path);
  }
  return out;
}

const args = process.argv.slice(2);
const roots = args.filter((a) => !a.startsWith('-'));
const flags = args.filter((a) => a.startsWith('-'));
const files = (roots.length ? roots : ['test']).flatMap((r) => collect(r, []));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
if (process.env.PROMDUTY_TEST_PREPARE !== '0' && !(await prepare())) process.exit(1);

const concurrency = Number(process.env.TEST_CONCURRENCY ?? Math.max(2, os.availableParallelism()));
const r = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--import',
    new URL('../test/support/default-timeouts.mjs', import.meta.url).href,
    '--test',
    `--test-concurrency=${concurrency}`,
    `--test-timeout=${FILE_TIMEOUT_MS}`,
    // No --test-force-exit: on Node 20 it exits a file's process before the report is flushed
    // (nodejs/node#54327), and tests went missing from the totals without a failure (seen: 77,
    // 79 or 82 of cards-other's 86). A file that leaves a socket or timer behind hangs until
    // FILE_TIMEOUT_MS and is reported cancelled instead: a failure, never a silent pass.
    '--test-reporter=spec',
    ...flags,
    ...files,
  ],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
);
process.exit(r.status ?? 1);
