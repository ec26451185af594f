import type { Knex } from 'knex';
import type { SuggestCardInput, SuggestionView } from '../cards/suggest-card';
import type { Clock } from '../core/clock';
import { AppError, notFound } from '../core/errors';
import { fieldError, userError } from '../i18n';
import { nextTurn } from '../core/turns';
import type { Actor } from '../db/audit';
import { suggestRecordRules, type RecordSuggestion } from '../rules/promql-suggest';
import type { RecordRule, RecordRuleService } from '../rules/record-rules';
import { foldRuns, parseQueryLog, QUERY_LOG_LIMITS } from './parse';
import { rankQueries } from './rank';
import { addQueryDays, isPoolInstance, queryByHash, queryTotals } from './store';

/** Queries ranked over this many days. */
export const SUGGEST_DAYS = 7;
/** How many of the costliest queries (by time, and by samples) the ranking reads. */
const CANDIDATES = 200;
/** At most this many queries are parsed for one answer, one per turn of the event loop. */
const MAX_ANALYZED = 100;
/** Cards carry this much of a query's hash. */
export const HASH_PREFIX = 16;

export interface IngestResult {
  /** Query runs added to the pool's totals. */
  accepted: number;
  /** Distinct queries among them. */
  queries: number;
  /** Rule evaluations, not counted. */
  rules: number;
  malformed: number;
  tooLong: number;
}

/** A suggestion as the card shows it, with the query's figures over the window. */
export interface SuggestionItem extends SuggestionView {
  maxSeconds: number;
  score: number;
}

/** What /rules suggest shows: the card's input but for who is asking. */
export type SuggestionReport = Omit<SuggestCardInput, 'editable' | 'accepted' | 'items' | 'locale'> & { items: SuggestionItem[] };

/**
 * /rules suggest: the query logs of a pool's Prometheus instances (sent by the sidecar,
 * scripts/push-query-log.sh) folded into per-day totals, ranked, and turned into record
 * rules that pre-aggregate the heaviest repeated queries. Accepting one creates it through
 * RecordRuleService (validated, placed on an instance, published).
 */
export class QueryLogService {
  constructor(
    private readonly d: {
      db: Knex;
      clock: Clock;
      recordRules: Pick<RecordRuleService, 'list' | 'create'>;
    },
  ) {}

  /** One piece of an instance's query log (NDJSON, at most QUERY_LOG_LIMITS). */
  async ingest(poolId: number, instance: string, text: string): Promise<IngestResult> {
    await this.pool(poolId);
    if (!(await isPoolInstance(this.d.db, poolId, instance))) throw notFound('Prometheus instance', `${instance} in pool ${poolId}`);
    let lines = 0;
    for (let i = text.indexOf('\n'); i >= 0 && lines <= QUERY_LOG_LIMITS.lines; i = text.indexOf('\n', i + 1)) lines++;
    if (lines > QUERY_LOG_LIMITS.lines) {
      throw new AppError('payload_too_large', `at most ${QUERY_LOG_LIMITS.lines} lines per request; send the log in smaller pieces`);
    }
    const now = this.d.clock.now();
    const parsed = parseQueryLog(text, now);
    const days = foldRuns(parsed.runs);
    if (days.length) await addQueryDays(this.d.db, poolId, days, now.toISOString().slice(0, 10));
    return { accepted: parsed.runs.length, queries: new Set(days.map((d) => d.hash)).size, rules: parsed.rules, malformed: parsed.malformed, tooLong: parsed.tooLong };
  }

  async suggest(poolId: number, limit = 5): Promise<SuggestionReport> {
    const pool = await this.pool(poolId);
    const since = new Date(this.d.clock.now().getTime() - (SUGGEST_DAYS - 1) * 86_400_000).toISOString().slice(0, 10);
    const ranked = rankQueries(await queryTotals(this.d.db, poolId, since, CANDIDATES));
    const existing = new Map((await this.d.recordRules.list({ poolId })).map((r) => [r.record, r]));
    const items: SuggestionItem[] = [];
    const passed: SuggestionReport['passed'] = [];
    for (const q of ranked.slice(0, MAX_ANALYZED)) {
      if (items.length >= limit) break;
      // Each query is parsed in a turn of its own: the answer may take longer, nothing else waits.
      await nextTurn();
      const analysis = suggestRecordRules(q.query);
      if (!analysis.ok) {
        if (passed.length < limit) passed.push({ query: q.query, runs: q.runs, avgSeconds: q.avgSeconds, reason: analysis.reason, say: analysis.say });
        continue;
      }
      analysis.suggestions.forEach((s, index) => {
        const rule = existing.get(s.record);
        items.push({
          ...s,
          query: q.query,
          hash: q.hash.slice(0, HASH_PREFIX),
          index,
          runs: q.runs,
          avgSeconds: q.avgSeconds,
          maxSeconds: q.maxExecSeconds,
          samples: q.samples,
          score: q.score,
          existing: rule ? { id: rule.id, sameExpr: rule.expr.trim() === s.expr.trim() } : null,
        });
      });
    }
    return { pool, since, repeated: ranked.length, items: items.slice(0, limit), passed };
  }

  /**
   * Creates the record rule of a suggestion (a query by its hash prefix, and which of its
   * aggregations). One that exists already with the same expression is answered as it is.
   */
  async accept(poolId: number, hashPrefix: string, index: number, actor: Actor): Promise<{ rule: RecordRule; created: boolean; suggestion: RecordSuggestion }> {
    await this.pool(poolId);
    const logged = await queryByHash(this.d.db, poolId, hashPrefix);
    if (!logged) throw notFound('logged query', hashPrefix);
    const analysis = suggestRecordRules(logged.query);
    const suggestion = analysis.ok ? analysis.suggestions[index] : undefined;
    if (!suggestion) throw fieldError('index', 'suggest.err.noSuggestion', { index });
    const same = (await this.d.recordRules.list({ poolId })).find((r) => r.record === suggestion.record);
    if (same && same.expr.trim() === suggestion.expr.trim()) return { rule: same, created: false, suggestion };
    if (same) throw userError({ code: 'conflict', details: { ruleId: same.id } }, 'suggest.err.nameTaken', { id: same.id, record: suggestion.record });
    const rule = await this.d.recordRules.create({ poolId, record: suggestion.record, expr: suggestion.expr }, actor);
    return { rule, created: true, suggestion };
  }

  private async pool(poolId: number): Promise<{ id: number; name: string }> {
    const row = await this.d.db('scrape_pools').where({ id: poolId }).first('id', 'name');
    if (!row) throw notFound('scrape pool', poolId);
    return { id: row.id, name: row.name };
  }
}
