import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Issue 16: every text the bot shows comes from the catalogue. A Chinese golden that pins an
 * English sentence means some card or reply still writes English (as the rule card's "Data"
 * line, the suggestion card's reasons and the shift cards' fixtures did): four or more English
 * words in a row fail here, except inside what people typed or tools answered, which is shown as
 * it came (the fixtures' annotations, action descriptions, PromQL parser messages).
 */
const DATA = [
  'Check the top processes', // an alert's runbook annotation
  'systemctl restart nginx through AWX', // an action's description
  'unexpected end of', // the PromQL parser's own message, quoted
  'summary: CPU high on', // a rule's annotation template
];
const GOLDEN = join(__dirname, 'golden');

function* texts(node: unknown): Generator<string> {
  if (typeof node === 'string') yield node;
  else if (Array.isArray(node)) for (const v of node) yield* texts(v);
  else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) if (!['value', 'url', 'img_key', 'uuid'].includes(k)) yield* texts(v);
}

test('the Chinese goldens hold no English sentence of the bot’s own', { timeout: 10_000 }, () => {
  const found: string[] = [];
  const dirs = readdirSync(GOLDEN, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => join(GOLDEN, d.name, 'zh-CN'));
  let files = 0;
  for (const dir of dirs) {
    let names: string[];
    try {
      names = readdirSync(dir).filter((n) => n.endsWith('.json'));
    } catch {
      continue;
    }
    for (const name of names) {
      files++;
      for (const text of texts(JSON.parse(readFileSync(join(dir, name), 'utf8')))) {
        for (const m of text.matchAll(/(?:\b[A-Za-z]{2,}\b[ ,.;']+){3,}[A-Za-z]{2,}/g)) {
          if (!DATA.some((d) => text.slice(Math.max(0, m.index - 40), m.index + m[0].length + 40).includes(d))) found.push(`${name}: ${m[0]}`);
        }
      }
    }
  }
  assert.ok(files > 80, `read ${files} Chinese goldens`);
  assert.deepEqual(found, []);
});
