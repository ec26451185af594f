#!/usr/bin/env node
// Makes this machine ready for `npm test`: installs the Debian packages the tests run (needs root
// and apt-get), starts MariaDB and Redis when they are down, or says exactly what to run.
// `npm test` and .ci/run call it first; PROMDUTY_TEST_PREPARE=0 skips it.
// Usage: node scripts/prepare-test.mjs [--dry-run]
import { prepare } from './prepare/machine.mjs';

const dryRun = process.argv.includes('--dry-run');
try {
  process.exitCode = (await prepare({ dryRun })) ? 0 : 1;
} catch (e) {
  console.error(`prepare: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
}
