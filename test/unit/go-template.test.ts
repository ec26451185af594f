import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import yaml from 'js-yaml';
import { templateProblem, TEMPLATE_LIMITS } from '../../src/rules/go-template';
import { requireValidTemplates, RULE_LIMITS } from '../../src/rules/rule-fields';
import { AppError } from '../../src/core/errors';
import { promtoolCheckRules } from '../support/prom-tools';

// What Prometheus' rule templates use, and what people get wrong; each also goes through promtool below.
const ACCEPTED = [
  'plain text, no actions: 100% {not a template}',
  '{{ $labels.instance }} is down ({{ $value | humanize }})',
  '{{ $value | humanizePercentage }} of {{ $labels.job }}',
  '{{ with $labels }}{{ .job }}{{ end }}',
  '{{ if gt $value 0.9 }}high{{ else if gt $value 0.5 }}medium{{ else }}low{{ end }}',
  '{{ range $i, $e := query "up" }}{{ $i }}: {{ $e | label "job" }} {{ $e | value }}{{ end }}',
  '{{ with query "up" }}{{ . | first | value | humanize }}{{ end }}',
  '{{ range query "up" }}{{ if eq .Value 0.0 }}{{ break }}{{ end }}{{ continue }}{{ end }}',
  '{{ reReplaceAll "(.*):.*" "$1" $labels.instance }}',
  '{{ $x := 1 }}{{ $x = 2 }}{{ $x }}',
  '{{- /* a comment */ -}} {{- $value -}}',
  '{{ define "line" }}{{ . }}{{ end }}{{ template "line" $value }}',
  '{{ block "b" . }}x{{ end }}',
  '{{ printf "%.2f" $value }} {{ 0x1F }} {{ 1e3 }} {{ 1_000 }} {{ \'a\' }} {{ `raw\\d` }} {{ nil | printf "%v" }}',
  '{{ $externalURL }}/graph {{ $externalLabels.cluster }} {{ externalURL }} {{ pathPrefix }}',
  '{{\n  $labels.job\n}}',
  '{{ humanize }}',
];

// [template, message, line, column, why we are stricter than Prometheus]
const REFUSED: [string, RegExp, number, number, string?][] = [
  ['{{ range . }}', /^unexpected EOF: the \{\{range\}\} at line 1, column 4 has no \{\{end\}\}/, 1, 14],
  ['{{ if $value }}\n  high', /^unexpected EOF: the \{\{if\}\} at line 1, column 4 has no \{\{end\}\}/, 2, 7],
  ['{{ end }}', /^unexpected \{\{end\}\}/, 1, 4],
  ['{{ $labels.instance }', /^unexpected "}" in operand/, 1, 21],
  ['a {{ $labels.instance', /^unclosed action: no \}\} after this \{\{/, 1, 3],
  ['{{ $instance }}', /^undefined variable "\$instance"/, 1, 4],
  ['{{ if true }}{{ $y := 1 }}{{ end }}{{ $y }}', /^undefined variable "\$y"/, 1, 39],
  ['{{ humanise $value }}', /^function "humanise" not defined/, 1, 4],
  ['{{ toDuration 1 }}', /^function "toDuration" not defined/, 1, 4],
  ['{{ }}', /^missing value for command/, 1, 4],
  ['{{ "\\d" }}', /^invalid syntax: unknown escape sequence/, 1, 4],
  ['{{ 08 }}', /^integer overflow: "08"/, 1, 4],
  ['{{ 1 | 2 }}', /^non executable command in pipeline stage 2/, 1, 8],
  ['{{ break }}', /^\{\{break\}\} outside \{\{range\}\}/, 1, 4],
  ['{{ range . }}{{ else if true }}{{ end }}', /^unexpected <if> in input/, 1, 22],
  ['{{/* unclosed }}', /^unclosed comment/, 1, 3],
  ['{{ define "x" }}a{{ end }}{{ define "x" }}b{{ end }}', /^template: multiple definition of template "x"/, 1, 37],
  ['{{ → }}', /^unrecognized character in action: U\+2192 '→'/, 1, 4],
  [`{{ ${'('.repeat(TEMPLATE_LIMITS.maxNesting + 1)}1${')'.repeat(TEMPLATE_LIMITS.maxNesting + 1)} }}`, /^actions nest more than 100 levels deep/, 1, 104, 'Go has no limit; this parser recurses'],
];

const hasPromtool = spawnSync('promtool', ['--version']).status === 0;

