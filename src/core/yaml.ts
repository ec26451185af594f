/**
 * A small YAML emitter for the config files promduty writes (rule files, alertmanager.yml).
 *
 * Why not js-yaml's `dump`: it is several times slower on large rule files (~100 ms for
 * 5,000 rules, most of the render budget), and its scalar styles depend on its version. This one emits block mappings and
 * sequences in insertion order (callers sort for determinism) and picks each string's style
 * conservatively, so the Go parsers of Prometheus (yaml.v3) and Alertmanager (yaml.v2) read
 * back exactly the string given:
 *   - plain only for identifier-like text and durations that no YAML 1.1 resolver takes for a
 *     bool, null or number;
 *   - a literal block (`|-`) for multi-line text made only of printable characters;
 *   - single quotes for other printable one-line text (PromQL, templates, quotes, colons);
 *   - double quotes with escapes for the rest (control characters, tabs, CR, odd line breaks).
 * Tests parse the output back with js-yaml and with promtool / amtool.
 */
export type YamlValue = string | number | boolean | null | readonly YamlValue[] | YamlMap;
export interface YamlMap {
  readonly [key: string]: YamlValue | undefined;
}

/** One YAML document; `undefined` map values are left out, so optional fields need no branching. */
export function toYaml(doc: YamlValue): string {
  const out: string[] = [];
  if (isCollection(doc) && !isEmpty(doc)) emitBlock(doc, 0, out);
  else out.push(oneLine(doc));
  return out.join('\n') + '\n';
}

const PLAIN = /^[A-Za-z_][A-Za-z0-9_./-]*$/;
const PLAIN_DURATION = /^(\d+(ms|[ywdhms]))+$/;
// Words some YAML resolver (1.1 in Alertmanager's yaml.v2, 1.2 core) would not read as a string.
const RESERVED_WORD = /^(y|yes|n|no|true|false|on|off|null)$/i;
// YAML's printable set minus tab, the BOM and what YAML 1.1 reads as a line break (NEL, U+2028/9).
const PRINTABLE_LINE = /^[\x20-\x7e\u{a0}-\u{2027}\u{202a}-\u{d7ff}\u{e000}-\u{fefe}\u{ff00}-\u{fffd}\u{10000}-\u{10ffff}]*$/u;
const MUST_ESCAPE = /[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]/g;

function scalar(s: string, contentIndent: number): string {
  if ((PLAIN.test(s) || PLAIN_DURATION.test(s)) && !RESERVED_WORD.test(s)) return s;
  if (s.includes('\n')) return literalBlock(s, contentIndent) ?? doubleQuoted(s);
  if (PRINTABLE_LINE.test(s)) return `'${s.replaceAll("'", "''")}'`;
  return doubleQuoted(s);
}

// JSON string escapes are valid YAML double-quoted escapes; JSON leaves a few characters raw
// that YAML does not count as printable or (in YAML 1.1) reads as line breaks.
function doubleQuoted(s: string): string {
  return JSON.stringify(s).replace(MUST_ESCAPE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * `|-` / `|` block for multi-line text, or null when the text is better double-quoted:
 * whitespace-only lines, runs of trailing newlines (would need `|+`) and non-printable
 * characters go to escapes rather than to the subtler corners of block scalars.
 */
function literalBlock(s: string, indent: number): string | null {
  const keep = s.endsWith('\n');
  const body = keep ? s.slice(0, -1) : s;
  if (body.endsWith('\n') || body === '') return null;
  const lines = body.split('\n');
  if (lines.some((l) => (l !== '' && l.trim() === '') || !PRINTABLE_LINE.test(l))) return null;
  // The parser takes the indentation from the first non-empty line; if that line itself
  // starts with a space, the indentation has to be stated (relative to the parent, 2 here).
  const indicator = /^\n* /.test(body) ? '2' : '';
  const pad = ' '.repeat(indent);
  return `|${indicator}${keep ? '' : '-'}\n${lines.map((l) => (l === '' ? '' : pad + l)).join('\n')}`;
}

function isCollection(v: YamlValue): v is readonly YamlValue[] | YamlMap {
  return typeof v === 'object' && v !== null;
}

function isEmpty(v: readonly YamlValue[] | YamlMap): boolean {
  if (Array.isArray(v)) return v.length === 0;
  const map = v as YamlMap;
  return Object.keys(map).every((key) => map[key] === undefined);
}

/** A value written after `key: ` or `- `: scalars and empty collections. */
function inlineValue(v: YamlValue, contentIndent: number): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return scalar(v, contentIndent);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return Array.isArray(v) ? '[]' : '{}';
}

/** Keys, sequence items and whole-document scalars stay on one line: no literal blocks there. */
function oneLine(v: YamlValue): string {
  return typeof v === 'string' && v.includes('\n') ? doubleQuoted(v) : inlineValue(v, 0);
}

// Rule files run to thousands of entries: iterate keys, no per-entry tuples.
function emitBlock(v: readonly YamlValue[] | YamlMap, indent: number, out: string[]): void {
  const pad = ' '.repeat(indent);
  if (Array.isArray(v)) {
    for (const item of v as readonly YamlValue[]) {
      if (isCollection(item) && !isEmpty(item)) {
        // Nest one level deeper, then put the dash where the first line's indentation was.
        const start = out.length;
        emitBlock(item, indent + 2, out);
        out[start] = `${pad}- ${out[start]!.slice(indent + 2)}`;
      } else {
        out.push(`${pad}- ${oneLine(item)}`);
      }
    }
    return;
  }
  const map = v as YamlMap;
  for (const k of Object.keys(map)) {
    const val = map[k];
    if (val === undefined) continue;
    if (isCollection(val) && !isEmpty(val)) {
      out.push(`${pad}${oneLine(k)}:`);
      emitBlock(val, indent + 2, out);
    } else {
      out.push(`${pad}${oneLine(k)}: ${inlineValue(val, indent + 2)}`);
    }
  }
}
