import { clip } from '../core/text';
import type { CardAction, CardActionAwaitingOption } from './actions';
import type { Chart } from './chart';

export {
  cardActionSchema,
  parseCardAction,
  SILENCE_DURATIONS,
  type CardAction,
  type CardActionAwaitingOption,
  type CardActionName,
  type SilenceDuration,
} from './actions';

/**
 * Feishu card JSON 2.0: the subset promduty uses, typed, plus the helpers every card is built
 * from. Builders are pure: plain data in, a Card out; sending and updating live in src/feishu.
 */

export type Template =
  | 'blue' | 'wathet' | 'turquoise' | 'green' | 'yellow' | 'orange' | 'red'
  | 'carmine' | 'violet' | 'purple' | 'indigo' | 'grey';
export type TagColor =
  | 'neutral' | 'blue' | 'turquoise' | 'lime' | 'orange' | 'violet' | 'indigo'
  | 'wathet' | 'green' | 'yellow' | 'red' | 'purple' | 'carmine';

export interface PlainText { tag: 'plain_text'; content: string }
export interface TextTag { tag: 'text_tag'; text: PlainText; color: TagColor }
export interface Header { template: Template; title: PlainText; subtitle?: PlainText; text_tag_list?: TextTag[] }

export interface Markdown {
  tag: 'markdown';
  content: string;
  text_size?: 'normal' | 'notation' | 'heading';
  text_align?: 'left' | 'center' | 'right';
}
export interface Hr { tag: 'hr' }
export type Behavior =
  | { type: 'callback'; value: CardAction | CardActionAwaitingOption }
  | { type: 'open_url'; default_url: string };
export type ButtonType = 'default' | 'primary' | 'danger' | 'primary_filled' | 'danger_filled';
export interface Button {
  tag: 'button';
  text: PlainText;
  type: ButtonType;
  size?: 'tiny' | 'small' | 'medium';
  name?: string;
  form_action_type?: 'submit';
  confirm?: { title: PlainText; text: PlainText };
  behaviors: Behavior[];
}
export interface Option { text: PlainText; value: string }
export interface SelectStatic {
  tag: 'select_static';
  name?: string;
  placeholder: PlainText;
  options: Option[];
  initial_option?: string;
  required?: boolean;
  width?: 'default' | 'fill';
  behaviors?: Behavior[];
}
export interface SelectPerson {
  tag: 'select_person';
  name: string;
  placeholder: PlainText;
  options?: { value: string }[];
  required?: boolean;
  width?: 'default' | 'fill';
}
export interface DatePicker {
  tag: 'date_picker';
  name: string;
  placeholder: PlainText;
  initial_date?: string;
  required?: boolean;
  width?: 'default' | 'fill';
}
export interface Input {
  tag: 'input';
  name: string;
  label: PlainText;
  label_position: 'top';
  placeholder?: PlainText;
  default_value?: string;
  input_type?: 'text' | 'multiline_text';
  rows?: number;
  max_length: number;
  required?: boolean;
  width: 'fill';
}
export interface Form { tag: 'form'; name: string; elements: Element[] }
export interface Column {
  tag: 'column';
  width: 'auto' | 'weighted';
  weight?: number;
  vertical_align?: 'top' | 'center';
  elements: Element[];
}
export interface ColumnSet {
  tag: 'column_set';
  flex_mode: 'none' | 'flow' | 'bisect';
  horizontal_spacing?: 'small' | 'medium';
  columns: Column[];
}
export type Element = Markdown | Hr | Button | SelectStatic | SelectPerson | DatePicker | Input | Form | ColumnSet | Chart;

export interface Card {
  schema: '2.0';
  config: { update_multi: true; summary?: { content: string } };
  header: Header;
  body: { elements: Element[] };
}

/** A person as cards show them: the open_id, when known, turns the name into a mention. */
export interface Person { name: string; openId?: string | null }

// ---- building blocks ----

export const text = (content: string): PlainText => ({ tag: 'plain_text', content });
export const textTag = (label: string, color: TagColor): TextTag => ({ tag: 'text_tag', text: text(label), color });

export function header(template: Template, title: string, subtitle?: string, tags?: TextTag[]): Header {
  const h: Header = { template, title: text(clip(title, 120)) };
  if (subtitle) h.subtitle = text(clip(subtitle, 120));
  if (tags?.length) h.text_tag_list = tags;
  return h;
}

/** `summary` is the chat-list preview line. */
export function card(head: Header, elements: Element[], summary?: string): Card {
  const config: Card['config'] = { update_multi: true };
  if (summary) config.summary = { content: clip(summary, 120) };
  return { schema: '2.0', config, header: head, body: { elements } };
}

/** Markdown content is trusted: pass user text through `esc` / `escLine` first. */
export function md(content: string, textSize?: Markdown['text_size']): Markdown {
  return textSize ? { tag: 'markdown', content, text_size: textSize } : { tag: 'markdown', content };
}
export const note = (content: string): Markdown => md(content, 'notation');
export const hr = (): Hr => ({ tag: 'hr' });

export function button(
  label: string,
  action: CardAction,
  opts: { type?: ButtonType; confirm?: [title: string, body: string] } = {},
): Button {
  const b: Button = { tag: 'button', text: text(label), type: opts.type ?? 'default', behaviors: [{ type: 'callback', value: action }] };
  if (opts.confirm) b.confirm = { title: text(opts.confirm[0]), text: text(opts.confirm[1]) };
  return b;
}

export function linkButton(label: string, url: string): Button {
  return { tag: 'button', text: text(label), type: 'default', behaviors: [{ type: 'open_url', default_url: url }] };
}

