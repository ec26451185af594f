/**
 * `npm run bench -- suggest`: what /rules suggest buys, measured on a real Prometheus (the
 * Debian 2.42 the tests use) over the same data. Three hours of 1,000 counters (10 jobs) are
 * written as TSDB blocks with `promtool tsdb create-blocks-from openmetrics`; the dashboard
 * query `sum by (job) (rate(bench_requests_total[5m]))` runs as a 3-hour range query (step
 * 60 s), then promduty's suggestion for it (the record rule promduty would create) is
 * backfilled over the same three hours with `promtool tsdb create-blocks-from rules`, and the
 * rewritten query (the recorded series) runs over the same range. Times are Prometheus' own
 * `execTotalTime` (`stats=all`), as its query log reports them; medians of 15 warm runs.
 * Also: ranking and analysing 200 logged queries, promduty's side of an answer.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rankQueries, type QueryTotals } from '../src/querylog/rank';
import { suggestRecordRules } from '../src/rules/promql-suggest';
import { freePort, requireBinary, waitFor } from '../test/support/processes';
import { median, type Figure } from './stats';

const SERIES = 1000;
const JOBS = 10;
const HOURS = 3;
const SCRAPE_S = 30;
const STEP_S = 60;
const RUNS = 15;
const HEAVY = 'sum by (job) (rate(bench_requests_total[5m]))';
/** What one /rules suggest answer parses at most (MAX_ANALYZED in src/querylog/service.ts). */
const ANALYSED = 100;

async function writeOpenMetrics(path: string, start: number, end: number): Promise<void> {
  const out = createWriteStream(path);
  const write = (s: string) => (out.write(s) ? Promise.resolve() : once(out, 'drain').then(() => undefined));
  await write('# TYPE bench_requests counter\n');
  for (let i = 0; i < SERIES; i++) {
    const labels = `job="job${i % JOBS}",instance="host${Math.floor(i / JOBS)}:9100",path="/p${i % 37}"`;
    let value = 0;
    let chunk = '';
    for (let t = start; t <= end; t += SCRAPE_S) {
      value += 1 + ((i * 7 + t) % 13);
      chunk += `bench_requests_total{${labels}} ${value} ${t}\n`;
    }
    await write(chunk);
  }
  await write('# EOF\n');
  out.end();
  await once(out, 'finish');
}

