import type { Say } from '../core/errors';
import { saidBoth, type MessageKey, type ParamsArg } from '../i18n';
import type { SyntaxNode } from '@lezer/common';
import { METRIC_NAME } from '../core/names';
import { validatePromql } from './promql';
import { parsePromqlTree } from './promql-parse';

/**
 * Record rules that would pre-aggregate the heavy part of a query (/rules suggest), found in
 * the query's syntax tree. Only what is safe to pre-aggregate is suggested: an aggregation
 * (sum, avg, min, max, count, group, stddev, stdvar; nested ones too) directly over one range
 * function (rate, increase, *_over_time, …) of one selector with a plain range, with no
 * `offset`, `@` or subquery inside. Recording exactly that expression gives, at each
 * evaluation, exactly the values the query computes, so the query with the aggregation
 * replaced by the recorded series answers the same (its series carry the record's name).
 * Anything else (binary operations or other functions inside the aggregation, several
 * selectors, topk, quantile) is left alone: its pre-aggregation would change the answer or
 * has no honest name.
 *
 * Names follow Prometheus' `level:metric:operations` convention: `level` is the labels the
 * result keeps (`by (job, code)` → `job_code`; `without (instance)` → `without_instance`;
 * none: empty, so the name starts with `:`), `metric` the selected metric (its `_total`
 * dropped under rate, irate and increase), `operations` the newest first, `sum` left out
 * when there are others (`avg_rate5m`, `rate5m`).
 */

export interface RecordSuggestion {
  /** The record rule's name. */
  record: string;
  /** The aggregation as written in the query: the record rule's expression. */
  expr: string;
  /** The query with that aggregation replaced by the recorded series. */
  rewritten: string;
}

/** Not suggestable: `reason` in English (API, logs), `say` the same in the bot's catalogue. */
export type QueryAnalysis = { ok: true; suggestions: RecordSuggestion[] } | { ok: false; reason: string; say: Say };

const passOver = <K extends MessageKey>(key: K, ...params: ParamsArg<K>): QueryAnalysis => {
  const { english, say } = saidBoth(key, ...params);
  return { ok: false, reason: english, say };
};

const AGGREGATIONS = new Set(['sum', 'avg', 'min', 'max', 'count', 'group', 'stddev', 'stdvar']);
const RANGE_FUNCTIONS = new Set([
  'rate', 'irate', 'increase', 'delta', 'idelta', 'deriv', 'changes', 'resets',
  'avg_over_time', 'min_over_time', 'max_over_time', 'sum_over_time', 'count_over_time',
  'stddev_over_time', 'stdvar_over_time', 'last_over_time', 'present_over_time',
]);
/** Counters lose `_total` in a record's name once a rate has been taken (Prometheus' naming guide). */
const COUNTER_RATES = new Set(['rate', 'irate', 'increase']);

export function suggestRecordRules(query: string): QueryAnalysis {
  const check = validatePromql(query);
  if (!check.valid) return passOver('suggest.reason.invalid', { error: check.error ?? '' });
  const tree = parsePromqlTree(query);
  const text = (n: SyntaxNode) => query.slice(n.from, n.to);
  const found: { node: SyntaxNode; record: string }[] = [];
  const visit = (node: SyntaxNode): void => {
    if (node.name === 'AggregateExpr') {
      const record = recordName(node, text);
      if (record) {
        found.push({ node, record });
        return; // the outermost aggregation that qualifies: record it whole
      }
    }
    for (let c = node.firstChild; c; c = c.nextSibling) visit(c);
  };
  visit(tree.topNode);
  if (!found.length) return passOver('suggest.reason.nothing');
  const byExpr = new Map<string, { record: string; spans: [number, number][] }>();
  for (const f of found) {
    const expr = text(f.node);
    const entry = byExpr.get(expr) ?? { record: f.record, spans: [] };
    entry.spans.push([f.node.from, f.node.to]);
    byExpr.set(expr, entry);
  }
  const suggestions = [...byExpr]
    .map(([expr, { record, spans }]) => ({ record, expr, rewritten: replaceSpans(query, spans, record) }))
    // Defensive: a rewrite that would not parse is never offered.
    .filter((s) => validatePromql(s.rewritten).valid);
  return suggestions.length ? { ok: true, suggestions } : passOver('suggest.reason.nothing');
}

