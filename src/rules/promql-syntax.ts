import type { SyntaxNode, Tree } from '@lezer/common';

/** A problem found in an expression; `from`/`to` are offsets into its text. */
export interface PromqlIssue {
  message: string;
  from: number;
  to: number;
}

/** True when the text holds nothing but whitespace and `#` comments. */
export function isBlank(text: string): boolean {
  return text.split('\n').every((line) => {
    const t = line.trimStart();
    return t === '' || t.startsWith('#');
  });
}

/** 1-based line and column of an offset (columns count UTF-16 code units, like the offsets). */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * The first error node of the tree, turned into a message close to what Prometheus says.
 * Lezer recovers from every error, so an error node either wraps the tokens it skipped or is
 * empty where a token was missing.
 */
export function firstSyntaxError(tree: Tree, text: string): { issue: PromqlIssue; node: SyntaxNode } | null {
  let found: SyntaxNode | null = null;
  tree.iterate({
    enter: (n) => {
      if (found) return false;
      if (n.type.isError) found = n.node;
      return undefined;
    },
  });
  const node = found as SyntaxNode | null;
  if (!node) return null;
  if (node.from === node.to && isBlank(text.slice(node.from))) return { issue: endOfInput(text), node };
  // The grammar knows every function by name, so an unknown one reads as a metric name
  // followed by a stray "(".
  const before = node.prevSibling;
  if (before?.name === 'Identifier' && node.parent?.name === 'VectorSelector' && text.slice(node.from).trimStart().startsWith('(')) {
    const message = `unknown function with name ${JSON.stringify(text.slice(before.from, before.to))}`;
    return { issue: { message, from: before.from, to: before.to }, node };
  }
  const token = node.from === node.to ? nextToken(text, node.from) : { from: node.from, to: node.to };
  const where = context(node);
  const shown = text.slice(token.from, token.to).trim();
  const message = `unexpected ${JSON.stringify(shown.length > 40 ? `${shown.slice(0, 40)}…` : shown)}${where ? ` in ${where}` : ''}`;
  return { issue: { message, from: token.from, to: token.to }, node };
}

function endOfInput(text: string): PromqlIssue {
  const { open, end } = scanBrackets(text);
  let message = 'unexpected end of expression';
  if (open) {
    const { line, column } = lineColumn(text, open.at);
    const what = /[([{]/.test(open.char) ? `unclosed "${open.char}"` : 'unterminated string';
    message += `: ${what} at line ${line}, column ${column}`;
  }
  return { message, from: end, to: end };
}

/**
 * The innermost bracket or quote still open at the end of the text, and where the last token
 * ends (past it come only whitespace and comments).
 */
function scanBrackets(text: string): { open: { char: string; at: number } | null; end: number } {
  const open: { char: string; at: number }[] = [];
  let end = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (c === '#') {
      i = text.indexOf('\n', i);
      if (i < 0) break;
    } else if (c === '"' || c === "'" || c === '`') {
      const close = closingQuote(text, i);
      if (close < 0) return { open: { char: c, at: i }, end: text.trimEnd().length };
      end = close + 1;
      i = close;
    } else if (/\S/.test(c)) {
      end = i + 1;
      if (c === '(' || c === '[' || c === '{') open.push({ char: c, at: i });
      else if (c === ')' || c === ']' || c === '}') open.pop();
    }
  }
  return { open: open.at(-1) ?? null, end };
}

/** Offset of the quote closing the string that opens at `start`, or -1 when it never closes. */
export function closingQuote(text: string, start: number): number {
  const quote = text.charAt(start);
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charAt(i);
    if (c === quote) return i;
    if (c === '\\' && quote !== '`') i++;
  }
  return -1;
}

const TOKEN = /\s*("(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?|`[^`]*`?|[\w:.]+|[=!<>]=|=~|!~|\S)/y;

function nextToken(text: string, at: number): { from: number; to: number } {
  TOKEN.lastIndex = at;
  const m = TOKEN.exec(text);
  if (!m?.[1]) return { from: at, to: at };
  const to = at + m[0].length;
  return { from: to - m[1].length, to };
}

// Named after Prometheus' own wording ("unexpected identifier in aggregation", ...).
const CONTEXT: Record<string, string> = {
  LabelMatchers: 'label matching',
  UnquotedLabelMatcher: 'label matching',
  QuotedLabelMatcher: 'label matching',
  AggregateExpr: 'aggregation',
  GroupingLabels: 'grouping labels',
  MatchingModifierClause: 'vector matching',
  FunctionCall: 'function call',
  MatrixSelector: 'range selector',
  SubqueryExpr: 'subquery',
  OffsetExpr: 'offset',
  ParenExpr: 'parentheses',
  BinaryExpr: 'binary expression',
};

function context(node: SyntaxNode): string | undefined {
  for (let n = node.parent; n; n = n.parent) {
    const where = CONTEXT[n.name];
    if (where) return where;
  }
  return undefined;
}
