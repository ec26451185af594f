import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AREAS, CATALOGUE } from '../../src/i18n/catalogue';
import type { Text } from '../../src/i18n/define';
import { defaultLocaleFor, formatDay, formatWhen, LOCALES, render, t } from '../../src/i18n';
import { loadSettings } from '../../src/config/settings';

// The compiler already refuses a missing translation or differing params (src/i18n/define.ts);
// this checks the same at run time, where a cast or a duplicated key could slip past it.
const paramsOf = (text: Text): string[] => {
  const strings = typeof text === 'string' ? [text] : [text.one, text.other];
  const names = strings.flatMap((s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!));
  if (typeof text !== 'string') names.push('count');
  return [...new Set(names)].sort();
};

describe('message catalogue', () => {
  test('every message has both languages, non-empty, with the same params', () => {
    const keys = Object.keys(CATALOGUE);
    assert.ok(keys.length > 10);
    for (const [key, entry] of Object.entries(CATALOGUE) as Array<[string, Record<string, Text>]>) {
      assert.deepEqual(Object.keys(entry).sort(), [...LOCALES].sort(), key);
      for (const locale of LOCALES) {
        const text = entry[locale]!;
        const strings = typeof text === 'string' ? [text] : [text.one, text.other];
        for (const s of strings) assert.ok(s.trim().length > 0, `${key} ${locale} is empty`);
      }
      assert.deepEqual(paramsOf(entry['zh-CN']!), paramsOf(entry.en!), `${key}: params differ between zh-CN and en`);
    }
  });

  test('no key is defined by two areas (a later area would silently win)', () => {
    const seen = new Map<string, number>();
    AREAS.forEach((area, i) => {
      for (const key of Object.keys(area)) {
        assert.ok(!seen.has(key), `${key} is defined in areas ${seen.get(key)} and ${i}`);
        seen.set(key, i);
      }
    });
  });

  test('keys are area-prefixed and Chinese texts are not English left untranslated', () => {
    for (const [key, entry] of Object.entries(CATALOGUE) as Array<[string, Record<string, Text>]>) {
      assert.match(key, /^[a-z][a-zA-Z0-9]*(\.[a-zA-Z0-9_]+)+$/, key);
      const zh = JSON.stringify(entry['zh-CN']);
      const en = JSON.stringify(entry.en);
      // Some texts are the same in both (a unit, a command); those hold no English words.
      if (zh === en) assert.doesNotMatch(zh.replace(/\{\w+\}/g, ''), /[a-z]{4,}/, `${key}: zh-CN is the English text`);
    }
  });
});

describe('t()', () => {
  test('fills params, leaves other braces alone, picks plural forms by locale', () => {
    assert.equal(t('en', 'common.timesIn', { zone: 'Asia/Shanghai' }), 'Times in Asia/Shanghai');
    assert.equal(t('zh-CN', 'common.timesIn', { zone: 'Asia/Shanghai' }), '时间均为 Asia/Shanghai');
    assert.equal(render('en', 'up{job="x"} {n} {missing}', { n: 2 }), 'up{job="x"} 2 {missing}');
    const plural = { one: '{count} alert', other: '{count} alerts' };
    assert.equal(render('en', plural, { count: 1 }), '1 alert');
    assert.equal(render('en', plural, { count: 2 }), '2 alerts');
    assert.equal(render('zh-CN', plural, { count: 1 }), '1 alerts', 'Chinese has only the other form');
  });

  test('one date format, in the zone given, weekday in the language', () => {
    const at = new Date('2026-12-05T01:30:00Z');
    assert.equal(formatWhen('en', at, 'Asia/Shanghai'), '2026-12-05 Sat 09:30');
    assert.equal(formatWhen('zh-CN', at, 'Asia/Shanghai'), '2026-12-05 周六 09:30');
    assert.equal(formatWhen('en', at, 'America/Los_Angeles'), '2026-12-04 Fri 17:30');
    assert.equal(formatDay('zh-CN', '2026-12-07'), '2026-12-07 周一');
  });
});

describe('LOCALE', () => {
  test('defaults to zh-CN for Feishu, en for Lark, and can be set', () => {
    assert.equal(defaultLocaleFor('https://open.feishu.cn'), 'zh-CN');
    assert.equal(defaultLocaleFor('https://open.larksuite.com'), 'en');
    assert.equal(defaultLocaleFor('http://127.0.0.1:9999'), 'zh-CN');
    assert.equal(loadSettings({}).locale, 'zh-CN');
    assert.equal(loadSettings({ FEISHU_DOMAIN: 'https://open.larksuite.com' }).locale, 'en');
    assert.equal(loadSettings({ FEISHU_DOMAIN: 'https://open.larksuite.com', LOCALE: 'zh-CN' }).locale, 'zh-CN');
    assert.throws(() => loadSettings({ LOCALE: 'fr' }), /LOCALE/);
  });
});
