import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compileTemplate, EVAL_LIMITS, isProblem, renderTemplate, type AlertTemplateData } from '../../src/rules/go-template-eval';
import { templateProblem } from '../../src/rules/go-template';

const DATA: AlertTemplateData = {
  Labels: { alertname: 'NginxDown', instance: 'web-1:9100', job: 'node', team: 'web "edge"' },
  Annotations: { summary: 'nginx is down\non web-1' },
  Status: 'firing',
  StartsAt: '2026-12-05T10:00:00.000Z',
  Fingerprint: 'a1b2c3',
  GeneratorURL: 'http://prom:9090/graph?g0.expr=up',
  EventID: 42,
};

const render = (text: string): string => {
  const t = compileTemplate(text);
  if (isProblem(t)) throw new Error(t.message);
  return renderTemplate(t, DATA);
};
const problem = (text: string): string => {
  const t = compileTemplate(text);
  assert.ok(isProblem(t), `expected ${JSON.stringify(text)} to be refused`);
  return t.message;
};

describe('action templates: what renders', () => {
  test('fields as Alertmanager names them, and $labels / $annotations as rule templates do', () => {
    assert.equal(render('{{ .Labels.instance }} {{ $labels.job }} {{ .Status }} {{ .Fingerprint }} #{{ .EventID }} {{ .StartsAt }}'), 'web-1:9100 node firing a1b2c3 #42 2026-12-05T10:00:00.000Z');
    assert.equal(render('{{ $annotations.summary }}'), 'nginx is down\non web-1');
    assert.equal(render('{{ .Labels.nope }}|{{ index .Labels "job" }}|{{ index $labels "nope" }}'), '|node|', 'a missing key is empty, as for Go map[string]string');
  });

  test('json keeps a value inside its JSON string; a whole map renders as an object, keys sorted', () => {
    const body = render('{"host": {{ .Labels.team | json }}, "note": {{ json $annotations.summary }}, "labels": {{ json .Labels }}}');
    const parsed = JSON.parse(body);
    assert.equal(parsed.host, 'web "edge"');
    assert.equal(parsed.note, 'nginx is down\non web-1');
    assert.deepEqual(Object.keys(parsed.labels), ['alertname', 'instance', 'job', 'team']);
  });

  test('functions and pipelines: the previous value is the last argument, as in Go', () => {
    assert.equal(render('{{ .Labels.job | toUpper }} {{ toLower "A" }} {{ title "hello world" }} {{ trimSpace "  x " }}'), 'NODE a Hello World x');
    assert.equal(render('{{ urlquery .Labels.team }}'), 'web+%22edge%22');
    assert.equal(render('{{ .Labels.job | eq "node" }} {{ ne .Status "firing" }} {{ not .Labels.nope }}'), 'true false true');
    assert.equal(render('{{ and .Labels.job .Labels.nope }}|{{ or .Labels.nope .Labels.job }}'), '|node');
    assert.equal(render('{{ toUpper (index .Labels "job") }}'), 'NODE');
  });

  test('if / else if / else / end, trim markers and comments', () => {
    const t = '{{ if eq .Labels.job "db" }}db{{ else if .Labels.instance }}host {{- " " -}} {{ .Labels.instance }}{{ else }}none{{ end }}';
    assert.equal(render(t), 'host web-1:9100');
    assert.equal(render('{{/* why */}}{{ if .Labels.nope }}x{{ end }}ok'), 'ok');
    assert.equal(render('{{ if .Labels }}{{ if .Annotations.summary }}both{{ end }}{{ end }}'), 'both');
  });

  test('a map printed bare looks like Go prints it', () => {
    assert.equal(render('{{ .Labels }}'), 'map[alertname:NginxDown instance:web-1:9100 job:node team:web "edge"]');
  });

  test('output past the limit is a RangeError, not a huge string', () => {
    const t = compileTemplate('{{ json .Labels }}');
    assert.ok(!isProblem(t));
    const big = { ...DATA, Labels: { x: 'y'.repeat(EVAL_LIMITS.maxOutput) } };
    assert.throws(() => renderTemplate(t, big), RangeError);
  });
});

describe('action templates: what is refused at save time, with where', () => {
  const cases: Array<[string, RegExp]> = [
    ['{{ .Labels.instance', /unclosed action/],
    ['{{ if .Labels.x }}x', /this \{\{if\}\} has no \{\{end\}\}/],
    ['x{{ end }}', /unexpected \{\{end\}\}/],
    ['{{ range .Labels }}{{ end }}', /\{\{range\}\} is not supported/],
    ['{{ with .Labels }}{{ end }}', /\{\{with\}\} is not supported/],
    ['{{ template "x" }}', /\{\{template\}\} is not supported/],
    ['{{ .Value }}', /unknown field \.Value/],
    ['{{ .Status.x }}', /\.Status has no fields/],
    ['{{ .Labels.a.b }}', /\.Labels\.a has no fields/],
    ['{{ $value }}', /undefined variable "\$value"/],
    ['{{ $x := 1 }}', /undefined variable "\$x"/],
    ['{{ printf "%s" .Status }}', /function "printf" is not supported/],
    ['{{ humanize 1 }}', /function "humanize" is not supported/],
    ['{{ eq .Status }}', /eq takes 2 arguments, got 1/],
    ['{{ .Status | .Labels }}', /continues with a function name/],
    ['{{ .Status .Labels }}', /only a function takes arguments/],
    ['{{ 1.5 }}', /only whole numbers/],
    ['{{ "unterminated }}', /unterminated quoted string/],
  ];
  for (const [text, message] of cases) {
    test(JSON.stringify(text), () => assert.match(problem(text), message));
  }

  test('the message says where: line and column', () => {
    assert.match(problem('{"a": 1,\n "b": {{ .Nope }}}'), /\(at line 2, column 10\)$/);
  });

  test('nesting past the limit is refused, not a stack overflow', () => {
    const deep = `{{ ${'('.repeat(EVAL_LIMITS.maxNesting + 1)}.Status${')'.repeat(EVAL_LIMITS.maxNesting + 1)} }}`;
    assert.match(problem(deep), /nested more than 100 deep/);
    const ifs = `${'{{ if .Status }}'.repeat(EVAL_LIMITS.maxNesting + 1)}${'{{ end }}'.repeat(EVAL_LIMITS.maxNesting + 1)}`;
    assert.match(problem(ifs), /nested more than 100 deep/);
  });

  test('every template the subset accepts is one Go would parse (the rule validator agrees on syntax)', () => {
    // Rule templates predefine $labels; $annotations is promduty's, so it is left out here.
    for (const t of ['{{ if eq .Labels.job "node" }}a{{ else if .Status }}b{{ else }}c{{ end }}', '{{ .Labels.x | toUpper | toLower }}', '{{ toUpper (index .Labels "job") }}', '{{- .Status -}}']) {
      assert.ok(!isProblem(compileTemplate(t)));
      assert.equal(templateProblem(t), null, t);
    }
  });
});
