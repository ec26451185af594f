import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../src/core/errors';
import { parseRelabelConfigs, type RelabelConfig } from '../../src/scrape/relabel';
import { promtoolCheckConfig } from './scrape-fixtures';

/** Every case also goes through the real promtool, so "like Prometheus" is checked, not assumed. */
interface Good {
  yaml: string;
  parsed?: RelabelConfig[];
}
interface Bad {
  yaml: string;
  path: string;
  message: RegExp;
  /** We refuse what this Prometheus accepts; says why. */
  stricter?: string;
}

const GOOD: Good[] = [
  { yaml: '', parsed: [] },
  { yaml: '[]', parsed: [] },
  {
    yaml: "- source_labels: [a, b]\n  separator: '-'\n  regex: '(.*)-(.*)'\n  target_label: c\n  replacement: $2",
    parsed: [{ source_labels: ['a', 'b'], separator: '-', regex: '(.*)-(.*)', target_label: 'c', replacement: '$2', action: 'replace' }],
  },
  { yaml: "- action: Keep\n  source_labels: [__meta_x]\n  regex: 'true'", parsed: [{ source_labels: ['__meta_x'], regex: 'true', action: 'keep' }] },
  {
    yaml: '- action: hashmod\n  source_labels: [__address__]\n  modulus: 4\n  target_label: __tmp_h',
    parsed: [{ source_labels: ['__address__'], modulus: 4, target_label: '__tmp_h', action: 'hashmod' }],
  },
  { yaml: '- action: labelmap\n  regex: __meta_kubernetes_pod_label_(.+)' },
  { yaml: "- action: labeldrop\n  regex: 'tmp_.*'" },
  { yaml: '- action: keepequal\n  source_labels: [a]\n  target_label: b' },
  { yaml: "- action: dropequal\n  source_labels: [a]\n  target_label: b\n  separator: ';'" },
  { yaml: '- action: lowercase\n  source_labels: [a]\n  target_label: a_lower' },
  { yaml: '- action: uppercase\n  source_labels: [a]\n  target_label: A' },
  { yaml: "- source_labels: [a]\n  regex: '(\\w+)'\n  target_label: ${1}_x" },
  { yaml: '- source_labels: [env]\n  regex: (?i)PROD|staging\n  action: drop' },
  { yaml: "- source_labels: [__address__]\n  regex: '(?P<host>[^:]+):\\d+'\n  target_label: host\n  replacement: '${host}'" },
  { yaml: "- source_labels: [a]\n  regex: '[[:alpha:]]+\\pL\\p{Greek}\\x{41}\\Qa.b\\E\\A\\z'\n  action: drop" },
  { yaml: "- source_labels: [a]\n  regex: 'x{ ] } a{2,1000} [\\d-z] [^]] \\1234 \\0 (?s-i:.)'\n  action: drop" },
  { yaml: '- source_labels: [a]\n  regex:\n  action: drop\n- action: drop\n  source_labels: [b]\n  regex: ~' },
];

