import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const GOLDEN_DIR = join(__dirname, '..', 'unit', 'golden');

/**
 * Compare text with test/unit/golden/<name>; with UPDATE_GOLDEN=1 (re)write it instead.
 * A missing golden fails rather than being created silently, so a typo cannot pass.
 */
export function assertGolden(name: string, actual: string): void {
  const path = join(GOLDEN_DIR, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  assert.ok(existsSync(path), `golden file ${name} is missing; run with UPDATE_GOLDEN=1 to create it`);
  assert.equal(actual, readFileSync(path, 'utf8'), `output differs from golden ${name} (UPDATE_GOLDEN=1 to accept)`);
}

/** JSON goldens: stable two-space formatting with a trailing newline. */
export const assertGoldenJson = (name: string, value: unknown): void => assertGolden(name, JSON.stringify(value, null, 2) + '\n');
