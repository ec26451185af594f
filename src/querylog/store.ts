import type { Db } from '../db/knex';
import type { QueryDay } from './parse';
import type { QueryTotals } from './rank';

/**
 * `query_log_stats`: the query logs promduty was sent, one row per pool, UTC day and query,
 * with running totals. Its size follows the distinct queries a pool's users run, not how often
 * they run them; days older than RETAIN_DAYS are dropped as new ones arrive.
 */
export const RETAIN_DAYS = 14;
const ROWS_PER_STATEMENT = 500;

/** Adds a request's runs to the totals, in one transaction. */
export async function addQueryDays(db: Db, poolId: number, days: QueryDay[], today: string): Promise<void> {
  const cutoff = new Date(Date.parse(`${today}T00:00:00Z`) - RETAIN_DAYS * 86_400_000).toISOString().slice(0, 10);
  // In key order, so concurrent requests for one pool lock rows in the same order (no deadlock).
  const fresh = days.filter((d) => d.day >= cutoff).sort((a, b) => (a.day === b.day ? a.hash.localeCompare(b.hash) : a.day < b.day ? -1 : 1));
  await db.transaction(async (trx) => {
    for (let i = 0; i < fresh.length; i += ROWS_PER_STATEMENT) {
      const rows = fresh.slice(i, i + ROWS_PER_STATEMENT);
      const group = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
      await trx.raw(
        `INSERT INTO query_log_stats (pool_id, day, query_hash, query, runs, range_runs, exec_seconds, max_exec_seconds, samples, peak_samples, last_run_at)
         VALUES ${rows.map(() => group).join(',')}
         ON DUPLICATE KEY UPDATE runs = runs + VALUES(runs), range_runs = range_runs + VALUES(range_runs),
           exec_seconds = exec_seconds + VALUES(exec_seconds), max_exec_seconds = GREATEST(max_exec_seconds, VALUES(max_exec_seconds)),
           samples = samples + VALUES(samples), peak_samples = GREATEST(peak_samples, VALUES(peak_samples)),
           last_run_at = GREATEST(last_run_at, VALUES(last_run_at))`,
        rows.flatMap((d) => [poolId, d.day, d.hash, d.query, d.runs, d.rangeRuns, d.execSeconds, d.maxExecSeconds, Math.round(d.samples), Math.round(d.peakSamples), d.lastRunAt]),
      );
    }
    await trx('query_log_stats').where('pool_id', poolId).where('day', '<', cutoff).delete();
  });
}

/**
 * A pool's queries since `since` (a UTC day), summed over the days: the `limit` costliest by
 * time and the `limit` costliest by samples, so the ranking sees every query either measure
 * would put near the top without reading every query ever logged.
 */
export async function queryTotals(db: Db, poolId: number, since: string, limit: number): Promise<QueryTotals[]> {
  const totals = (order: string) =>
    db('query_log_stats')
      .where('pool_id', poolId)
      .where('day', '>=', since)
      .groupBy('query_hash')
      .orderBy(order, 'desc')
      .limit(limit)
      .select(
        'query_hash',
        db.raw('MIN(query) AS query'),
        db.raw('SUM(runs) AS runs'),
        db.raw('SUM(range_runs) AS range_runs'),
        db.raw('SUM(exec_seconds) AS exec_seconds'),
        db.raw('MAX(max_exec_seconds) AS max_exec_seconds'),
        db.raw('SUM(samples) AS samples'),
        db.raw('MAX(peak_samples) AS peak_samples'),
        db.raw('MAX(last_run_at) AS last_run_at'),
      );
  const [byTime, bySamples] = await Promise.all([totals('exec_seconds'), totals('samples')]);
  const out = new Map<string, QueryTotals>();
  for (const r of [...byTime, ...bySamples] as any[]) {
    out.set(r.query_hash, {
      hash: r.query_hash,
      query: r.query,
      runs: Number(r.runs),
      rangeRuns: Number(r.range_runs),
      execSeconds: Number(r.exec_seconds),
      maxExecSeconds: Number(r.max_exec_seconds),
      samples: Number(r.samples),
      peakSamples: Number(r.peak_samples),
      lastRunAt: new Date(r.last_run_at),
    });
  }
  return [...out.values()];
}

/** The query logged under a hash (or a prefix of one, as cards carry it) in a pool. */
export async function queryByHash(db: Db, poolId: number, hashPrefix: string): Promise<{ hash: string; query: string } | null> {
  const row = await db('query_log_stats').where('pool_id', poolId).where('query_hash', 'like', `${hashPrefix}%`).orderBy('day', 'desc').first('query_hash', 'query');
  return row ? { hash: row.query_hash, query: row.query } : null;
}

/** True when `address` is one of the pool's Prometheus instances. */
export async function isPoolInstance(db: Db, poolId: number, address: string): Promise<boolean> {
  return Boolean(await db('prometheus_instances').where({ pool_id: poolId, address }).first('id'));
}
