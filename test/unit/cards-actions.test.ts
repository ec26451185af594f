import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  cardActionSchema, formatKeyValueLines, parseCardAction, parseKeyValueLines, ruleFormSchema, swapFormSchema,
} from '../../src/cards/actions';
import { alertCard } from '../../src/cards/alert-card';
import { esc, escLine, mdLink } from '../../src/cards/card';
import { formatDuration } from '../../src/core/text';
import { isAppError } from '../../src/core/errors';
import { alertInput, callbacks, sampleCards } from './cards-fixtures';

const fixture = (name: string) =>
  JSON.parse(readFileSync(join(__dirname, '../fixtures/feishu', name), 'utf8')) as {
    event: { action: { value: unknown; option?: string; form_value?: Record<string, string> } };
  };

describe('card action contract', () => {
  test('every callback every card emits parses with cardActionSchema', () => {
    const cards = [
      ...Object.values(sampleCards()),
      alertCard(alertInput()),
      alertCard(alertInput({ silencedUntil: new Date('2030-01-01T00:00:00Z') })),
    ];
    const seen = new Set<string>();
    for (const cb of cards.flatMap((c) => callbacks(c))) {
      // A select sends its value plus the chosen option; a button sends the value alone.
      const sends: Array<{ value: unknown; option?: string }> = cb.options.length ? cb.options.map((option) => ({ value: cb.value, option })) : [{ value: cb.value }];
      for (const action of sends) {
        const parsed = parseCardAction(action);
        assert.deepEqual(parsed, cardActionSchema.parse({ ...(cb.value as object), ...(action.option ? { d: action.option } : {}) }));
        seen.add(parsed.a);
      }
    }
    assert.deepEqual([...seen].sort(), ['claim', 'roster', 'rule_save', 'silence', 'silence_alertname', 'sr_accept', 'sr_cancel', 'sr_decline', 'swap', 'unsilence']);
  });

  test('a select callback shaped like Feishu sends it: option fills the duration', () => {
    const { action } = fixture('card.action.trigger-select.json').event;
    assert.deepEqual(parseCardAction({ ...action, value: { a: 'silence_alertname', e: 42 } }), { a: 'silence_alertname', e: 42, d: '4h' });
    assert.deepEqual(parseCardAction({ value: { a: 'silence', e: '42', d: '1h' }, option: '24h' }), { a: 'silence', e: 42, d: '1h' }, 'the value wins');
  });

  test('anything else is refused with a validation error', () => {
    const bad: unknown[] = [
      null, 'claim', {}, { a: 'delete_everything', e: 1 }, { a: 'claim' }, { a: 'claim', e: 0 }, { a: 'claim', e: -1 },
      { a: 'claim', e: '4x' }, { a: 'claim', e: 1.5 }, { a: 'silence', e: 1 }, { a: 'silence', e: 1, d: '7d' },
      { a: 'rule_save', e: 1 }, { a: 'swap', g: '' },
      // The shape of the shared fixtures (`{action, event}`) is not the contract.
      fixture('card.action.trigger-button.json').event.action.value,
    ];
    for (const value of bad) {
      assert.throws(() => parseCardAction({ value }), (e: unknown) => isAppError(e) && e.code === 'validation_failed', JSON.stringify(value));
    }
  });
});

