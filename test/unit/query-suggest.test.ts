import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCardAction } from '../../src/cards/actions';
import { suggestCard, type SuggestCardInput } from '../../src/cards/suggest-card';
import { foldRuns, parseQueryLog, QUERY_LOG_LIMITS } from '../../src/querylog/parse';
import { rankQueries, type QueryTotals } from '../../src/querylog/rank';
import { validatePromql } from '../../src/rules/promql';
import { suggestRecordRules } from '../../src/rules/promql-suggest';
import { poolCreateSchema } from '../../src/scrape/pool-schema';
import { renderPrometheusConfig } from '../../src/scrape/render-prometheus';
import { cardProblem } from '../../src/sandbox/feishu-content';
import { assertGoldenJson, assertGoldenJsonIn } from '../support/golden';
import { assertSendable, markdownOf } from './cards-fixtures';
import { ctx, instances, jobs, pool, promtoolCheckConfig } from './scrape-fixtures';

const suggest = (q: string) => {
  const a = suggestRecordRules(q);
  assert.ok(a.ok, `${q}: ${a.ok ? '' : a.reason}`);
  return a.suggestions;
};

describe('record rules suggested for a query', () => {
  test('the aggregation of a range function, named level:metric:operations', () => {
    assert.deepEqual(suggest('sum by (job, code) (rate(http_requests_total{env="prod"}[5m]))'), [
      { record: 'job_code:http_requests:rate5m', expr: 'sum by (job, code) (rate(http_requests_total{env="prod"}[5m]))', rewritten: 'job_code:http_requests:rate5m' },
    ]);
    assert.equal(suggest('sum(rate(x_total[5m])) by (job)')[0]!.record, 'job:x:rate5m', 'by after the body');
    assert.equal(suggest('avg without (instance, cpu) (irate(node_cpu_seconds_total[1m]))')[0]!.record, 'without_instance_cpu:node_cpu_seconds:avg_irate1m');
    assert.equal(suggest('max(max_over_time(go_goroutines[1h30m]))')[0]!.record, ':go_goroutines:max_max_over_time1h30m');
    assert.equal(suggest('count(increase(errors_total[1h]))')[0]!.record, ':errors:count_increase1h');
    assert.equal(suggest('sum(delta(temperature_total[10m]))')[0]!.record, ':temperature_total:delta10m', '_total stays off rates only');
  });

  test('inside a larger query, the aggregation is recorded and the query rewritten around it', () => {
    const [s] = suggest('histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))');
    assert.equal(s!.record, 'le:http_request_duration_seconds_bucket:rate5m');
    assert.equal(s!.rewritten, 'histogram_quantile(0.99, le:http_request_duration_seconds_bucket:rate5m)');
    const two = suggest('sum(rate(a_total[5m])) / sum(rate(b_total[5m])) > bool sum(rate(a_total[5m]))');
    assert.deepEqual(two.map((x) => x.record), [':a:rate5m', ':b:rate5m']);
    assert.equal(two[0]!.rewritten, ':a:rate5m / sum(rate(b_total[5m])) > bool :a:rate5m', 'every copy of the aggregation replaced');
    assert.equal(suggest('sum(rate(x[5m]))and on() up')[0]!.rewritten, ':x:rate5m and on() up', 'a word never runs into the name');
    assert.equal(suggest('max(sum by (job) (rate(x_total[5m])))')[0]!.record, ':x:max_rate5m', 'the outermost aggregation that qualifies');
  });

  test('every suggestion records a valid rule expression and rewrites to a valid query', () => {
    for (const q of ['sum by (job) (rate(x_total[5m]))', 'histogram_quantile(0.9, sum by (le, job) (rate(h_bucket[1m]))) > 0.5', '1 - avg(avg_over_time(up{job="a"}[1d]))']) {
      for (const s of suggest(q)) {
        assert.deepEqual(validatePromql(s.expr, { forRule: true }), { valid: true }, s.expr);
        assert.deepEqual(validatePromql(s.rewritten), { valid: true }, s.rewritten);
        assert.match(s.record, /^[a-zA-Z_:][a-zA-Z0-9_:]*$/);
      }
    }
  });

  test('nothing that would change the answer or has no honest name', () => {
    for (const q of [
      'up',
      'rate(x_total[5m])', // no aggregation: recording it saves nothing
      'topk(5, rate(x_total[5m]))',
      'quantile(0.9, rate(x_total[5m]))',
      'sum(rate(x_total[5m]) * 60)',
      'sum(rate(x_total[5m] offset 1h))',
      'sum(rate(x_total[5m] @ 1700000000))',
      'sum(rate(x_total[5m:1m]))',
      'sum(rate({__name__="x_total"}[5m]))',
      'sum(x_total)',
      'sum(rate(',
    ]) {
      assert.equal(suggestRecordRules(q).ok, false, q);
    }
    assert.match((suggestRecordRules('sum(rate(') as { reason: string }).reason, /^not a valid expression/);
  });
});

