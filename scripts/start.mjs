#!/usr/bin/env node
// `npm start`: builds when the compiled output is missing or older than the sources, then
// runs promduty (which creates and migrates the database, then serves role ROLE, default all).
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const entry = join(root, 'dist/src/main.js');

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const sources = Math.max(...['src', 'migrations'].map((d) => newest(join(root, d))), statSync(join(root, 'package-lock.json')).mtimeMs);
if (!existsSync(entry) || statSync(entry).mtimeMs < sources) {
  console.error('promduty: building (tsc)…');
  const b = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (b.status !== 0) process.exit(b.status ?? 1);
}
// V8 sizes its old generation from this cap: with the default (a quarter of the machine's
// memory) an alert storm left 330+ MiB resident in garbage; with 512 MiB the same storm peaks
// near 190 MiB at the same throughput (BENCHMARKS.md). PROMDUTY_HEAP_MB raises it.
const heapMb = process.env.PROMDUTY_HEAP_MB ?? '512';
const child = spawn(process.execPath, ['--enable-source-maps', `--max-old-space-size=${heapMb}`, entry, ...process.argv.slice(2)], { stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
