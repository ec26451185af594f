import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import yaml from 'js-yaml';
import { LanguageType, promQLLanguage } from '@prometheus-io/codemirror-promql';
import { extractMetricNames, validatePromql } from '../../src/rules/promql';
import { parsePromqlTree, PROMQL_LIMITS } from '../../src/rules/promql-parse';
import { firstSyntaxError } from '../../src/rules/promql-syntax';
import { libraryGetType, rememberedGetType } from '../../src/rules/promql-types';
import { decodeStringLiteral } from '../../src/rules/promql-literals';
import { re2SyntaxError } from '../../src/core/re2';
import { requireBinary } from '../support/processes';

// Real-world alert expressions; every one must also pass Prometheus' own promtool (below).
const VALID = [
  'up == 0',
  'rate(http_requests_total{job="api"}[5m]) > 10',
  'sum by (job) (rate(x[1m]))',
  'sum(rate(x[1m])) by (job)',
  'histogram_quantile(0.99, sum by (le) (rate(h_bucket[5m])))',
  'absent(up{job="x"})',
  'vector(1) > 0',
  'node_filesystem_avail_bytes / node_filesystem_size_bytes < 0.1',
  'max_over_time(rate(http_requests_total[5m])[1h:1m]) > 100',
  'avg_over_time(up[10m:])',
  'rate(x[5m] offset 1h) > 0',
  'sum(up offset 1d) by (job)',
  'up offset -5m',
  'up @ 1609746000',
  'rate(x[5m] @ end())',
  'up @ start() offset 5m',
  String.raw`label_replace(up, "host", "$1", "instance", "(.*):\\d+")`,
  'up == bool 0',
  '1 > bool 0',
  'up and on(instance) node_load1 > 4',
  'up unless ignoring(job) down',
  'absent(up) or on() vector(0)',
  'rate(x[5m]) * on(instance) group_left(nodename) node_uname_info',
  'node_uname_info * ignoring(nodename) group_right rate(x[5m])',
  'sum(rate(x[5m])) by (job) / on (job) group_left sum by (job) (y)',
  'up{job="数据库", env="生产"} == 0',
  'up{desc=~"café|naïve"}',
  '# API error ratio\nsum by (job) (rate(http_requests_total{code=~"5.."}[5m]))  # errors\n  /\nsum by (job) (rate(http_requests_total[5m]))\n  > 0.05',
  'sum(\n  # why: per job\n  rate(x[5m])\n) > 1',
  'count_values("version", build_info)',
  'time() - process_start_time_seconds < 300',
  'count(up) without (instance) < 3',
  '{__name__=~"job:.*"} > 0',
  "up{job=~'api|web'}",
  'up{job=~`\\d+`}',
  String.raw`up{instance=~"10\\.0\\..*"}`,
  'up{job=~"(?i)API"}',
  String.raw`up{job="\x41\u00e9\101\a"}`,
  String.raw`up{job='it\'s'}`,
  'topk(3, rate(x[5m]))',
  'quantile(0.9, up)',
  'predict_linear(node_filesystem_free_bytes[6h], 4 * 3600) < 0',
  'scalar(sum(up)) < bool 1',
  'sort_desc(sum by (job) (up))',
  '-up < -1',
  'changes(x[1h]) > 3 and increase(y[1h]) == 0',
  'absent_over_time(up[10m])',
  'time()',
  'max_over_time((a / b)[1h:5m]) > 1',
  'up - x offset 5m',
  'up @ 1609746000 offset 5m',
];

const nested = (open: string, close: string, levels: number) => `${open.repeat(levels)}up${close.repeat(levels)}`;
const chain = (operators: number) => Array.from({ length: operators + 1 }, () => 'up').join(' or ');
// Expressions exactly as deep as allowed: the selector is the last level.
const DEEPEST = [
  nested('(', ')', PROMQL_LIMITS.maxDepth - 1),
  nested('abs(', ')', PROMQL_LIMITS.maxDepth - 1),
  nested('sum(', ')', PROMQL_LIMITS.maxDepth - 1),
  chain(PROMQL_LIMITS.maxDepth - 1),
  `${'-'.repeat(PROMQL_LIMITS.maxDepth - 1)}up`,
  `${'max_over_time(('.repeat((PROMQL_LIMITS.maxDepth - 2) / 3)}up${')[5m:1m])'.repeat((PROMQL_LIMITS.maxDepth - 2) / 3)}`,
];

