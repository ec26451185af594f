import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/** The team's rule: small files named for what they do; none in src/ over this many lines. */
const MAX_LINES = 400;
const SRC = resolve(__dirname, '../../src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return /\.(ts|js|mjs|cjs)$/.test(e.name) ? [path] : [];
  });
}

/** Lines as an editor numbers them (a last line without its newline counts too). */
const lineCount = (text: string): number => (text === '' ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0));

test(`no source file in src/ is over ${MAX_LINES} lines`, { timeout: 30_000 }, () => {
  const files = sources(SRC);
  assert.ok(files.length > 100, `found only ${files.length} files under ${SRC}`);
  const long = files
    .map((f) => ({ file: relative(SRC, f), lines: lineCount(readFileSync(f, 'utf8')) }))
    .filter((f) => f.lines > MAX_LINES)
    .map((f) => `src/${f.file}: ${f.lines} lines`);
  assert.deepEqual(long, [], 'split these along their seams');
});

test('lines are counted as an editor numbers them', () => {
  assert.equal(lineCount(''), 0);
  assert.equal(lineCount('a\n'), 1);
  assert.equal(lineCount('a\nb'), 2);
  assert.equal(lineCount('a\nb\n'), 2);
});
