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

/**
 * A golden per language: English at `<dir>/<file>`, Chinese at `<dir>/zh-CN/<file>`, so every
 * card and reply is pinned in both (issue #16) and the English diffs stay where they were.
 */
export function assertGoldenJsonIn(locale: 'en' | 'zh-CN', name: string, value: unknown): void {
  const slash = name.lastIndexOf('/');
  assertGoldenJson(locale === 'en' ? name : `${name.slice(0, slash + 1)}zh-CN/${name.slice(slash + 1)}`, value);
}
