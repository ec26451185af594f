import { sha256Hex } from '../core/hashing';
import { PROMQL_LIMITS } from '../rules/promql-parse';
import type { QueryTotals } from './rank';

/**
 * Prometheus' query log (`global.query_log_file`): one JSON object per line and query, e.g.
 * from Prometheus 2.42:
 *
 *   {"httpRequest":{"clientIP":"10.0.0.7","method":"GET","path":"/api/v1/query_range"},
 *    "params":{"end":"…","query":"sum by (job)(rate(x_total[5m]))","start":"…","step":15},
 *    "stats":{"timings":{"evalTotalTime":0.41,…,"execTotalTime":0.43},
 *             "samples":{"totalQueryableSamples":1843200,"peakSamples":12000}},
 *    "ts":"2026-12-05T18:40:38.331Z"}
 *
 * (`samples` is there without any feature flag; `--enable-feature=promql-per-step-stats` adds
 * per-step figures, not needed here.) Rule evaluations are logged too, with `ruleGroup`
 * instead of `httpRequest`: they are rules already and are left out. Pure: text in, runs out.
 */

/** What one POST may carry: the sidecar sends the file in pieces of at most this much. */
export const QUERY_LOG_LIMITS = {
  bodyBytes: 1024 * 1024,
  lines: 10_000,
  lineChars: 64 * 1024,
} as const;

export interface QueryRun {
  query: string;
  hash: string;
  /** The UTC day it ran (`YYYY-MM-DD`). */
  day: string;
  at: Date;
  range: boolean;
  execSeconds: number;
  samples: number;
  peakSamples: number;
}

export interface ParsedQueryLog {
  runs: QueryRun[];
  /** Rule evaluations, left out. */
  rules: number;
  /** Lines that are not query log entries (not JSON, no query, no timings). */
  malformed: number;
  /** Lines or queries past the limits, left out. */
  tooLong: number;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0);

/** The query log lines of `text`; `now` stands in for a missing or broken `ts`. */
export function parseQueryLog(text: string, now: Date): ParsedQueryLog {
  const out: ParsedQueryLog = { runs: [], rules: 0, malformed: 0, tooLong: 0 };
  const lines = text.split('\n');
  for (const raw of lines) {
    const line = raw.trim();
    if (!line) continue;
    if (line.length > QUERY_LOG_LIMITS.lineChars) {
      out.tooLong++;
      continue;
    }
    let entry: any;
    try {
      entry = JSON.parse(line);
    } catch {
      out.malformed++;
      continue;
    }
    if (entry?.ruleGroup) {
      out.rules++;
      continue;
    }
    const query = typeof entry?.params?.query === 'string' ? entry.params.query.trim() : '';
    const timings = entry?.stats?.timings;
    if (!query || typeof timings !== 'object' || timings === null) {
      out.malformed++;
      continue;
    }
    if (query.length > PROMQL_LIMITS.maxLength) {
      out.tooLong++;
      continue;
    }
    const ts = typeof entry.ts === 'string' ? new Date(entry.ts) : now;
    const at = Number.isNaN(ts.getTime()) ? now : ts;
    out.runs.push({
      query,
      hash: sha256Hex(query),
      day: at.toISOString().slice(0, 10),
      at,
      range: num(entry.params.step) > 0,
      execSeconds: num(timings.execTotalTime),
      samples: num(entry.stats.samples?.totalQueryableSamples),
      peakSamples: num(entry.stats.samples?.peakSamples),
    });
  }
  return out;
}

/** One query's totals on one UTC day. */
export interface QueryDay extends QueryTotals {
  day: string;
}

/** Runs folded per day and query: what the store adds to its totals. */
export function foldRuns(runs: QueryRun[]): QueryDay[] {
  const days = new Map<string, QueryDay>();
  for (const r of runs) {
    const key = `${r.day}/${r.hash}`;
    const d = days.get(key) ?? { day: r.day, hash: r.hash, query: r.query, runs: 0, rangeRuns: 0, execSeconds: 0, maxExecSeconds: 0, samples: 0, peakSamples: 0, lastRunAt: r.at };
    d.runs++;
    if (r.range) d.rangeRuns++;
    d.execSeconds += r.execSeconds;
    d.maxExecSeconds = Math.max(d.maxExecSeconds, r.execSeconds);
    d.samples += r.samples;
    d.peakSamples = Math.max(d.peakSamples, r.peakSamples);
    if (r.at > d.lastRunAt) d.lastRunAt = r.at;
    days.set(key, d);
  }
  return [...days.values()];
}