function promtool(args: string[]): void {
  const r = spawnSync('promtool', args, { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`promtool ${args.slice(0, 3).join(' ')} failed: ${r.stderr || r.error?.message}`);
}

async function startPrometheus(config: string, data: string, port: number): Promise<ChildProcess> {
  const child = spawn('prometheus', [`--config.file=${config}`, `--storage.tsdb.path=${data}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], { stdio: 'ignore' });
  await waitFor(`prometheus on ${port}`, async () => (await fetch(`http://127.0.0.1:${port}/-/ready`)).ok, 120_000);
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

interface Run {
  ms: number;
  samples: number;
  values: Map<string, [number, string][]>;
}

async function rangeQuery(port: number, query: string, start: number, end: number): Promise<Run> {
  const url = `http://127.0.0.1:${port}/api/v1/query_range?query=${encodeURIComponent(query)}&start=${start}&end=${end}&step=${STEP_S}&stats=all`;
  const body = (await (await fetch(url)).json()) as any;
  if (body.status !== 'success') throw new Error(`${query}: ${JSON.stringify(body)}`);
  return {
    ms: body.data.stats.timings.execTotalTime * 1000,
    samples: body.data.stats.samples?.totalQueryableSamples ?? 0,
    values: new Map(body.data.result.map((r: any) => [r.metric.job as string, r.values as [number, string][]])),
  };
}

async function timed(port: number, query: string, start: number, end: number): Promise<{ ms: number; samples: number; last: Run }> {
  for (let i = 0; i < 3; i++) await rangeQuery(port, query, start, end);
  const runs: Run[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await rangeQuery(port, query, start, end));
  return { ms: median(runs.map((r) => r.ms)), samples: runs[0]!.samples, last: runs[runs.length - 1]! };
}

/** The largest relative difference between two answers, point by point (they should agree). */
function maxDifference(a: Run, b: Run): number {
  let worst = 0;
  for (const [job, points] of a.values) {
    const other = new Map((b.values.get(job) ?? []).map(([t, v]) => [t, Number(v)]));
    for (const [t, v] of points) {
      const w = other.get(t);
      if (w === undefined) continue;
      worst = Math.max(worst, Math.abs(Number(v) - w) / Math.max(1e-9, Math.abs(Number(v))));
    }
  }
  return worst;
}

/** Ranking and analysing logged queries as one answer does: the total, and the longest single analysis (one turn of the event loop). */
function rankingFigures(): { total: number; longest: number } {
  const queries = [
    HEAVY,
    'histogram_quantile(0.99, sum by (le, service) (rate(http_request_duration_seconds_bucket{env="prod"}[5m])))',
    'sum(rate(http_requests_total{code=~"5.."}[1m])) / sum(rate(http_requests_total[1m]))',
    'topk(10, sum by (pod) (rate(container_cpu_usage_seconds_total[5m])))',
    'up == 0',
  ];
  const totals: QueryTotals[] = Array.from({ length: ANALYSED }, (_, i) => ({
    hash: i.toString(16).padStart(64, '0'),
    query: `${queries[i % queries.length]!} + ${i} * 0`,
    runs: 3 + (i % 50),
    rangeRuns: i % 3,
    execSeconds: (i % 17) * 0.3,
    maxExecSeconds: 1,
    samples: (i % 23) * 1e5,
    peakSamples: 1e4,
    lastRunAt: new Date(),
  }));
  // The longest expression a query may be, as one of them: the worst single turn.
  totals[0]!.query = `sum by (job) (rate(x_total{path=~"${'a|'.repeat(6000)}b"}[5m]))`;
  let longest = 0;
  const t0 = performance.now();
  for (const q of rankQueries(totals)) {
    const t = performance.now();
    suggestRecordRules(q.query);
    longest = Math.max(longest, performance.now() - t);
  }
  return { total: performance.now() - t0, longest };
}

export async function suggestBench(): Promise<Figure[]> {
  requireBinary('prometheus');
  requireBinary('promtool');
  const dir = await mkdtemp(join(tmpdir(), 'pd-bench-suggest-'));
  const data = join(dir, 'data');
  let prom: ChildProcess | null = null;
  try {
    const end = Math.floor(Date.now() / 1000 / STEP_S) * STEP_S - STEP_S;
    const start = end - HOURS * 3600;
    await writeOpenMetrics(join(dir, 'data.om'), start - 600, end);
    promtool(['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'data.om'), data]);
    await rm(join(dir, 'data.om'));

    const analysis = suggestRecordRules(HEAVY);
    if (!analysis.ok) throw new Error(analysis.reason);
    const s = analysis.suggestions[0]!;
    await writeFile(join(dir, 'records.yml'), `groups:\n  - name: bench\n    interval: ${STEP_S}s\n    rules:\n      - record: '${s.record}'\n        expr: '${s.expr}'\n`);
    await writeFile(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1m\nscrape_configs: []\n');
    const port = await freePort();
    prom = await startPrometheus(join(dir, 'prometheus.yml'), data, port);
    const heavy = await timed(port, HEAVY, start, end);

    // The record rule's series over the same hours, evaluated by Prometheus through promtool.
    const backfill = join(dir, 'backfill');
    await mkdir(backfill);
    promtool(['tsdb', 'create-blocks-from', 'rules', `--start=${start}`, `--end=${end + 1}`, `--url=http://127.0.0.1:${port}`, `--output-dir=${backfill}`, `--eval-interval=${STEP_S}s`, join(dir, 'records.yml')]);
    await stop(prom);
    for (const block of await readdir(backfill)) await rename(join(backfill, block), join(data, block));
    prom = await startPrometheus(join(dir, 'prometheus.yml'), data, port);
    const recorded = await timed(port, s.rewritten, start, end);
    const difference = maxDifference(heavy.last, recorded.last);
    if (recorded.last.values.size !== JOBS) throw new Error(`the recorded series answered ${recorded.last.values.size} jobs, not ${JOBS}`);

    const what = `3 h of ${SERIES.toLocaleString('en')} counters, step ${STEP_S} s`;
    for (let i = 0; i < 3; i++) rankingFigures();
    const ranking = Array.from({ length: 7 }, rankingFigures);
    return [
      { issue: 18, name: `heavy query ${HEAVY} over ${what}: Prometheus exec time`, value: heavy.ms, unit: 'ms' },
      { issue: 18, name: `the same from the suggested record rule's series (${s.rewritten})`, value: recorded.ms, unit: 'ms' },
      { issue: 18, name: 'query time saved by the suggested record rule (heavy / recorded)', value: heavy.ms / recorded.ms, unit: '×', goal: { op: '>=', value: 10 } },
      { issue: 18, name: `samples read: heavy ${heavy.samples.toLocaleString('en')}, recorded`, value: recorded.samples, unit: 'samples' },
      // Not 0: a rule group evaluates at its own offset within the interval, so a recorded
      // value is up to one interval (60 s) older than the query's step it answers.
      { issue: 18, name: 'largest difference between the two answers, point by point', value: difference * 100, unit: '%', goal: { op: '<=', value: 1 } },
      { issue: 18, name: `/rules suggest: rank and analyse ${ANALYSED} logged queries, one per event-loop turn (total)`, value: median(ranking.map((r) => r.total)), unit: 'ms' },
      { issue: 18, name: '/rules suggest: the longest single analysis (a 16 KB query): one turn of the event loop', value: median(ranking.map((r) => r.longest)), unit: 'ms', goal: { op: '<=', value: 50 } },
    ];
  } finally {
    if (prom) await stop(prom);
    await rm(dir, { recursive: true, force: true });
  }
}