interface Invalid {
  expr: string;
  error: RegExp;
  /** line, column, and the text the position covers */
  at: [number, number, string];
}

const INVALID: Invalid[] = [
  { expr: '', error: /^expression is empty$/, at: [1, 1, ''] },
  { expr: ' \n\t ', error: /^expression is empty$/, at: [1, 1, ' \n\t '] },
  { expr: '# only a comment', error: /^expression is empty$/, at: [1, 1, '# only a comment'] },
  { expr: 'rate(up)', error: /^expected type range vector in call to function "rate", got instant vector$/, at: [1, 6, 'up'] },
  { expr: 'foo{bar=}', error: /^unexpected "}" in label matching$/, at: [1, 9, '}'] },
  { expr: 'nosuchfn(up)', error: /^unknown function with name "nosuchfn"$/, at: [1, 1, 'nosuchfn'] },
  { expr: 'Rate(x[5m])', error: /^unknown function with name "Rate"$/, at: [1, 1, 'Rate'] },
  { expr: 'up offset', error: /^offset requires a duration expression$/, at: [1, 1, 'up offset'] },
  { expr: 'sum by (job) up ==', error: /^unexpected "up" in aggregation$/, at: [1, 14, 'up'] },
  { expr: 'rate(node_cpu_seconds_total[5m]', error: /^unexpected end of expression: unclosed "\(" at line 1, column 5$/, at: [1, 32, ''] },
  { expr: 'sum(\n  rate(x[5m])\n', error: /^unexpected end of expression: unclosed "\(" at line 1, column 4$/, at: [2, 14, ''] },
  { expr: 'up +', error: /^unexpected end of expression$/, at: [1, 5, ''] },
  { expr: 'up + # why\n  # more\n', error: /^unexpected end of expression$/, at: [1, 5, ''] },
  { expr: 'up[5m][10m:1m]', error: /^subquery is only allowed on instant vector, got range vector instead$/, at: [1, 1, 'up[5m][10m:1m]'] },
  { expr: 'up{job="abc', error: /^unexpected end of expression: unterminated string at line 1, column 8$/, at: [1, 12, ''] },
  { expr: 'up == 0 )', error: /^unexpected "\)"$/, at: [1, 9, ')'] },
  { expr: 'foo bar', error: /^unexpected "bar"$/, at: [1, 5, 'bar'] },
  { expr: 'up{job="a" job="b"}', error: /^unexpected "job" in label matching$/, at: [1, 12, 'job'] },
  { expr: 'histogram_quantile(0.9, rate(x[5m]), 3)', error: /^expected 2 argument\(s\) in call to "histogram_quantile", got 3$/, at: [1, 1, 'histogram_quantile(0.9, rate(x[5m]), 3)'] },
  { expr: '1 > 2', error: /^comparisons between scalars must use BOOL modifier$/, at: [1, 1, '1 > 2'] },
  { expr: 'up and 1', error: /^set operator not allowed in binary scalar expression$/, at: [1, 1, 'up and 1'] },
  { expr: 'up + on(job) group_left(job) up', error: /^label "job" must not occur in ON and GROUP clause at once$/, at: [1, 1, 'up + on(job) group_left(job) up'] },
  { expr: '{job=""}', error: /^vector selector must contain at least one non-empty matcher$/, at: [1, 1, '{job=""}'] },
  { expr: 'topk("a", up)', error: /^expected type scalar in aggregation parameter, got string$/, at: [1, 6, '"a"'] },
  { expr: 'up[5m] > 1', error: /^binary expression must contain only scalar and instant vector types$/, at: [1, 1, 'up[5m]'] },
  { expr: '# first line\nsum(\n  rate(up)\n)', error: /got instant vector$/, at: [3, 8, 'up'] },
  { expr: String.raw`up{job="\d+"}`, error: /^unknown escape sequence `\\d`$/, at: [1, 9, String.raw`\d`] },
  { expr: String.raw`up{job="\400"}`, error: /^escape sequence `\\400` is an invalid Unicode code point$/, at: [1, 9, String.raw`\400`] },
  { expr: String.raw`up{job="it\'s"}`, error: /^unknown escape sequence `\\'`$/, at: [1, 11, String.raw`\'`] },
  { expr: 'up{job=~"("}', error: /^invalid regular expression `\(`: missing closing \)$/, at: [1, 9, '"("'] },
  { expr: 'up{job!~"[z-a]"}', error: /^invalid regular expression `\[z-a\]`: invalid character class range: `z-a`$/, at: [1, 9, '"[z-a]"'] },
  { expr: 'up{job=~"*"}', error: /missing argument to repetition operator: `\*`$/, at: [1, 9, '"*"'] },
  // The grammar parses these postfixes after the operators; Prometheus binds them to the last operand.
  { expr: 'max_over_time(a / b[1h:5m])', error: /^range vector in a binary expression: \[1h:5m\] applies to b alone, .* write \(a \/ b\)\[1h:5m\]$/, at: [1, 19, 'b[1h:5m]'] },
  { expr: '-up[5m]', error: /^range vector in a unary expression: .* write \(-up\)\[5m:\]$/, at: [1, 2, 'up[5m]'] },
  { expr: 'rate(sum(x)[5m])', error: /^ranges only allowed for vector selectors; .* like sum\(x\)\[5m:\]$/, at: [1, 6, 'sum(x)[5m]'] },
  { expr: 'rate(up offset 5m [5m])', error: /^no offset modifiers allowed before range$/, at: [1, 6, 'up offset 5m [5m]'] },
  { expr: 'sum(up) @ 100', error: /^@ modifier must be preceded by an instant vector selector or range vector selector or a subquery$/, at: [1, 1, 'sum(up) @ 100'] },
  { expr: 'up offset 5m offset 1m', error: /^offset may not be set multiple times$/, at: [1, 1, 'up offset 5m offset 1m'] },
];

