import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { notFound } from '../core/errors';

/** The page's files: plain HTML, CSS and browser modules, served as they are (no build step). */
const ASSETS = new Set(['index.html', 'sandbox.css', 'app.js', 'card.js', 'markdown.js', 'controls.js', 'mentions.js', 'chart.js']);

// Run from source (tsx) the files sit next to this module; compiled, this module lives under
// dist/ while tsc copies no assets, so they are read from the source tree.
const WEB_DIR = [join(__dirname, 'web'), join(__dirname, '..', '..', '..', 'src', 'sandbox', 'web')].find((d) =>
  existsSync(join(d, 'index.html')),
);

export async function readWebAsset(name: string): Promise<string> {
  if (!ASSETS.has(name) || !WEB_DIR) throw notFound('sandbox asset', name);
  return readFile(join(WEB_DIR, name), 'utf8');
}
