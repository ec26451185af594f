/**
 * Which logged queries are worth pre-aggregating: those run repeatedly that cost the most.
 * Cost has two measures in the query log, time (`execTotalTime`) and work (samples
 * loaded); time is what people wait for but moves with the machine's load, samples are what
 * the query inherently reads. A query's score is its share of the total time of all the
 * candidates plus its share of their total samples, so either measure can rank it up and
 * neither unit dominates. Pure: totals in, order out.
 */

/** A query is "repeated" from this many runs in the window. */
export const MIN_RUNS = 3;

export interface QueryTotals {
  hash: string;
  query: string;
  runs: number;
  rangeRuns: number;
  execSeconds: number;
  maxExecSeconds: number;
  samples: number;
  peakSamples: number;
  lastRunAt: Date;
}

export interface RankedQuery extends QueryTotals {
  /** Share of the time plus share of the samples, 0–2. */
  score: number;
  avgSeconds: number;
}

export function rankQueries(candidates: readonly QueryTotals[], minRuns = MIN_RUNS): RankedQuery[] {
  const repeated = candidates.filter((c) => c.runs >= minRuns);
  const time = repeated.reduce((s, c) => s + c.execSeconds, 0);
  const samples = repeated.reduce((s, c) => s + c.samples, 0);
  return repeated
    .map((c) => ({
      ...c,
      score: (time ? c.execSeconds / time : 0) + (samples ? c.samples / samples : 0),
      avgSeconds: c.execSeconds / c.runs,
    }))
    .sort((a, b) => b.score - a.score || b.runs - a.runs || a.hash.localeCompare(b.hash));
}