// Prometheus answers these as queries (and promtool passes them in a rule file), but a rule
// evaluating them fails every time.
const RULE_ONLY_INVALID: Invalid[] = [
  { expr: 'up[5m]', error: /^a rule must evaluate to an instant vector or a scalar, got range vector$/, at: [1, 1, 'up[5m]'] },
  { expr: 'rate(x[5m])[30m:1m]', error: /got range vector$/, at: [1, 1, 'rate(x[5m])[30m:1m]'] },
  { expr: '"foo"', error: /got string$/, at: [1, 1, '"foo"'] },
  { expr: '# why\nup[5m] offset 1h', error: /got range vector$/, at: [2, 1, 'up[5m] offset 1h'] },
];

function assertInvalid(c: Invalid, forRule: boolean): void {
  const r = validatePromql(c.expr, { forRule });
  const what = c.expr.length > 80 ? `${c.expr.slice(0, 80)}…` : c.expr;
  assert.equal(r.valid, false, what);
  assert.match(r.error ?? '', c.error, what);
  assert.ok(r.position, what);
  const { line, column, from, to } = r.position;
  assert.deepEqual([line, column, c.expr.slice(from, to)], c.at, what);
}

describe('validatePromql', () => {
  test('accepts real-world alert expressions, as queries and as rules', () => {
    for (const expr of VALID) {
      assert.deepEqual(validatePromql(expr), { valid: true }, expr);
      assert.deepEqual(validatePromql(expr, { forRule: true }), { valid: true }, expr);
    }
  });

  test('refuses broken expressions with a precise message and position', () => {
    for (const c of INVALID) assertInvalid(c, false);
  });

  test('forRule refuses range vectors and strings that a query may return', () => {
    for (const c of RULE_ONLY_INVALID) {
      assert.deepEqual(validatePromql(c.expr), { valid: true }, c.expr);
      assertInvalid(c, true);
    }
  });

  test('checks the whole text, however long', () => {
    // Lezer force-reduces after 300 left-associative reductions in a row, so a flat chain of
    // a few hundred operators gets a spurious error: length here comes from label values.
    const selectors = Array.from({ length: 100 }, (_, i) => `up{job="${'x'.repeat(60)}${i}"}`).join(' or ');
    assert.ok(selectors.length > 6000);
    assertInvalid({ expr: `${selectors} or rate(up)`, error: /got instant vector$/, at: [1, selectors.length + 10, 'up'] }, false);
    assertInvalid({ expr: `${selectors} or`, error: /^unexpected end of expression$/, at: [1, selectors.length + 4, ''] }, false);
  });

  test('validates 1,000 expressions (time printed, not asserted)', () => {
    const all = [...VALID, ...INVALID.map((c) => c.expr), ...RULE_ONLY_INVALID.map((c) => c.expr)];
    const exprs = Array.from({ length: 1000 }, (_, i) => all[i % all.length] ?? '');
    const run = (): { ms: number; valid: number } => {
      const start = performance.now();
      const valid = exprs.filter((e) => validatePromql(e, { forRule: true }).valid).length;
      return { ms: performance.now() - start, valid };
    };
    const cold = run();
    const warm = run();
    const expected = exprs.filter((e) => VALID.includes(e)).length;
    assert.equal(cold.valid, expected);
    assert.equal(warm.valid, expected);
    console.log(`validatePromql: 1,000 expressions in ${cold.ms.toFixed(0)} ms cold, ${warm.ms.toFixed(0)} ms warm`);
  });
});

