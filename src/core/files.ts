import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Writes files under `dir` atomically (temp file + rename, so Prometheus never reads half
 * a config) and removes files below `dir` that are no longer part of the set.
 */
export async function writeFileSet(dir: string, files: { path: string; content: string; mode?: number }[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const f of files) {
    const target = join(dir, f.path);
    if (relative(dir, target).startsWith('..')) throw new Error(`refusing to write outside ${dir}: ${f.path}`);
    await mkdir(dirname(target), { recursive: true });
    const tmp = `${target}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, f.content, { mode: f.mode ?? 0o644 });
    await rename(tmp, target);
  }
  const keep = new Set(files.map((f) => join(dir, f.path)));
  for (const existing of await listFiles(dir)) if (!keep.has(existing)) await rm(existing, { force: true });
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p)));
    else out.push(p);
  }
  return out;
}