describe('the query log', () => {
  const now = new Date('2026-12-05T19:01:00Z');
  const fixture = readFileSync(join(__dirname, '..', 'fixtures', 'prometheus-2.42', 'query.log'), 'utf8');

  test('Prometheus 2.42 lines: queries with time and samples; rule evaluations left out', () => {
    const p = parseQueryLog(fixture, now);
    assert.equal(p.rules, 1);
    assert.deepEqual(
      p.runs.map((r) => [r.query, r.range, r.day]),
      [
        ['sum by (job)(rate(prometheus_http_requests_total[1m]))', true, '2026-12-05'],
        ['up', false, '2026-12-05'],
      ],
    );
    assert.ok(p.runs.every((r) => r.execSeconds > 0 && r.execSeconds < 1));
  });

  test('garbage, overlong lines and overlong queries are counted and left out', () => {
    const long = JSON.stringify({ params: { query: `sum(${'x+'.repeat(9000)}x)` }, stats: { timings: { execTotalTime: 1 } } });
    const p = parseQueryLog(['not json', '{"params":{}}', 'x'.repeat(QUERY_LOG_LIMITS.lineChars + 1), long, ''].join('\n'), now);
    assert.deepEqual([p.runs.length, p.malformed, p.tooLong], [0, 2, 2]);
  });

  test('runs fold per day and query', () => {
    const line = (q: string, t: number, samples: number, ts: string, step = 0) =>
      JSON.stringify({ httpRequest: {}, params: { query: q, step }, stats: { timings: { execTotalTime: t }, samples: { totalQueryableSamples: samples, peakSamples: samples / 10 } }, ts });
    const p = parseQueryLog(
      [line('a', 0.5, 100, '2026-12-05T01:00:00Z', 15), line('a', 1.5, 300, '2026-12-05T02:00:00Z'), line('a', 1, 10, '2026-12-04T23:00:00Z'), line(' b ', 0.1, 1, 'garbage')].join('\n'),
      now,
    );
    const days = foldRuns(p.runs).map((d) => [d.day, d.query, d.runs, d.rangeRuns, d.execSeconds, d.maxExecSeconds, d.samples, d.peakSamples]);
    assert.deepEqual(days, [
      ['2026-12-05', 'a', 2, 1, 2, 1.5, 400, 30],
      ['2026-12-04', 'a', 1, 0, 1, 1, 10, 1],
      ['2026-12-05', 'b', 1, 0, 0.1, 0.1, 1, 0.1],
    ]);
  });

  test('ranking: repeated queries only, by share of time plus share of samples', () => {
    const q = (hash: string, runs: number, execSeconds: number, samples: number): QueryTotals => ({
      hash, query: hash, runs, rangeRuns: 0, execSeconds, maxExecSeconds: execSeconds, samples, peakSamples: 0, lastRunAt: now,
    });
    const ranked = rankQueries([q('slow', 10, 8, 1000), q('wide', 10, 1, 9000), q('once', 1, 100, 1e9), q('light', 20, 1, 0)]);
    assert.deepEqual(ranked.map((r) => r.hash), ['wide', 'slow', 'light']);
    assert.equal(ranked[0]!.score, 0.1 + 0.9);
    assert.equal(ranked[1]!.avgSeconds, 0.8);
  });
});