export const option = (label: string, value: string): Option => ({ text: text(label), value });

/** Controls side by side, wrapping onto the next line on narrow (mobile) screens. */
export function row(items: Element[]): ColumnSet {
  return {
    tag: 'column_set',
    flex_mode: 'flow',
    horizontal_spacing: 'small',
    columns: items.map((el) => ({ tag: 'column', width: 'auto', elements: [el] })),
  };
}

/** Label/value pairs two per line; values are markdown (escape user text before). */
export function fields(pairs: Array<[label: string, value: string]>): ColumnSet[] {
  const rows: ColumnSet[] = [];
  for (let i = 0; i < pairs.length; i += 2) {
    rows.push({
      tag: 'column_set',
      flex_mode: 'bisect',
      horizontal_spacing: 'medium',
      columns: pairs.slice(i, i + 2).map(([label, value]) => ({
        tag: 'column',
        width: 'weighted',
        weight: 1,
        elements: [md(`**${esc(label)}**\n${value}`)],
      })),
    });
  }
  return rows;
}

// ---- escaping ----

/*
 * User text (label values, annotations, names, rule expressions) goes into `markdown`
 * elements, where Feishu would otherwise render `<at id=all></at>` as a mention of everyone,
 * `[text](url)` or `<a>`/`<link>` as a disguised link, and `*`, `_`, `~`, `` ` ``, `#`, `|` as
 * formatting. `esc` replaces each of `& < > * _ ~ \` [ ] ( ) # | \ $` with its HTML entity,
 * which Feishu's markdown decodes back to the literal character (the escaping Feishu
 * documents for its markdown). Without `<` no tag (mention, font, link, person) can open, and
 * without `[ ] ( )` no markdown link can form. Bare URLs may still be auto-linked, but they
 * show their real target. plain_text fields (titles, button labels) are not parsed at all
 * and need no escaping.
 */
const ENTITIES: Record<string, string> = {
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '*': '&#42;', _: '&#95;', '~': '&#126;', '`': '&#96;',
  '[': '&#91;', ']': '&#93;', '(': '&#40;', ')': '&#41;', '#': '&#35;', '|': '&#124;', '\\': '&#92;', $: '&#36;',
};
const SPECIAL = /[&<>*_~`[\]()#|\\$]/g;

/** Escape user text for a markdown element; newlines are kept. */
export const esc = (s: string): string => s.replace(SPECIAL, (c) => ENTITIES[c]!);

/**
 * Escape user text that must stay on one line (list rows, table cells, field values): each
 * whitespace run holding a line break becomes one space. (A single regex, whitespace, line
 * breaks, whitespace, backtracked quadratically over long runs of spaces: 0.7 s for 30,000 in
 * an alert's annotation.)
 */
export const escLine = (s: string): string => esc(s.replace(/\s+/g, (run) => (/[\r\n]/.test(run) ? ' ' : run)));

const OPEN_ID = /^ou_[A-Za-z0-9_-]+$/;

/** The name in bold, without notifying anyone. */
export const nameOf = (p: Person): string => `**${escLine(p.name)}**`;

/** `<at>` the person when their open_id is known (it notifies them), else their name. */
export function mention(p: Person): string {
  return p.openId && OPEN_ID.test(p.openId) ? `<at id=${p.openId}></at>` : nameOf(p);
}

/** A markdown link, only for http(s) URLs; characters that would end the link are encoded. */
export function mdLink(label: string, url: string | null | undefined): string | null {
  if (!url) return null;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  // URL already percent-encodes spaces and angle brackets; parentheses would end the link.
  const href = u.href.replace(/[()]/g, (c) => (c === '(' ? '%28' : '%29'));
  return `[${escLine(label)}](${href})`;
}

// ---- size ----

/**
 * Feishu refuses a card over 30 KB (code 230025). The card travels as a JSON *string* inside
 * the send request (`content`), where every quote and backslash is escaped, so that is what we
 * measure; 28 KB leaves room for the rest of the request body.
 */
export const CARD_MAX_BYTES = 28 * 1024;
export const cardBytes = (c: Card): number => Buffer.byteLength(JSON.stringify(JSON.stringify(c)));

/**
 * The card showing as many items as fit: `build(n)` must grow with n. If not even `build(0)`
 * fits, it is returned anyway: callers clip every other field so that cannot happen. Sizes
 * grow about linearly with n, so the search interpolates between the largest count known to
 * fit and the smallest known not to (every other step halves instead, which bounds the worst
 * case): a digest of a thousand alerts costs a handful of builds, not log2(n) of them.
 */
export function fitCount(max: number, build: (n: number) => Card): Card {
  const sized = (n: number) => {
    const c = build(n);
    return { n, c, bytes: cardBytes(c) };
  };
  let hi = sized(max);
  if (hi.bytes <= CARD_MAX_BYTES) return hi.c;
  let lo = sized(0);
  // Interpolate while that at least halves the range every two builds; bisect when it does not.
  const widths = [Infinity, Infinity];
  while (hi.n - lo.n > 1) {
    const slow = hi.n - lo.n > widths[widths.length - 2]! / 2;
    const guess = slow ? (lo.n + hi.n) >> 1 : lo.n + Math.floor(((hi.n - lo.n) * (CARD_MAX_BYTES - lo.bytes)) / Math.max(1, hi.bytes - lo.bytes));
    const mid = sized(Math.min(hi.n - 1, Math.max(lo.n + 1, guess)));
    if (mid.bytes <= CARD_MAX_BYTES) lo = mid;
    else hi = mid;
    widths.push(slow ? Infinity : hi.n - lo.n);
  }
  return lo.c;
}