describe('forms', () => {
  test('the rule form as Feishu submits it', () => {
    const form = fixture('card.action.trigger-form.json').event.action.form_value;
    assert.deepEqual(ruleFormSchema.parse(form), {
      expr: 'rate(node_cpu_seconds_total{mode!="idle"}[5m]) > 0.9', for: '5m', severity: 'warning', labels: {}, annotations: {}, enabled: true,
    });
    const full = ruleFormSchema.parse({ ...form, for: '', labels: 'team = infra\n\nenv=prod', annotations: 'summary=a\\nb', enabled: 'false' });
    assert.deepEqual([full.for, full.labels, full.annotations, full.enabled], ['0s', { team: 'infra', env: 'prod' }, { summary: 'a\nb' }, false]);
    for (const [field, value] of [['labels', 'team'], ['labels', '1x=a'], ['labels', 'a=1\na=2'], ['for', '5 minutes'], ['expr', ' '], ['enabled', 'yes']]) {
      assert.equal(ruleFormSchema.safeParse({ ...form, [field!]: value }).success, false, `${field}=${value}`);
    }
  });

  test('k=v lines round-trip, multi-line values included', () => {
    const key = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,10}$/);
    const value = fc.string({ unit: 'grapheme', maxLength: 30 }).map((s) => s.trim());
    fc.assert(
      fc.property(fc.dictionary(key, value, { noNullPrototype: true }), (record) => {
        const r = parseKeyValueLines(formatKeyValueLines(record));
        assert.ok(r.ok);
        assert.deepEqual(r.value, record);
      }),
    );
    const proto = parseKeyValueLines('__proto__=x');
    assert.ok(proto.ok && Object.hasOwn(proto.value, '__proto__'), 'a key like any other');
  });

  test('the swap form: date picker suffixes are cut, the person must be an open_id (or absent, for an offer)', () => {
    assert.deepEqual(swapFormSchema.parse({ date: '2025-03-14', user: '' }), { date: '2025-03-14', user: undefined });
    assert.deepEqual(swapFormSchema.parse({ date: '2025-03-14' }), { date: '2025-03-14' });
    assert.deepEqual(swapFormSchema.parse({ date: '2025-03-14 +0800', user: 'ou_bob02' }), { date: '2025-03-14', user: 'ou_bob02' });
    assert.deepEqual(swapFormSchema.parse({ date: '2025-03-14', user: 'ou_bob02' }).date, '2025-03-14');
    assert.equal(swapFormSchema.safeParse({ date: '14/03/2025', user: 'ou_bob02' }).success, false);
    assert.equal(swapFormSchema.safeParse({ date: '2025-03-14', user: 'Bob' }).success, false);
  });
});

describe('card helpers', () => {
  test('esc turns every markdown and tag character into an entity', () => {
    assert.equal(esc('<at id=all></at>'), '&lt;at id=all&gt;&lt;/at&gt;');
    assert.equal(esc('[x](http://e) *b* _i_ ~s~ `c` # | \\ $ &amp;'), '&#91;x&#93;&#40;http://e&#41; &#42;b&#42; &#95;i&#95; &#126;s&#126; &#96;c&#96; &#35; &#124; &#92; &#36; &amp;amp;');
    assert.equal(esc('a\nb'), 'a\nb');
    assert.equal(escLine(' a \r\n  b\n'), ' a b ');
  });

  test('escLine folds line breaks as the regex it replaced did, in linear time', () => {
    // The old definition, quadratic on long runs of spaces: kept here as the specification.
    const folded = (s: string) => esc(s.replace(/\s*[\r\n]+\s*/g, ' '));
    const text = fc.array(fc.constantFrom('a', ' ', '\t', '\n', '\r', '\u00a0', '\u2028', 'é'), { maxLength: 30 }).map((a) => a.join(''));
    fc.assert(fc.property(text, (s) => escLine(s) === folded(s)), { numRuns: 3000, seed: 11 });
    const spaces = `a${' '.repeat(100_000)}b`;
    assert.equal(escLine(spaces), spaces);
  });

  test('mdLink accepts http(s) only and cannot be closed early', () => {
    assert.equal(mdLink('x', 'javascript:alert(1)'), null);
    assert.equal(mdLink('x', 'not a url'), null);
    assert.equal(mdLink('x', null), null);
    assert.equal(mdLink('g', 'http://h/a?q=f(x)'), '[g](http://h/a?q=f%28x%29)');
  });

  test('formatDuration keeps two units', () => {
    const cases: Array<[number, string]> = [[0, '0s'], [45_000, '45s'], [300_000, '5m'], [3_900_000, '1h 5m'], [3_600_000, '1h'], [(2 * 86400 + 3 * 3600 + 59) * 1000, '2d 3h']];
    for (const [ms, s] of cases) assert.equal(formatDuration(ms), s);
  });
});
