import { clip } from '../core/text';
import { button, card, esc, escLine, fitCount, header, hr, md, note, type Card, type Element } from './card';

export interface SuggestionView {
  record: string;
  expr: string;
  rewritten: string;
  query: string;
  /** The query's hash prefix and which of its suggestions: what the button sends back. */
  hash: string;
  index: number;
  runs: number;
  avgSeconds: number;
  samples: number;
  existing: { id: number; sameExpr: boolean } | null;
}

export interface SuggestCardInput {
  pool: { id: number; name: string };
  since: string;
  /** Queries run repeatedly in the window. */
  repeated: number;
  items: SuggestionView[];
  /** Heavy queries with nothing safe to pre-aggregate. */
  passed: { query: string; runs: number; avgSeconds: number; reason: string }[];
  /** Editors get the buttons. */
  editable: boolean;
  /** The record rule a click just created (or found). */
  accepted?: { ruleId: number; record: string; rewritten: string; created: boolean } | null;
}

const seconds = (s: number) => (s >= 10 ? `${s.toFixed(0)} s` : s >= 0.1 ? `${s.toFixed(2)} s` : `${(s * 1000).toFixed(1)} ms`);
const count = (n: number) => (n >= 1e9 ? `${(n / 1e9).toFixed(1)}G` : n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : String(n));
const QUERY_SHOWN = 300;

function item(s: SuggestionView, i: number, input: SuggestCardInput): Element[] {
  const lines = [
    `**${i + 1}. ${escLine(s.record)}** · ${s.runs} runs · ${seconds(s.avgSeconds)} on average · ${count(s.samples)} samples`,
    `**Query:** ${escLine(clip(s.query, QUERY_SHOWN))}`,
    `**Record:** ${escLine(clip(s.expr, QUERY_SHOWN))}`,
    `**Then query:** ${escLine(clip(s.rewritten, QUERY_SHOWN))}`,
  ];
  const out: Element[] = [md(lines.join('\n'))];
  if (s.existing?.sameExpr) out.push(note(`Recorded already by record rule #${s.existing.id}: use the query above.`));
  else if (s.existing) out.push(note(`Record rule #${s.existing.id} is already named ${escLine(s.record)} and records something else: rename one through the API to record this.`));
  else if (input.editable) {
    out.push(
      button('Create record rule', { a: 'rule_suggest', p: input.pool.id, q: s.hash, k: s.index }, {
        type: 'primary',
        confirm: ['Create the record rule?', `${s.record} in pool ${input.pool.name}, evaluated on one of its instances from the next publish.`],
      }),
    );
  }
  return out;
}

/** `/rules suggest`: record rules for a pool's heaviest repeated queries, one click each. */
export function suggestCard(input: SuggestCardInput): Card {
  // Long queries escape to several times their length: as many suggestions as fit in a card.
  return fitCount(input.items.length, (n) => build(input, n));
}

function build(input: SuggestCardInput, shown: number): Card {
  const elements: Element[] = [];
  const a = input.accepted;
  if (a) {
    const what = a.created ? `Created record rule #${a.ruleId} ${escLine(a.record)}; publishing.` : `Record rule #${a.ruleId} ${escLine(a.record)} exists already.`;
    elements.push(md(`<font color='green'>**${what}**</font>\nQuery it instead: ${esc(clip(a.rewritten, 1000))}`));
  }
  input.items.slice(0, shown).forEach((s, i) => {
    if (i) elements.push(hr());
    elements.push(...item(s, i, input));
  });
  if (shown < input.items.length) elements.push(note(`… and ${input.items.length - shown} more: GET /api/v1/rule-suggestions?poolId=${input.pool.id}`));
  if (!input.items.length) {
    elements.push(
      md(
        input.repeated
          ? `None of the ${input.repeated} repeated queries has an aggregation that is safe to pre-aggregate.`
          : `No query logged for pool ${escLine(input.pool.name)} ran repeatedly since ${input.since}. Set the pool's queryLogFile and run scripts/push-query-log.sh beside each of its Prometheus instances.`,
      ),
    );
  }
  if (input.passed.length) {
    const lines = input.passed.slice(0, 3).map((p) => `${escLine(clip(p.query, 120))} · ${p.runs} runs · ${seconds(p.avgSeconds)}: ${escLine(clip(p.reason, 160))}`);
    elements.push(note(['Heavy, but nothing safe to pre-aggregate:', ...lines].join('\n')));
  }
  elements.push(
    note(
      `Ranked by share of query time plus share of samples read, queries run 3 times or more since ${input.since} (UTC). ` +
        'Only an aggregation (sum, avg, min, max, count, group, stddev, stdvar) of a range function over one selector is suggested: ' +
        'recording it gives the same values the query computes.',
    ),
  );
  return card(header(input.items.length ? 'turquoise' : 'grey', `Query acceleration: ${input.pool.name}`, `${input.items.length} suggestion(s)`), elements);
}