const BAD: Bad[] = [
  { yaml: '- action: frobnicate', path: 'relabel_configs[0].action', message: /unknown relabel action "frobnicate"/ },
  { yaml: '- action: hashmod\n  source_labels: [a]\n  target_label: b', path: 'relabel_configs[0].modulus', message: /modulus greater than 0/ },
  { yaml: '- action: hashmod\n  source_labels: [a]\n  modulus: 0\n  target_label: b', path: 'relabel_configs[0].modulus', message: /greater than 0/ },
  { yaml: '- action: hashmod\n  source_labels: [a]\n  modulus: -1\n  target_label: b', path: 'relabel_configs[0].modulus', message: /whole number/ },
  { yaml: '- action: hashmod\n  source_labels: [a]\n  modulus: 2\n  target_label: ${1}', path: 'relabel_configs[0].target_label', message: /not a valid label name/ },
  { yaml: '- source_labels: [a]', path: 'relabel_configs[0].target_label', message: /replace requires target_label/ },
  { yaml: '- source_labels: [a]\n  target_label: a-b', path: 'relabel_configs[0].target_label', message: /not a valid target_label/ },
  { yaml: '- action: labeldrop\n  regex: x\n  source_labels: [a]', path: 'relabel_configs[0].source_labels', message: /takes only regex/ },
  { yaml: '- action: labelkeep\n  regex: x\n  target_label: y', path: 'relabel_configs[0].target_label', message: /takes only regex/ },
  { yaml: "- action: labelkeep\n  regex: x\n  separator: ','", path: 'relabel_configs[0].separator', message: /takes only regex/ },
  { yaml: '- action: keepequal\n  source_labels: [a]', path: 'relabel_configs[0].target_label', message: /keepequal requires target_label/ },
  { yaml: '- action: dropequal\n  source_labels: [a]\n  target_label: b\n  regex: (.*)', path: 'relabel_configs[0].regex', message: /only source_labels and target_label/ },
  {
    yaml: '- action: keepequal\n  target_label: b',
    path: 'relabel_configs[0].source_labels',
    message: /requires source_labels/,
    stricter: 'Prometheus compares the empty string with target_label, which is never what was meant',
  },
  { yaml: '- action: lowercase\n  source_labels: [a]\n  target_label: b\n  replacement: x', path: 'relabel_configs[0].replacement', message: /cannot be set for lowercase/ },
  { yaml: "- action: labelmap\n  regex: (.*)\n  replacement: '1abc'", path: 'relabel_configs[0].replacement', message: /not a valid replacement/ },
  { yaml: "- action: drop\n  source_labels: [a]\n  regex: '(?=x)y'", path: 'relabel_configs[0].regex', message: /lookahead/ },
  { yaml: "- action: drop\n  source_labels: [a]\n  regex: '(?<!x)y'", path: 'relabel_configs[0].regex', message: /lookbehind/ },
  { yaml: "- action: drop\n  source_labels: [a]\n  regex: '(a)\\1'", path: 'relabel_configs[0].regex', message: /backreferences/ },
  { yaml: "- action: drop\n  source_labels: [a]\n  regex: '(?<name>a)'", path: 'relabel_configs[0].regex', message: /\(\?P<name>/ },
  { yaml: "- action: drop\n  source_labels: [a]\n  regex: '(unclosed'", path: 'relabel_configs[0].regex', message: /invalid regular expression/ },
  { yaml: "- action: drop\n  source_labels: [a]\n  regex: 'a{1001}'", path: 'relabel_configs[0].regex', message: /repeat count/ },
  { yaml: "- action: drop\n  source_labels: [a]\n  regex: 'a**'", path: 'relabel_configs[0].regex', message: /invalid regular expression/ },
  { yaml: "- action: drop\n  source_labels: [a]\n  regex: '\\e'", path: 'relabel_configs[0].regex', message: /invalid escape sequence: `\\e`/ },
  { yaml: "- action: drop\n  source_labels: [a]\n  regex: '[[:foo:]]'", path: 'relabel_configs[0].regex', message: /\[:foo:\]/ },
  { yaml: "- action: drop\n  source_labels: [a]\n  regex: '[a\\b]'", path: 'relabel_configs[0].regex', message: /invalid escape sequence/ },
  { yaml: '- source_labels: [1abc]\n  target_label: x', path: 'relabel_configs[0].source_labels[0]', message: /label name/ },
  { yaml: '- source_labels: a\n  target_label: x', path: 'relabel_configs[0].source_labels', message: /list of label names/ },
  { yaml: '- target_label: x\n  source_labels: [a]\n  foo: bar', path: 'relabel_configs[0].foo', message: /unknown field/ },
  { yaml: '- target_label: [x]\n  source_labels: [a]', path: 'relabel_configs[0].target_label', message: /must be a string/ },
  { yaml: 'foo: bar', path: 'relabel_configs', message: /YAML list/ },
  { yaml: '- just a string', path: 'relabel_configs[0]', message: /mapping/ },
  { yaml: '- [unclosed', path: 'relabel_configs', message: /not valid YAML.*line/ },
  { yaml: '- action: keep\n  source_labels: [a]\n- action: keep\n  source_labels: [b]\n- action: nope', path: 'relabel_configs[2].action', message: /unknown/ },
];

/** The rules inside a minimal prometheus.yml, through the real promtool. */
function promtoolAccepts(rulesYaml: string): { ok: boolean; output: string } {
  const rules = rulesYaml.trim() === '' ? '[]' : `\n${rulesYaml.replace(/^/gm, '      ')}`;
  const config = `scrape_configs:\n  - job_name: t\n    static_configs: [{targets: ['127.0.0.1:9100']}]\n    relabel_configs: ${rules}\n`;
  const r = promtoolCheckConfig([{ path: 'prometheus.yml', content: config }], []);
  return { ok: r.status === 0, output: r.output };
}

function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof AppError, `not an AppError: ${String(e)}`);
    return e;
  }
  assert.fail('did not throw');
}

