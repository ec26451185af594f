import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { digestCard } from '../../src/cards/digest-card';
import { rosterCard } from '../../src/cards/roster-card';
import { poolsCard } from '../../src/cards/pools-card';
import { assertGoldenJsonIn } from '../support/golden';
import { LOCALES } from '../../src/i18n';
import { actionsOf, assertSendable, digestRows, markdownOf, NOW, sampleCards, TZ } from './cards-fixtures';

describe('cards other than the alert card', () => {
  for (const locale of LOCALES) {
    for (const [name, c] of Object.entries(sampleCards(locale))) {
      test(`${name} (${locale}) matches its golden and fits Feishu's limits`, () => {
        assertSendable(c);
        assertGoldenJsonIn(locale, `cards/${name}.json`, c);
      });
    }
  }
});

describe('digest card', () => {
  test('lists most urgent first, claim buttons only on unclaimed firing rows', () => {
    const c = sampleCards().digest;
    const text = markdownOf(c).join('\n');
    const order = [...text.matchAll(/\*\*#(\d+) /g)].map((m) => Number(m[1]));
    assert.deepEqual(order.slice(0, 3), [104, 100, 107], 'critical first, oldest first within a severity');
    assert.equal(order.length, 8);
    assert.equal(actionsOf(c).length, 8 - 1 - 1, 'claimed #101 and resolved #106 get no button');
    assert.equal(c.header.template, 'red');
  });

  test('an alert storm stays under 30 KB and 200 elements, every shown alert with its id', () => {
    for (const withButtons of [true, false]) {
      const c = digestCard({ locale: 'en', sendGroupName: 'infra', alerts: digestRows(2000), timezone: TZ, now: NOW, withButtons });
      assertSendable(c);
      const text = markdownOf(c).join('\n');
      const shown = [...text.matchAll(/\*\*#(\d+) /g)].length;
      assert.ok(shown > 50, `${shown} shown`);
      assert.ok(text.includes(`… and ${2000 - shown} more: /alerts`));
      assert.equal(actionsOf(c).length, withButtons ? 15 : 0);
    }
  });

  test('all resolved: green', () => {
    const rows = digestRows(3).map((r) => ({ ...r, status: 'resolved' as const }));
    assert.equal(digestCard({ locale: 'en', sendGroupName: 'x', alerts: rows, timezone: TZ, now: NOW, withButtons: true }).header.template, 'green');
  });
});

describe('alerts list card', () => {
  test('each event carries its own buttons', () => {
    assert.deepEqual(actionsOf(sampleCards()['alerts-list']), ['claim', 'silence', 'claim', 'unsilence', 'silence']);
    assert.ok(markdownOf(sampleCards()['alerts-list']).join().includes('… and 2 more not shown'));
  });
});

describe('roster card', () => {
  const weeks = (c = sampleCards().roster) =>
    c.body.elements.filter((e) => e.tag === 'column_set' && e.flex_mode === 'none').map((e) => (e.tag === 'column_set' ? e.columns.map((col) => (col.elements[0] as { content: string }).content) : []));

  test('Monday first, padded with the neighbouring months, today and swaps marked', () => {
    const [head, first, ...rest] = weeks();
    assert.deepEqual(head, ['**Mon**', '**Tue**', '**Wed**', '**Thu**', '**Fri**', '**Sat**', '**Sun**']);
    // 2025-03-01 is a Saturday.
    assert.deepEqual(first!.slice(0, 5), [24, 25, 26, 27, 28].map((d) => `<font color='grey'>${d}</font>`));
    assert.equal(first![5], '**1**\nAlice');
    assert.equal(rest.length, 5);
    const cells = rest.flat();
    assert.ok(cells.includes("<text_tag color='blue'>14</text_tag>\nBob"));
    assert.ok(cells.includes('**16**\nCarol ⇄'));
    assert.ok(cells.includes('**21**\n—'));
    assert.equal(rest.at(-1)!.at(-1), `<font color='grey'>6</font>`);
  });

  test('first names in the grid, full names in the list of shifts, month buttons around', () => {
    const c = rosterCard({ locale: 'en',
      groupName: 'g', groupId: 4, month: '2025-12', today: null,
      days: [
        { day: '2025-11-30', userName: 'Zed Out', reason: 'rotation' },
        { day: '2025-12-01', userName: 'Alice Chen', reason: 'rotation' },
        { day: '2025-12-02', userName: 'Alice Chen', reason: 'swap' },
        { day: '2025-12-03', userName: 'Alexander Wu', reason: 'rotation' },
        { day: '2025-12-04', userName: 'Alexander Wong', reason: 'rotation' },
        { day: '2025-12-05', userName: null, reason: 'none' },
      ],
    });
    const cells = weeks(c).flat();
    assert.ok(cells.includes('**1**\nAlice'));
    assert.ok(cells.includes('**2**\nAlice ⇄'));
    assert.ok(cells.includes('**3**\nAlexand…'), 'two people who would both be "Alexan…" show more of their names');
    const list = markdownOf(c).find((m) => m.startsWith('- '));
    assert.equal(list, '- **1–2** Alice Chen ⇄\n- **3** Alexander Wu\n- **4** Alexander Wong');
    assert.deepEqual(actionsOf(c), ['roster', 'roster']);
    assert.match(JSON.stringify(c), /"◀ November".*"m":"2025-11".*"January ▶".*"m":"2026-01"/);
    assert.doesNotMatch(JSON.stringify(rosterCard({ locale: 'en', groupName: 'g', month: '2025-12', days: [] })), /"a":"roster"/, 'no buttons without the group id');
    // Daily shifts: a line per day would repeat the grid, so only the swaps are listed.
    const daily = rosterCard({ locale: 'en',
      groupName: 'g', month: '2025-12',
      days: Array.from({ length: 31 }, (_, i) => ({ day: `2025-12-${String(i + 1).padStart(2, '0')}`, userName: ['Ann', 'Bo'][i % 2]!, reason: i === 9 ? ('swap' as const) : ('rotation' as const) })),
    });
    assert.equal(markdownOf(daily).find((m) => m.includes('Swaps')), '**Swaps**\n- **10** Bo ⇄');
  });

  test('a month starting on Monday has no leading padding; a bad month is refused', () => {
    const c = rosterCard({ locale: 'en', groupName: 'g', month: '2025-09', days: [] });
    assert.equal(weeks(c)[1]![0], '**1**\n—');
    assert.throws(() => rosterCard({ locale: 'en', groupName: 'g', month: '2025-13', days: [] }), /month/);
  });
});

describe('pools card', () => {
  test('an unhealthy instance or failed publish turns it orange', () => {
    assert.equal(sampleCards().pools.header.template, 'orange');
    const ok = poolsCard({ locale: 'en', pools: [{ id: 1, name: 'p', instances: [{ address: 'a:9090', healthy: true }], does: { role: 'both', engine: 'prometheus', replicas: 1 } }], timezone: TZ });
    assert.equal(ok.header.template, 'blue');
  });

  test('each pool says what it does: scrape, evaluate (with its engine and replicas) or both', () => {
    const json = JSON.stringify(sampleCards().pools);
    assert.match(json, /Scrapes and evaluates rules with Prometheus/);
    assert.match(json, /Scrapes; rules run on an evaluating pool/);
    assert.match(json, /Evaluates rules with vmalert on the central store; scrapes nothing · each rule on 2 evaluators/);
  });
});

describe('rule card', () => {
  test('the form starts from the rule, or from what was submitted when it was refused', () => {
    const json = JSON.stringify(sampleCards().rule);
    assert.ok(json.includes('"default_value":"team=infra"'));
    assert.ok(json.includes('"initial_option":"warning"'));
    const refused = sampleCards()['rule-error'];
    assert.equal(refused.header.template, 'red');
    assert.ok(JSON.stringify(refused).includes('"default_value":"rate(foo[5m]) >"'));
    assert.ok(!JSON.stringify(sampleCards()['rule-readonly']).includes('"form"'));
  });
});
