import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { statsCard } from '../../src/cards/stats-card';
import { MAX_CHARTS_PER_CARD } from '../../src/cards/chart';
import { computeStats, statsWindow, type StatsEvent, type StatsPage } from '../../src/stats/figures';
import { cardProblem } from '../../src/sandbox/feishu-content';
import { chartLayout } from '../../src/sandbox/web/chart';
import { assertGoldenJson, assertGoldenJsonIn } from '../support/golden';
import { chartsOf, vchartProblems } from '../support/vchart';
import { assertSendable, markdownOf } from './cards-fixtures';

const NOW = new Date('2025-03-14T10:00:00Z');
const TZ = 'Asia/Shanghai';

function figures(eventsPerDay = [3, 0, 5, 1, 2, 8, 4]) {
  const w = statsWindow(NOW, 7, TZ);
  const events: StatsEvent[] = [];
  eventsPerDay.forEach((n, day) => {
    for (let i = 0; i < n; i++) {
      const firedAt = new Date(w.from.getTime() + day * 86_400_000 + (i + 1) * 3_600_000);
      events.push({
        sendGroupId: 1,
        ruleId: i % 3 === 0 ? null : 10 + (i % 3),
        alertname: ['Watchdog_*x*', 'HighCPU', 'DiskFull <at id=all></at>'][i % 3]!,
        fingerprint: `fp${i % 4}`,
        firedAt,
        ackAt: i % 2 ? new Date(firedAt.getTime() + 95_000) : null,
        resolvedAt: new Date(firedAt.getTime() + 1_800_000),
      });
    }
  });
  const pages: StatsPage[] = events.map((e, i) => ({ sendGroupId: 1, userId: i % 2 ? 1 : 2, name: i % 2 ? 'Alice' : 'Bob_*', at: e.firedAt }));
  return computeStats(w, events, pages, { zoneOf: () => TZ });
}

/** The layout the sandbox draws, or a failure naming why it cannot. */
function drawn(spec: unknown) {
  const layout = chartLayout(spec);
  if (layout.error !== undefined) throw new Error(layout.error);
  return layout;
}

describe('the stats card', () => {
  const c = statsCard({ locale: 'en', sendGroupName: 'ops', figures: figures(), flapEpisodes: 3 });

  test('matches its golden, fits Feishu, and Feishu (the sandbox) would take it', () => {
    assertSendable(c);
    assert.equal(cardProblem(c), undefined);
    assertGoldenJson('cards/stats.json', c);
    assertGoldenJsonIn('zh-CN', 'cards/stats.json', statsCard({ locale: 'zh-CN', sendGroupName: 'ops', figures: figures(), flapEpisodes: 3 }));
    for (const locale of ['en', 'zh-CN'] as const)
      assertGoldenJsonIn(locale, 'cards/stats-digest.json', statsCard({ locale, sendGroupName: 'ops', figures: figures([0, 0, 0, 0, 0, 0, 0]), flapEpisodes: 3, digest: true }));
  });

  test('two charts with valid VChart specs: alerts per day, and the noisiest rules across', () => {
    const charts = chartsOf(c);
    assert.equal(charts.length, 2);
    assert.ok(charts.length <= MAX_CHARTS_PER_CARD);
    for (const chart of charts) assert.deepEqual(chart.problems, [], JSON.stringify(chart.spec));
    const [daily, rules] = charts.map((x) => x.spec as any);
    assert.deepEqual(daily.data.values.map((v: any) => v.alerts), [3, 0, 5, 1, 2, 8, 4]);
    assert.equal(daily.xField, 'day');
    assert.equal(rules.direction, 'horizontal');
    assert.deepEqual(rules.data.values.map((v: any) => v.rule), ['Watchdog_*x*', '#11 HighCPU', '#12 DiskFull <at id=all></at>']);
  });

  test('the schema check refuses what Feishu would not draw', () => {
    assert.deepEqual(vchartProblems({ type: 'bar', data: { values: [{ day: '03-14', alerts: 2 }] }, xField: 'day', yField: 'alerts' }), []);
    assert.ok(vchartProblems({ type: 'bars', data: { values: [{ a: 1 }] }, xField: 'a', yField: 'a' }).some((p) => p.includes('type')));
    assert.ok(vchartProblems({ type: 'bar', data: { values: [] }, xField: 'a', yField: 'b' }).some((p) => p.includes('non-empty')));
    assert.ok(vchartProblems({ type: 'bar', data: { values: [{ day: 'x' }] }, xField: 'day' }).some((p) => p.includes('yField')));
    assert.ok(vchartProblems({ type: 'bar', data: { values: [{ day: 'x', n: '3' }] }, xField: 'day', yField: 'n' }).some((p) => p.includes('number')));
    assert.equal(cardProblem({ schema: '2.0', body: { elements: [{ tag: 'chart' }] } }), 'card.body.elements[0] is a chart without a chart_spec naming its type');
  });

  test('user text in markdown is escaped: names and alertnames cannot format or mention', () => {
    const text = markdownOf(c).join('\n');
    assert.ok(!text.includes('<at id=all>'));
    assert.ok(text.includes('Bob&#95;&#42;'));
    assert.match(text, /After hours: outside 09:00–18:00 Monday to Friday, and weekends/);
  });

  test('the sandbox draws the specs as bars from the data', () => {
    const [daily, rules] = chartsOf(c).map((x) => x.spec);
    const d = drawn(daily);
    assert.deepEqual(d.bars.map((b) => b.value), [3, 0, 5, 1, 2, 8, 4]);
    const tallest = d.bars.reduce((a, b) => (b.h > a.h ? b : a));
    assert.equal(tallest.value, 8);
    assert.ok(Math.abs(d.bars[0]!.h / tallest.h - 3 / 8) < 1e-9, 'heights are proportional');
    const r = drawn(rules);
    assert.ok(r.horizontal && r.bars.length === 3);
    assert.match(String((chartLayout({ type: 'pie' }) as { error: string }).error), /not drawn/);
  });
});