test('never throws, and positions stay inside the text', () => {
  const tokens = ['up', 'rate', 'sum', '(', ')', '[', ']', '{', '}', '"', "'", '`', '\\', '#', '\n', ' ', ',', '=~', '=', '!', '5m', ':', '@', 'offset', 'by', 'on', 'bool', '+', '>', '1', 'é', '😀'];
  const text = fc.oneof(fc.string({ maxLength: 30 }), fc.array(fc.constantFrom(...tokens), { maxLength: 25 }).map((a) => a.join('')));
  fc.assert(
    fc.property(text, fc.boolean(), (expr, forRule) => {
      const r = validatePromql(expr, { forRule });
      if (r.valid) return;
      assert.ok(r.error && r.position);
      const { from, to, line, column } = r.position;
      assert.ok(from >= 0 && from <= to && to <= expr.length && line >= 1 && column >= 1, JSON.stringify({ expr, r }));
    }),
    { numRuns: 2000, seed: 42 },
  );
});

test('extractMetricNames lists selected metric names once, in order', () => {
  assert.deepEqual(extractMetricNames('sum(rate(http_requests_total{job="api"}[5m])) / on(job) group_left up + {__name__="x"} + up + {"my.metric"}'), [
    'http_requests_total',
    'up',
    'x',
    'my.metric',
  ]);
  assert.deepEqual(extractMetricNames('{__name__=~"job:.*"} + vector(1)'), []);
  assert.deepEqual(extractMetricNames(''), []);
});

test('decodeStringLiteral follows Go escapes as Prometheus lexes them', () => {
  assert.deepEqual(decodeStringLiteral(String.raw`"a\nb\"\\"`), { value: 'a\nb"\\' });
  assert.deepEqual(decodeStringLiteral(String.raw`'it\'s'`), { value: "it's" });
  assert.deepEqual(decodeStringLiteral('`raw\\d`'), { value: 'raw\\d' });
  assert.deepEqual(decodeStringLiteral(String.raw`"\x41\u00e9\101\U0001F600"`), { value: 'AéA😀' });
  assert.deepEqual(decodeStringLiteral(String.raw`"ok\q"`), { error: 'unknown escape sequence `\\q`', from: 3, to: 5 });
  assert.deepEqual(decodeStringLiteral(String.raw`"\x4g"`), { error: 'invalid escape sequence `\\x4g`', from: 1, to: 5 });
  assert.deepEqual(decodeStringLiteral(String.raw`"\uD800"`), { error: 'escape sequence `\\uD800` is an invalid Unicode code point', from: 1, to: 7 });
});