describe('the pool setting and prometheus.yml', () => {
  test('queryLogFile renders as global.query_log_file; absent, nothing', () => {
    const render = (p: typeof pool) => renderPrometheusConfig(p, instances[0]!, instances, jobs, ctx);
    const withLog = render({ ...pool, queryLogFile: '/var/log/prometheus/query.log' });
    assert.match(withLog[0]!.content, /\n {2}query_log_file: '\/var\/log\/prometheus\/query\.log'\n/);
    assert.doesNotMatch(render(pool)[0]!.content, /query_log_file/);
    const check = promtoolCheckConfig(withLog);
    assert.equal(check.status, 0, check.output);
  });

  test('only absolute file paths: a relative one would land in the directory promduty rewrites', () => {
    const parse = (queryLogFile: unknown) => poolCreateSchema.safeParse({ name: 'p', queryLogFile });
    assert.ok(parse('/var/log/prometheus/query.log').success);
    assert.ok(parse(null).success);
    for (const bad of ['query.log', '/var/log/', '/var/log/q\nx.log', '', `/${'x'.repeat(1024)}`]) assert.equal(parse(bad).success, false, JSON.stringify(bad));
  });
});

describe('the suggestions card', () => {
  const input: SuggestCardInput = {
    locale: 'en',
    pool: { id: 3, name: 'main' },
    since: '2026-11-29',
    repeated: 4,
    items: [
      {
        record: 'job:http_requests:rate5m', expr: 'sum by (job) (rate(http_requests_total[5m]))', rewritten: 'job:http_requests:rate5m',
        query: 'sum by (job) (rate(http_requests_total[5m]))', hash: '0123456789abcdef', index: 0, runs: 42, avgSeconds: 0.734, samples: 18_400_000, existing: null,
      },
      {
        record: 'le:rpc_seconds_bucket:rate1m', expr: 'sum by (le) (rate(rpc_seconds_bucket[1m]))', rewritten: 'histogram_quantile(0.9, le:rpc_seconds_bucket:rate1m)',
        query: 'histogram_quantile(0.9, sum by (le) (rate(rpc_seconds_bucket[1m])))', hash: 'fedcba9876543210', index: 0, runs: 12, avgSeconds: 0.05, samples: 9000, existing: { id: 8, sameExpr: true },
      },
    ],
    passed: [{ query: 'topk(10, rate(x_total{path=~"/api/.*"}[5m]))', runs: 7, avgSeconds: 1.2, reason: 'no aggregation of a range function over one selector to pre-aggregate', say: { key: 'suggest.reason.nothing', params: {} } }],
    editable: true,
  };

  test('matches its golden; its button is a callback the handler parses', () => {
    const c = suggestCard(input);
    assertSendable(c);
    assert.equal(cardProblem(c), undefined);
    assertGoldenJson('cards/suggest.json', c);
    assertGoldenJsonIn('zh-CN', 'cards/suggest.json', suggestCard({ ...input, locale: 'zh-CN' }));
    const accepted = { ruleId: 9, record: input.items[0]!.record, rewritten: input.items[0]!.rewritten, created: true };
    assertGoldenJson('cards/suggest-accepted.json', suggestCard({ ...input, editable: false, accepted }));
    assertGoldenJsonIn('zh-CN', 'cards/suggest-accepted.json', suggestCard({ ...input, editable: false, accepted, locale: 'zh-CN' }));
    const buttons = [...JSON.stringify(c).matchAll(/"value":(\{[^}]*\})/g)].map((m) => JSON.parse(m[1]!) as unknown);
    assert.equal(buttons.length, 1, 'no button for the one recorded already');
    assert.deepEqual(parseCardAction({ value: buttons[0] }), { a: 'rule_suggest', p: 3, q: '0123456789abcdef', k: 0 });
    assert.throws(() => parseCardAction({ value: { a: 'rule_suggest', p: 3, q: 'DROP TABLE', k: 0 } }));
  });

  test('five suggestions of the longest queries still fit Feishu’s 30 KB', () => {
    const long = `sum by (job) (rate(x_total{path=~"${'(a)|'.repeat(4000)}"}[5m]))`;
    const items = Array.from({ length: 5 }, (_, i) => ({ ...input.items[0]!, query: long, expr: long, rewritten: `${long} + ${i}`, hash: String(i).repeat(16) }));
    const c = suggestCard({ ...input, items, accepted: { ruleId: 1, record: 'x', rewritten: long, created: true } });
    assertSendable(c);
    assert.ok(JSON.stringify(c).includes('Create record rule'));
  });

  test('viewers get no buttons; query text is escaped', () => {
    const c = suggestCard({ ...input, editable: false });
    assert.doesNotMatch(JSON.stringify(c), /rule_suggest/);
    assert.ok(markdownOf(c).join('\n').includes('&#123;') === false && markdownOf(c).join('\n').includes('&#40;job&#41;'));
  });
});
