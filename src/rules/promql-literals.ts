import type { SyntaxNode, Tree } from '@lezer/common';
import { re2SyntaxError } from '../core/re2';
import type { PromqlIssue } from './promql-syntax';

/** A decoded string literal, or where its escape sequence went wrong (offsets into the literal). */
export type DecodedString = { value: string } | { error: string; from: number; to: number };

const SIMPLE_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };
// Digits to read, base and largest value, as in Prometheus' lexer (lexEscape).
const NUMERIC_ESCAPES: Record<string, [number, number, number]> = { x: [2, 16, 0xff], u: [4, 16, 0x10ffff], U: [8, 16, 0x10ffff] };

/**
 * Decodes a PromQL string literal, quotes included, by Go's rules as Prometheus' lexer applies
 * them: backquoted strings are raw, others know `\a \b \f \n \r \t \v \\`, their own quote,
 * `\ooo`, `\xhh`, `\uhhhh` and `\Uhhhhhhhh`. The grammar lets any escape through; Prometheus
 * refuses the expression for an unknown one, which users hit when they write `"\d+"`.
 * (Go turns `\ooo` and `\xhh` into raw bytes; here they become code points, which is all the
 * checks need.)
 */
export function decodeStringLiteral(raw: string): DecodedString {
  const quote = raw.charAt(0);
  if (raw.length < 2 || raw.charAt(raw.length - 1) !== quote) return { error: 'unterminated quoted string', from: 0, to: raw.length };
  const body = raw.slice(1, -1);
  if (quote === '`') return { value: body };
  let value = '';
  for (let i = 0; i < body.length; i++) {
    const c = body.charAt(i);
    if (c !== '\\') {
      value += c;
      continue;
    }
    const e = body.charAt(i + 1);
    const at = i + 1; // offset of the backslash in `raw`
    const simple = e === quote ? quote : SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      value += simple;
      i++;
      continue;
    }
    const octal = e >= '0' && e <= '7';
    const [digits, base, max] = octal ? [3, 8, 0xff] : (NUMERIC_ESCAPES[e] ?? [0, 0, 0]);
    if (!digits) return { error: `unknown escape sequence \`\\${e}\``, from: at, to: at + 2 };
    const first = octal ? i + 1 : i + 2;
    const end = first + digits;
    const sequence = body.slice(i, end);
    const span = { from: at, to: at + sequence.length };
    const number = body.slice(first, end);
    if (number.length < digits || !(octal ? /^[0-7]+$/ : /^[0-9A-Fa-f]+$/).test(number)) {
      return { error: `invalid escape sequence \`${sequence}\``, ...span };
    }
    const code = parseInt(number, base);
    if (code > max || (code >= 0xd800 && code < 0xe000)) return { error: `escape sequence \`${sequence}\` is an invalid Unicode code point`, ...span };
    value += String.fromCodePoint(code);
    i = end - 1;
  }
  return { value };
}

const REGEX_OPS = new Set(['EqlRegex', 'NeqRegex']);

/**
 * The first string literal with a bad escape, or label matcher with a regex Go cannot compile:
 * checks Prometheus makes while parsing that the codemirror checker leaves out.
 */
export function firstLiteralError(tree: Tree, text: string): PromqlIssue | null {
  let issue: PromqlIssue | null = null;
  tree.iterate({
    enter: (n) => {
      if (issue) return false;
      if (n.name === 'StringLiteral') issue = checkString(n.node, text);
      return undefined;
    },
  });
  return issue;
}

function checkString(node: SyntaxNode, text: string): PromqlIssue | null {
  const decoded = decodeStringLiteral(text.slice(node.from, node.to));
  if ('error' in decoded) return { message: decoded.error, from: node.from + decoded.from, to: node.from + decoded.to };
  const op = node.prevSibling;
  if (op?.name !== 'MatchOp' || !REGEX_OPS.has(op.firstChild?.name ?? '')) return null;
  const error = re2SyntaxError(decoded.value, 'matcher');
  const shown = decoded.value.length > 60 ? `${decoded.value.slice(0, 60)}…` : decoded.value;
  return error ? { message: `invalid regular expression \`${shown}\`: ${error}`, from: node.from, to: node.to } : null;
}