test('re2SyntaxError reports what Go reports and accepts what Go accepts', () => {
  const accepted = [
    '', 'a|', '(?i)foo', 'foo(?i)bar', '(?i:a)b', '(?-s:.)', '(?P<x>a)', '[[:alpha:]]+', '[[:^digit:]]', String.raw`\pL+`,
    String.raw`\p{Greek}`, String.raw`\Qa.b\E`, String.raw`[\d-z]`, '^*', String.raw`\b*`, String.raw`\_`, 'a{2,}', 'a{,5}', 'a{01}',
    'x{1000}', '[]a]', '[^]a]', String.raw`\x{1F600}`, String.raw`\101`, String.raw`\12`, 'a*?',
    // Go's limits, at the limit: counts multiplied along the nesting, levels, program size.
    '(a{500}){2}', '((a{3}){3}){111}', '(a{2,}){500}', '(a{1000}){0}', '((a{1000}){1})*', '(?:a{500}|b{2}){2}', '(a*){1000}',
    `${'('.repeat(998)}a${')'.repeat(998)}`, `${'(?:'.repeat(2000)}a${')'.repeat(2000)}`, '(?:abcdefghijklmnopqrstuvwxyz0123456789){1000}'.repeat(80),
  ];
  for (const re of accepted) assert.equal(re2SyntaxError(re, 'matcher'), null, re);
  const refused: [string, string][] = [
    ['(', 'missing closing )'],
    ['a)', 'unexpected )'],
    // Valid once anchored as `^(?:a)|(b)$`, but Prometheus also parses the regex alone.
    ['a)|(b', 'unexpected )'],
    // Valid alone, but anchored the quoted text swallows the closing `)$`.
    [String.raw`\Qa.b`, 'missing closing )'],
    ['[a', 'missing closing ]'],
    ['*', 'missing argument to repetition operator: `*`'],
    ['a|+', 'missing argument to repetition operator: `+`'],
    ['a**', 'invalid nested repetition operator: `**`'],
    ['a*??', 'invalid nested repetition operator: `*??`'],
    ['a{2}{3}', 'invalid nested repetition operator: `{2}{3}`'],
    ['a{2,1}', 'invalid repeat count: `{2,1}`'],
    ['a{1001}', 'invalid repeat count: `{1001}`'],
    ['[z-a]', 'invalid character class range: `z-a`'],
    ['[[:foo:]]', 'invalid character class range: `[:foo:]`'],
    [String.raw`\1`, 'invalid escape sequence: `\\1` (RE2 has no backreferences)'],
    [String.raw`\q`, 'invalid escape sequence: `\\q`'],
    [String.raw`\C`, 'invalid escape sequence: `\\C`'],
    [String.raw`\x{110000}`, 'invalid escape sequence: `\\x`'],
    ['(?z)', 'invalid or unsupported Perl syntax: `(?z`'],
    ['(?i-)', 'invalid or unsupported Perl syntax: `(?i-)`'],
    ['(?<=a)b', 'invalid or unsupported Perl syntax: `(?<` (RE2 has no lookbehind)'],
    // Go accepts this only since 1.22 (Prometheus 2.51); the Debian promtool 2.42 refuses it.
    ['(?<x>a)', 'invalid or unsupported Perl syntax: `(?<` (write a named group as (?P<name>…))'],
    ['(?=a)', 'invalid or unsupported Perl syntax: `(?=` (RE2 has no lookahead)'],
    ['(a)\\1', 'invalid escape sequence: `\\1` (RE2 has no backreferences)'],
    ['(?P<a-b>x)', 'invalid named capture: `(?P<a-b>`'],
    ['(a{500}){3}', 'invalid repeat count: `{3}`'],
    ['((a{3}){3}){112}', 'invalid repeat count: `{112}`'],
    ['(?:a{1000}|b{2}){2}', 'invalid repeat count: `{2}`'],
    ['(?:(?:a{2}){1000})', 'invalid repeat count: `{1000}`'],
    [`${'('.repeat(999)}a${')'.repeat(999)}`, 'expression nests too deeply: more than 1000 levels'],
    ['(?:abcdefghijklmnopqrstuvwxyz0123456789){1000}'.repeat(100), 'expression too large: it would compile to more than 3355443 instructions'],
    ['a'.repeat(16_385), 'regex is 16385 characters long; at most 16384 are allowed'],
  ];
  for (const [re, message] of refused) assert.equal(re2SyntaxError(re, 'matcher'), message, re);
});