/** promtool's verdict on each template as an annotation of its own alert rule: null when accepted. */
function promtoolVerdicts(templates: string[]): (string | null)[] {
  const rules = templates.map((t, i) => ({ alert: `r${i}`, expr: 'up', annotations: { a: t } }));
  const { output } = promtoolCheckRules(yaml.dump({ groups: [{ name: 'g', rules }] }));
  return templates.map((_, i) => output.split('\n').find((l) => l.includes(`"r${i}"`)) ?? null);
}

describe('Go template check for alert labels and annotations', { timeout: 120_000 }, () => {
  test('accepts what Prometheus templates use', () => {
    for (const t of ACCEPTED) assert.equal(templateProblem(t)?.message ?? null, null, t);
  });

  test('refuses broken templates with the reason and where', () => {
    for (const [t, message, line, column] of REFUSED) {
      const p = templateProblem(t);
      assert.ok(p, `accepted: ${t}`);
      assert.match(p.message, message, t);
      assert.deepEqual([p.line, p.column], [line, column], `${t}: ${p.message}`);
      assert.match(p.message, new RegExp(`\\(at line ${line}, column ${column}\\)$`));
    }
  });

  test('promtool check rules agrees on every case of the tables', { skip: !hasPromtool && 'promtool is not installed' }, () => {
    const cases = [...ACCEPTED, ...REFUSED.filter(([, , , , stricter]) => !stricter).map(([t]) => t)];
    const verdicts = promtoolVerdicts(cases);
    cases.forEach((t, i) => assert.equal(templateProblem(t, `r${i}`) === null, verdicts[i] === null, `${JSON.stringify(t)}: promtool says ${verdicts[i]}`));
  });

  test('promtool check rules agrees on 3,000 generated templates', { skip: !hasPromtool && 'promtool is not installed' }, () => {
    const parts = [
      '{{', '}}', ' ', '-', 'if ', 'end', 'else', 'range ', 'with ', '$x', ':=', '=', '$labels', '$value', '.', '.job', 'a', '"s"', '"', '`', '(', ')', '|', '1',
      '1.5', 'humanize', 'foo', 'printf', '/*', '*/', '\n', ',', 'define ', 'template ', 'block ', '"b"', 'break', 'continue', "'", "'a'", '\\', '$', 'eq ', 'nil',
      'true', '{{ end }}', '{{ if . }}', '{{ range $i, $e := . }}', '{{- ', ' -}}', '0x', 'e', '_',
    ];
    const generated = [...new Set(fc.sample(fc.array(fc.constantFrom(...parts), { minLength: 1, maxLength: 14 }).map((a) => a.join('')), { numRuns: 3000, seed: 20260601 }))];
    const verdicts = promtoolVerdicts(generated);
    const disagreements = generated.filter((t, i) => (templateProblem(t, `r${i}`) === null) !== (verdicts[i] === null));
    assert.deepEqual(disagreements, []);
    const refused = verdicts.filter((v) => v !== null).length;
    assert.ok(refused > generated.length / 4 && refused < (generated.length * 3) / 4, `the sample exercises both sides (${refused} of ${generated.length} refused)`);
  });

  test('requireValidTemplates names every bad field, and bounds what it parses', () => {
    const rule = { name: 'R', labels: { team: '{{ $labels.team }}', bad: '{{ end }}' }, annotations: { summary: '{{ range . }}' }, grafanaUrl: 'https://g/d?x={{ $value' };
    let thrown: unknown;
    try {
      requireValidTemplates(rule);
    } catch (e) {
      thrown = e;
    }
    assert.ok(thrown instanceof AppError && thrown.code === 'validation_failed');
    assert.deepEqual((thrown.details as { path: string }[]).map((d) => d.path), ['labels.bad', 'annotations.summary', 'grafanaUrl']);
    assert.match((thrown.details as { message: string }[])[1]!.message, /^not a valid template: unexpected EOF: the \{\{range\}\} at line 1, column 4 has no \{\{end\}\} \(at line 1, column 14\)$/);
    const huge = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`a${i}`, 'x'.repeat(RULE_LIMITS.maxTemplateText / 8 + 1)]));
    assert.throws(() => requireValidTemplates({ name: 'R', labels: {}, annotations: huge, grafanaUrl: null }), /at most 32768 are allowed/);
    requireValidTemplates({ name: 'R', labels: {}, annotations: { a: 'no actions at all: {x}' }, grafanaUrl: null });
  });
});