/** The record name for an aggregation that may be recorded, or null. */
function recordName(agg: SyntaxNode, text: (n: SyntaxNode) => string): string | null {
  const ops: string[] = [];
  let level: string | null = null;
  let node: SyntaxNode | null = agg;
  // Aggregations, possibly nested (in parentheses), down to the range function.
  while (node && (node.name === 'AggregateExpr' || node.name === 'ParenExpr')) {
    if (node.name === 'ParenExpr') {
      node = only(node);
      continue;
    }
    const op = text(node.getChild('AggregateOp') ?? node).toLowerCase();
    if (!AGGREGATIONS.has(op)) return null;
    ops.push(op);
    if (level === null) level = levelOf(node, text);
    const args = expressions(node.getChild('FunctionCallBody'));
    if (args.length !== 1) return null;
    node = args[0]!;
  }
  if (!node || node.name !== 'FunctionCall' || level === null) return null;
  const fn = text(node.getChild('FunctionIdentifier') ?? node);
  if (!RANGE_FUNCTIONS.has(fn)) return null;
  const args = expressions(node.getChild('FunctionCallBody'));
  const matrix = args.length === 1 ? args[0]! : null;
  if (matrix?.name !== 'MatrixSelector') return null;
  const range = matrix.getChild('DurationExpr');
  const literal = range && only(range);
  if (!literal || literal.name !== 'NumberDurationLiteralInDurationContext' || !/^[0-9a-z]+$/.test(text(literal))) return null;
  const selector = matrix.getChild('VectorSelector');
  const identifier = selector?.getChild('Identifier');
  if (!identifier) return null;
  const metric = COUNTER_RATES.has(fn) ? text(identifier).replace(/_total$/, '') : text(identifier);
  const operations = [...ops.filter((o) => o !== 'sum'), `${fn}${text(literal)}`].join('_');
  const name = `${level}:${metric}:${operations}`;
  return METRIC_NAME.test(name) && name.length <= 200 ? name : null;
}

/** `by (a, b)` → `a_b`; `without (x)` → `without_x`; none → ''. */
function levelOf(agg: SyntaxNode, text: (n: SyntaxNode) => string): string {
  const modifier = agg.getChild('AggregateModifier');
  if (!modifier) return '';
  const labels = (modifier.getChild('GroupingLabels')?.getChildren('LabelName') ?? []).map(text);
  return modifier.getChild('Without') ? ['without', ...labels].join('_') : labels.join('_');
}

/** The expression children of a node (comments left out). */
function expressions(node: SyntaxNode | null): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node?.firstChild ?? null; c; c = c.nextSibling) if (c.type.is('Expr') || c.name === 'MatrixSelector') out.push(c);
  return out;
}

function only(node: SyntaxNode): SyntaxNode | null {
  const kids = expressions(node);
  if (kids.length === 1) return kids[0]!;
  // A duration holds one child that is not an expression. (Lezer hands out a new object for
  // each lookup, so nodes compare by position.)
  const first = node.firstChild;
  return first && !first.nextSibling ? first : null;
}

const WORD = /[\w:]/;

/** The query with each span replaced by the name, set apart by a space where a word would otherwise run on (`…)and up`). */
function replaceSpans(query: string, spans: [number, number][], name: string): string {
  let out = '';
  let at = 0;
  for (const [from, to] of [...spans].sort((a, b) => a[0] - b[0])) {
    const before = WORD.test(query[from - 1] ?? '') ? ' ' : '';
    const after = WORD.test(query[to] ?? '') ? ' ' : '';
    out += query.slice(at, from) + before + name + after;
    at = to;
  }
  return out + query.slice(at);
}