describe('parseRelabelConfigs', () => {
  for (const [i, c] of GOOD.entries()) {
    test(`accepts good[${i}] like promtool`, () => {
      const parsed = parseRelabelConfigs(c.yaml);
      if (c.parsed) assert.deepEqual(parsed, c.parsed);
      const p = promtoolAccepts(c.yaml);
      assert.ok(p.ok, p.output);
    });
  }

  for (const [i, c] of BAD.entries()) {
    test(`refuses bad[${i}] at ${c.path}${c.stricter ? ' (stricter than Prometheus)' : ''}`, () => {
      const e = thrown(() => parseRelabelConfigs(c.yaml));
      assert.equal(e.code, 'validation_failed');
      const issues = e.details as { path: string; message: string }[];
      assert.equal(issues[0]?.path, c.path, JSON.stringify(issues));
      assert.match(issues[0]?.message ?? '', c.message);
      assert.ok(e.message.includes(c.path), e.message);
      const p = promtoolAccepts(c.yaml);
      assert.equal(p.ok, c.stricter !== undefined, c.stricter ? `promtool now refuses it too: ${p.output}` : `promtool accepts it: ${p.output}`);
    });
  }

  test('reports every bad field, not only the first', () => {
    const e = thrown(() => parseRelabelConfigs('- action: hashmod\n- action: drop\n  source_labels: [a]\n  regex: (?=x)'));
    assert.deepEqual(
      (e.details as { path: string }[]).map((d) => d.path),
      ['relabel_configs[0].modulus', 'relabel_configs[0].target_label', 'relabel_configs[1].regex'],
    );
  });

  test('YAML that is not one plain list is a validation error naming the field, never a crash', () => {
    const cases: [string, RegExp][] = [
      ['- action: keep\n  source_labels: [a]\n---\nscrape_configs: []', /^must be one YAML document \(a list of relabel rules\), but "---" starts another$/],
      ['---\n- action: keep\n---\n', /one YAML document/],
      [`${'['.repeat(200)}`, /^not valid YAML: .*\(line 1\)$/],
      ['- !!js/function "() => 1"', /^not valid YAML: unknown tag/],
      ['- &a x\n- *b', /^not valid YAML: unidentified alias "b"/],
    ];
    for (const [text, message] of cases) {
      const e = thrown(() => parseRelabelConfigs(text, 'relabelConfigs'));
      assert.equal(e.code, 'validation_failed');
      assert.deepEqual((e.details as { path: string }[]).map((d) => d.path), ['relabelConfigs'], text);
      assert.match((e.details as { message: string }[])[0]!.message, message, text);
    }
  });

  test('aliases may not expand the rules past the length limit', () => {
    const rule = `- &r {action: drop, source_labels: [a], regex: "${'a|'.repeat(1000)}b"}\n`;
    assert.equal(parseRelabelConfigs(`${rule}${'- *r\n'.repeat(10)}`).length, 11, 'a few references are fine');
    const e = thrown(() => parseRelabelConfigs(`${rule}${'- *r\n'.repeat(5000)}`, 'relabelConfigs'));
    assert.equal((e.details as { path: string }[])[0]?.path, 'relabelConfigs');
    assert.match(e.message, /aliases \(\*name\) expand it past 65536 characters/);
    assert.match(thrown(() => parseRelabelConfigs('#'.repeat(65_537))).message, /is 65537 characters long; at most 65536/);
  });

  test('a long unknown field is named, shortened', () => {
    const e = thrown(() => parseRelabelConfigs(`- ${'k'.repeat(5000)}: x\n  source_labels: [a]\n  target_label: b`));
    assert.equal((e.details as { path: string }[])[0]?.path, `relabel_configs[0].${'k'.repeat(40)}…`);
  });

  test('the path prefix is the caller\'s', () => {
    const e = thrown(() => parseRelabelConfigs('- action: nope', 'jobs[3].relabel_configs'));
    assert.equal((e.details as { path: string }[])[0]?.path, 'jobs[3].relabel_configs[0].action');
  });

  test('a long invalid target_label is refused quickly (no regex backtracking blow-up)', () => {
    // CPU time, not wall time: other work on the machine does not count. A blow-up takes seconds.
    const cpu = process.cpuUsage();
    thrown(() => parseRelabelConfigs(`- source_labels: [a]\n  target_label: '${'$a'.repeat(5000)}!'`));
    const used = process.cpuUsage(cpu);
    assert.ok((used.user + used.system) / 1000 < 500, `${(used.user + used.system) / 1000} ms of CPU`);
  });
});

describe('RE2 check agrees with Go regexp (through promtool)', () => {
  const VALID = [
    '[[:alpha:]-z]', '[\\d-z]', '\\pN+', '\\p{^Greek}', '\\PL', '(?U)a+', '(?i-s)a.', 'a{,5}', '\\Qa(b\\E', '\\x41\\x{1F600}',
    '\\07', '[\\]]', '[a-]', '[^-a]', '(?P<1>a)', '()', '\\_\\ \\-', 'a)(b', '[[:^space:]]', '(?m)^a$', '(a{500}){2}',
  ];
  // `\Qa(b` quotes to the end, eating the `)$` Prometheus wraps around every regex.
  const INVALID = ['\\Qa(b', '(?P<>a)', '(?i', 'x{2}{3}', '\\pX', 'a|*', '[z-a]', '\\Z', '\\é', '\\C', '[\\A]', '\\x{110000}', '\\xZ1', 'a\\', '(a{500}){3}', '(?<n>a)'];
  const check = (pattern: string) => promtoolAccepts(`- source_labels: [a]\n  regex: '${pattern.replaceAll("'", "''")}'\n  action: drop`);

  for (const pattern of VALID) {
    test(`valid: ${pattern}`, () => {
      assert.deepEqual(parseRelabelConfigs(`- source_labels: [a]\n  regex: '${pattern}'\n  action: drop`)[0]?.regex, pattern);
      const p = check(pattern);
      assert.ok(p.ok, p.output);
    });
  }
  for (const pattern of INVALID) {
    test(`invalid: ${pattern}`, () => {
      const e = thrown(() => parseRelabelConfigs(`- source_labels: [a]\n  regex: '${pattern}'\n  action: drop`));
      assert.equal((e.details as { path: string }[])[0]?.path, 'relabel_configs[0].regex');
      assert.ok(!check(pattern).ok, 'promtool accepts it');
    });
  }
});
