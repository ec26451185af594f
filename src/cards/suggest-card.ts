import { clip } from '../core/text';
import type { Say } from '../core/errors';
import { sayText, t, type Locale } from '../i18n';
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
  passed: { query: string; runs: number; avgSeconds: number; reason: string; say: Say }[];
  /** Editors get the buttons. */
  editable: boolean;
  /** The record rule a click just created (or found). */
  accepted?: { ruleId: number; record: string; rewritten: string; created: boolean } | null;
  locale: Locale;
}

const seconds = (s: number) => (s >= 10 ? `${s.toFixed(0)} s` : s >= 0.1 ? `${s.toFixed(2)} s` : `${(s * 1000).toFixed(1)} ms`);
const count = (n: number) => (n >= 1e9 ? `${(n / 1e9).toFixed(1)}G` : n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : String(n));
const QUERY_SHOWN = 300;

function item(s: SuggestionView, i: number, input: SuggestCardInput): Element[] {
  const L = input.locale;
  const lines = [
    t(L, 'suggest.head', { n: i + 1, record: escLine(s.record), runs: s.runs, avg: seconds(s.avgSeconds), samples: count(s.samples) }),
    t(L, 'suggest.query', { query: escLine(clip(s.query, QUERY_SHOWN)) }),
    t(L, 'suggest.record', { expr: escLine(clip(s.expr, QUERY_SHOWN)) }),
    t(L, 'suggest.then', { query: escLine(clip(s.rewritten, QUERY_SHOWN)) }),
  ];
  const out: Element[] = [md(lines.join('\n'))];
  if (s.existing?.sameExpr) out.push(note(t(L, 'suggest.recordedAlready', { id: s.existing.id })));
  else if (s.existing) out.push(note(t(L, 'suggest.nameTaken', { id: s.existing.id, record: escLine(s.record) })));
  else if (input.editable) {
    const confirm: [string, string] = [t(L, 'suggest.confirmTitle'), t(L, 'suggest.confirmText', { record: s.record, pool: input.pool.name })];
    out.push(button(t(L, 'suggest.create'), { a: 'rule_suggest', p: input.pool.id, q: s.hash, k: s.index }, { type: 'primary', confirm }));
  }
  return out;
}

/** `/rules suggest`: record rules for a pool's heaviest repeated queries, one click each. */
export function suggestCard(input: SuggestCardInput): Card {
  // Long queries escape to several times their length: as many suggestions as fit in a card.
  return fitCount(input.items.length, (n) => build(input, n));
}

function build(input: SuggestCardInput, shown: number): Card {
  const L = input.locale;
  const elements: Element[] = [];
  const a = input.accepted;
  if (a) {
    const what = t(L, a.created ? 'suggest.created' : 'suggest.exists', { id: a.ruleId, record: escLine(a.record) });
    elements.push(md(`<font color='green'>**${what}**</font>\n${t(L, 'suggest.queryInstead', { query: esc(clip(a.rewritten, 1000)) })}`));
  }
  input.items.slice(0, shown).forEach((s, i) => {
    if (i) elements.push(hr());
    elements.push(...item(s, i, input));
  });
  if (shown < input.items.length) elements.push(note(t(L, 'suggest.more', { count: input.items.length - shown, pool: input.pool.id })));
  if (!input.items.length) {
    elements.push(
      md(
        input.repeated
          ? t(L, 'suggest.noneSafe', { count: input.repeated })
          : t(L, 'suggest.noQueries', { pool: escLine(input.pool.name), since: input.since }),
      ),
    );
  }
  if (input.passed.length) {
    const row = (p: SuggestCardInput['passed'][number]) =>
      t(L, 'suggest.passedRow', { query: escLine(clip(p.query, 120)), runs: p.runs, avg: seconds(p.avgSeconds), reason: escLine(clip(sayText(L, p.say), 160)) });
    elements.push(note([t(L, 'suggest.passed'), ...input.passed.slice(0, 3).map(row)].join('\n')));
  }
  elements.push(note(t(L, 'suggest.ranking', { since: input.since })));
  const title = t(L, 'suggest.title', { pool: input.pool.name });
  return card(header(input.items.length ? 'turquoise' : 'grey', title, t(L, 'suggest.count', { count: input.items.length })), elements);
}