/** Runs the real promtool over one rule file holding every expression; the error per expression, or null. */
function promtoolErrors(exprs: string[]): (string | null)[] {
  requireBinary('promtool');
  const dir = mkdtempSync(join(tmpdir(), 'promql-test-'));
  try {
    const file = join(dir, 'rules.yml');
    const rules = exprs.map((expr, i) => ({ alert: `r${i}`, expr }));
    writeFileSync(file, yaml.dump({ groups: [{ name: 'g', rules }] }));
    let output: string;
    try {
      output = execFileSync('promtool', ['check', 'rules', file], { encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      const { stdout, stderr } = e as { stdout?: string; stderr?: string };
      if (stdout === undefined) throw e;
      output = `${stdout}${stderr ?? ''}`;
    }
    return exprs.map((_, i) => output.split('\n').find((l) => l.includes(`"r${i}":`)) ?? null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('agrees with Prometheus itself (promtool check rules)', () => {
  test('on every expression of the tables above', () => {
    // promtool 2.42 does not type-check a rule's result, hence the queries-only verdict for those.
    const cases = [...VALID, ...INVALID.map((c) => c.expr), ...RULE_ONLY_INVALID.map((c) => c.expr)];
    const errors = promtoolErrors(cases);
    cases.forEach((expr, i) => {
      const ours = validatePromql(expr);
      assert.equal(ours.valid, errors[i] === null, `${JSON.stringify(expr)}: ours ${JSON.stringify(ours)}, promtool ${errors[i]}`);
    });
  });

  test('on expressions nested as deep as allowed', { timeout: 60_000 }, () => {
    assert.deepEqual(promtoolErrors(DEEPEST), DEEPEST.map(() => null));
  });

  test('on label-matcher regexes, hand-picked and generated', () => {
    const alphabet = [...'ab()[]{},0127*+?|^$.-:\\\\dxQEPp<>=!isUL_zCé'];
    const generated = fc.sample(fc.array(fc.constantFrom(...alphabet), { maxLength: 10 }).map((cs) => cs.join('')), { numRuns: 1000, seed: 20240601 });
    const handPicked = ['(?i)foo', '(?P<x>a)', '[[:alpha:]]+', String.raw`\pL+`, String.raw`\Qa.b\E`, String.raw`\Qa.b`, '^*', String.raw`\_`, '[z-a]', 'a{2,1}', 'a{1001}', String.raw`\8`, 'a)|(b'];
    const limits = ['(a{500}){2}', '(a{500}){3}', '((a{3}){3}){111}', '((a{3}){3}){112}', '(a{2,}){500}', '(a{1000}){0}', '(?:a{1000}|b{2}){2}', '(a)(?<x>b)'];
    const deep = [998, 999].map((n) => `${'('.repeat(n)}a${')'.repeat(n)}`);
    const large = [80, 100].map((n) => '(?:abcdefghijklmnopqrstuvwxyz0123456789){1000}'.repeat(n));
    const regexes = [...new Set([...handPicked, ...limits, ...deep, ...large, ...generated])];
    const exprs = regexes.map((re) => `up{job=~\`${re}\`}`);
    const errors = promtoolErrors(exprs);
    const disagreements = exprs.filter((expr, i) => validatePromql(expr).valid !== (errors[i] === null));
    assert.deepEqual(disagreements, []);
    assert.ok(errors.filter((e) => e !== null).length > regexes.length / 10, 'the sample exercises invalid regexes too');
  });
});

describe('size limits keep every check bounded', { timeout: 60_000 }, () => {
  const { maxDepth, maxLength, maxCode } = PROMQL_LIMITS;
  const deepest = DEEPEST;

  test('1,000 nested parentheses are refused at once, naming the limit', () => {
    for (const expr of [nested('(', ')', 1000), '('.repeat(1000), '{'.repeat(1000)]) {
      const r = validatePromql(expr);
      assert.equal(r.valid, false);
      assert.match(r.error ?? '', new RegExp(`^expression nests more than ${maxDepth} levels deep \\(at line 1, column ${maxDepth + 1}\\)`));
      assert.deepEqual(r.position, { from: maxDepth, to: maxDepth + 1, line: 1, column: maxDepth + 1 });
    }
  });

  test(`expressions ${maxDepth} levels deep are checked as usual; one more level is refused`, () => {
    for (const expr of deepest) {
      assert.deepEqual(validatePromql(expr, { forRule: true }), { valid: true }, expr.slice(0, 40));
      assert.equal(validatePromql(`rate(${expr})`).valid, false, 'and still type-checked');
    }
    for (const expr of [nested('(', ')', maxDepth), chain(maxDepth), `-${deepest[4]}`, `abs(${deepest[1]})`]) {
      const r = validatePromql(expr);
      assert.equal(r.valid, false, expr.slice(0, 40));
      assert.match(r.error ?? '', /nests more than 128 levels deep/);
    }
    // A deep expression with a type error inside still reports the type error.
    assertInvalid({ expr: nested('(', ')', maxDepth - 2).replace('up', 'rate(up)'), error: /got instant vector$/, at: [1, maxDepth + 4, 'up'] }, false);
  });

  test('length limits: in all, and outside string literals', () => {
    const long = `up{job=~"${'a|'.repeat(7000)}b"}`;
    assert.ok(long.length > maxCode && long.length <= maxLength);
    assert.deepEqual(validatePromql(long), { valid: true }, 'long regexes in strings are fine');
    const tooLong = `up{job=~"${'a|'.repeat(maxLength / 2)}b"}`;
    const r = validatePromql(tooLong);
    assert.equal(r.valid, false);
    assert.equal(r.error, `expression is ${tooLong.length} characters long; at most ${maxLength} are allowed`);
    assert.deepEqual([r.position?.from, r.position?.to], [maxLength, tooLong.length]);
    const code = Array.from({ length: 1500 }, (_, i) => `x${i}`).join(' + ');
    assert.ok(code.length > maxCode);
    assert.match(validatePromql(code).error ?? '', new RegExp(`^expression has ${code.length} characters outside string literals; at most ${maxCode}`));
  });

  test('garbage is refused with its first error, as a full parse would find it', () => {
    // The parse stops shortly after the first error; what it reports must not change.
    const full = promQLLanguage(LanguageType.PromQL).parser.configure({ bufferLength: 16 });
    const tokens = ['up', 'rate', 'sum', '(', ')', '[', ']', '{', '}', '"', '`', '#', '\n', ' ', ',', '=~', '=', '5m', ':', '@', 'offset', 'by', 'bool', '+', '>', '1', 'x="a"', 'or', '-', 'group_left'];
    const exprs = fc.sample(fc.array(fc.constantFrom(...tokens), { maxLength: 40 }).map((a) => a.join('')), { numRuns: 3000, seed: 7 });
    for (const expr of exprs) assert.deepEqual(firstSyntaxError(parsePromqlTree(expr), expr)?.issue, firstSyntaxError(full.parse(expr), expr)?.issue, expr);
    const garbage = ')'.repeat(maxCode);
    assert.deepEqual(validatePromql(garbage).position, { from: 0, to: 17, line: 1, column: 1 });
  });

  test("the remembered type lookup answers what codemirror-promql's own does, node by node", () => {
    const exprs = [...VALID, ...INVALID.map((c) => c.expr), ...RULE_ONLY_INVALID.map((c) => c.expr), ...deepest];
    let nodes = 0;
    for (const expr of exprs) {
      parsePromqlTree(expr).iterate({
        enter: (n) => {
          nodes++;
          assert.equal(rememberedGetType(n.node), libraryGetType(n.node), `${n.name} in ${expr.slice(0, 60)}`);
        },
      });
    }
    assert.ok(nodes > 2000);
  });
});
