import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import yaml from 'js-yaml';
import { toYaml, type YamlValue } from '../../src/core/yaml';

// Characters that steer YAML's scalar styles, mixed with any code point at all.
const text = fc.string({
  unit: fc.oneof(
    fc.constantFrom('\n', ' ', '\t', ':', '#', '-', '"', "'", '{', '}', '[', ']', '|', '>', '&', '*', '!', '%', '@', '`', '?', ',', '~', '\r', '\u2028', '\u0085', '\ufeff'),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  ),
  maxLength: 24,
});
const word = fc.constantFrom('yes', 'No', 'ON', 'null', 'true', '~', '5m', '1h30m', '0x1f', '1e3', '0o7', '.inf', '12', '-1', '2024-01-02', '<<', '=', '');
const scalarValue = fc.oneof(text, word, fc.integer(), fc.boolean(), fc.constant(null));
const key = fc.oneof(text, word).filter((k) => k !== '__proto__');

const { value } = fc.letrec<{ value: YamlValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalarValue,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4, noNullPrototype: true }),
  ),
}));

test('any document reads back as the same value', () => {
  fc.assert(
    fc.property(value, (doc) => {
      const out = toYaml(doc);
      assert.deepEqual(yaml.load(out), doc, out);
    }),
    { numRuns: 500 },
  );
});

test('undefined map values are left out', () => {
  assert.equal(toYaml({ a: 'x', b: undefined, c: { d: undefined } }), 'a: x\nc: {}\n');
});

test('style: plain where unambiguous, quoted where a YAML 1.1 parser would see a bool, null or number', () => {
  const out = toYaml({ plain: ['critical', 'job:up:sum', '5m', '1h30m', 'a/b.c-d'], quoted: ['yes', 'Off', 'null', '12', '0x1f', '1e3', '.inf', '', '~'] });
  assert.equal(
    out,
    [
      'plain:',
      '  - critical',
      "  - 'job:up:sum'",
      '  - 5m',
      '  - 1h30m',
      '  - a/b.c-d',
      'quoted:',
      "  - 'yes'",
      "  - 'Off'",
      "  - 'null'",
      "  - '12'",
      "  - '0x1f'",
      "  - '1e3'",
      "  - '.inf'",
      "  - ''",
      "  - '~'",
      '',
    ].join('\n'),
  );
});

test('style: multi-line text as a literal block, with an indentation indicator when it starts indented', () => {
  assert.equal(toYaml({ expr: 'sum(\n  up\n)' }), 'expr: |-\n  sum(\n    up\n  )\n');
  assert.equal(toYaml({ a: { expr: '  x\ny\n' } }), 'a:\n  expr: |2\n      x\n    y\n');
  // Tabs, CR, YAML 1.1 line breaks and whitespace-only lines are escaped instead.
  assert.equal(toYaml({ t: 'a\tb', nel: 'a\u0085b\n', w: 'a\n \nb' }), 't: "a\\tb"\nnel: "a\\u0085b\\n"\nw: "a\\n \\nb"\n');
});
