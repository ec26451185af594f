import type { Tree } from '@lezer/common';
import { LanguageType, promQLLanguage } from '@prometheus-io/codemirror-promql';
import { closingQuote, lineColumn, type PromqlIssue } from './promql-syntax';

/**
 * How big an expression may be. Prometheus itself sets no limit: its yacc parser grows its
 * stack on the heap (generated_parser.y.go: yyInitialStackSize = 16, doubled as needed) and
 * checkAST recurses once per level on Go's growable stacks, and only the regexp package caps
 * nesting (1,000 levels, prometheus/prometheus#10397). Here every check runs on the event loop,
 * so both are bounded to keep the worst case (a full-length expression nested to the limit)
 * within the 50 ms that `npm run bench` measures. Real rules stay far below: the longest
 * kubernetes-mixin expression is about 1.5 KB and nests about 10 levels.
 */
export const PROMQL_LIMITS = {
  /** Characters in all. */
  maxLength: 16_384,
  /**
   * Characters outside string literals: what the parser and checker spend their time on (a
   * string, however long, is one token; a regex in one is checked in linear time). Lezer's
   * parse and the checker cost a few µs per token and node: the worst 6 KB (a balanced tree of
   * selectors) measured 22-30 ms of CPU on this shared 2-core box, 8 KB 30-38 ms; 4 KB keeps
   * the whole rule save (expression and templates) well inside 50 ms.
   */
  maxCode: 4_096,
  /** Nested expressions: each parenthesis, function call, aggregation, operator, range, subquery, offset or @ is a level. */
  maxDepth: 128,
} as const;

// Parsed with the Lezer parser codemirror-promql bundles, so node ids match its checker's.
// With small buffers: Lezer packs subtrees of up to 1,024 nodes into TreeBuffers, and every
// cursor over a node inside one rebuilds its path from the buffer's root (TreeCursor's
// constructor unshifts each ancestor), so the checker's child lookups cost O(depth²) each:
// 400 nested parentheses took 800 ms to check, 1,000 took 5 s. Buffers of 16 nodes cap that
// cost; no buffers at all (plain nodes only) made flat lists (`sum(a, b, …)`, many matchers)
// 3× slower to parse from the garbage the nodes make (measured on 8 KB inputs).
const RECOVERING = promQLLanguage(LanguageType.PromQL).parser.configure({ bufferLength: 16 });
const STRICT = RECOVERING.configure({ strict: true });
/**
 * Parser steps past the first error before a recovering parse stops. Lezer's error recovery
 * costs ~25 µs per bad character (16 KB of `)` took 460 ms) and only the first error is
 * reported; 16 steps settle how it recovers from that one (the first error's message was the
 * same as with a full parse for all of 20,000 generated broken expressions; with 3 steps, for
 * 97%).
 */
const STEPS_PAST_FIRST_ERROR = 16;

/**
 * The syntax tree of an expression. A valid expression is parsed once, strictly; a broken one
 * is parsed again with error recovery up to a little past its first error, so garbage costs
 * no more than a valid expression of the same length.
 */
export function parsePromqlTree(text: string): Tree {
  let firstError: number;
  try {
    return STRICT.parse(text);
  } catch (e) {
    const at = /^No parse at (\d+)$/.exec((e as Error).message)?.[1];
    if (at === undefined) throw e;
    firstError = Number(at);
  }
  const parse = RECOVERING.startParse(text);
  let steps = 0;
  for (;;) {
    const tree = parse.advance();
    if (tree) return tree;
    if (parse.parsedPos > firstError && ++steps === STEPS_PAST_FIRST_ERROR) parse.stopAt(parse.parsedPos);
  }
}

/** Too long, or brackets nested deeper than any expression within the limits can be; checked before parsing. */
export function sizeIssue(text: string): PromqlIssue | null {
  const { maxLength, maxCode, maxDepth } = PROMQL_LIMITS;
  if (text.length > maxLength) {
    return { message: `expression is ${text.length} characters long; at most ${maxLength} are allowed`, from: maxLength, to: text.length };
  }
  const scan = scanCode(text, maxDepth);
  if (scan.tooDeepAt >= 0) return tooDeep(text, scan.tooDeepAt);
  if (scan.code > maxCode) {
    return {
      message: `expression has ${scan.code} characters outside string literals; at most ${maxCode} are allowed (and ${maxLength} in all)`,
      from: 0,
      to: text.length,
    };
  }
  return null;
}

/** An expression nested deeper than the limit (operator chains count: `a + b + c` is 3 levels). */
export function depthIssue(tree: Tree, text: string): PromqlIssue | null {
  let depth = 0;
  let at = -1;
  tree.iterate({
    enter: (n) => {
      if (at >= 0) return false;
      if (!n.type.is('Expr')) return undefined;
      if (++depth > PROMQL_LIMITS.maxDepth) at = n.from;
      return undefined;
    },
    leave: (n) => {
      if (n.type.is('Expr')) depth--;
    },
  });
  return at < 0 ? null : tooDeep(text, at);
}

function tooDeep(text: string, at: number): PromqlIssue {
  const { line, column } = lineColumn(text, at);
  return {
    message:
      `expression nests more than ${PROMQL_LIMITS.maxDepth} levels deep (at line ${line}, column ${column}); ` +
      'each parenthesis, function call, aggregation and operator is a level, so a chain `a or b or c …` of n operators is n levels: ' +
      'split it into recording rules or group it in balanced parentheses',
    from: at,
    to: at + 1,
  };
}

/**
 * Characters outside string literals, and the offset of the first `(`, `[` or `{` (outside
 * strings and comments) nested deeper than `maxDepth` (-1: none).
 */
function scanCode(text: string, maxDepth: number): { code: number; tooDeepAt: number } {
  let depth = 0;
  let inStrings = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x23 /* # */) {
      const eol = text.indexOf('\n', i);
      if (eol < 0) break;
      i = eol;
    } else if (c === 0x22 || c === 0x27 || c === 0x60 /* " ' ` */) {
      const close = closingQuote(text, i);
      const end = close < 0 ? text.length - 1 : close;
      inStrings += end - i + 1;
      i = end;
    } else if (c === 0x28 || c === 0x5b || c === 0x7b /* ( [ { */) {
      if (++depth > maxDepth) return { code: text.length - inStrings, tooDeepAt: i };
    } else if (c === 0x29 || c === 0x5d || c === 0x7d /* ) ] } */) {
      depth = Math.max(0, depth - 1);
    }
  }
  return { code: text.length - inStrings, tooDeepAt: -1 };
}
