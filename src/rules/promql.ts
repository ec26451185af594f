import type { SyntaxNode, Tree } from '@lezer/common';
import { EditorState } from '@codemirror/state';
// The package has no exports map; its semantic checker (a port of Prometheus' checkAST) is
// only reachable by path.
import { Parser } from '@prometheus-io/codemirror-promql/dist/cjs/parser';
import { ValueType } from '@prometheus-io/codemirror-promql/dist/cjs/types';
import { decodeStringLiteral, firstLiteralError } from './promql-literals';
import { depthIssue, parsePromqlTree, sizeIssue } from './promql-parse';
import { firstStructureError } from './promql-structure';
import { firstSyntaxError, isBlank, lineColumn, type PromqlIssue } from './promql-syntax';
// Installs the linear type lookup the checker below calls.
import './promql-types';

/** Where a problem is: `from`/`to` are offsets into the expression, `line`/`column` (1-based) locate `from`. */
export interface PromqlPosition {
  from: number;
  to: number;
  line: number;
  column: number;
}

export interface PromqlResult {
  valid: boolean;
  error?: string;
  position?: PromqlPosition;
}

export interface PromqlOptions {
  /**
   * Require what a rule can evaluate to: an instant vector or a scalar. Prometheus answers a
   * query for a range vector (`up[5m]`) or a string, and `promtool check rules` lets them
   * pass, but the rule manager fails such a rule at every evaluation ("rule result is not a
   * vector or scalar").
   */
  forRule?: boolean;
}

/**
 * Checks a PromQL expression the way Prometheus parses it: syntax (the Prometheus grammar for
 * Lezer), types, functions and vector matching (the Prometheus UI's checker), string escapes
 * and label-matcher regexes. Reports the first problem found, syntax first. Expressions beyond
 * PROMQL_LIMITS (length, nesting) are refused before anything else, so every check is bounded.
 */
export function validatePromql(expr: string, options: PromqlOptions = {}): PromqlResult {
  const issue = findIssue(expr, options);
  if (!issue) return { valid: true };
  return { valid: false, error: issue.message, position: { from: issue.from, to: issue.to, ...lineColumn(expr, issue.from) } };
}

/** Metric names the expression selects by name (`up`, `{__name__="up"}`), in order of appearance. */
export function extractMetricNames(expr: string): string[] {
  const names = new Set<string>();
  if (sizeIssue(expr)) return [];
  parsePromqlTree(expr).iterate({
    enter: (n) => {
      if (n.name !== 'VectorSelector') return;
      const name = selectedName(n.node, expr);
      if (name) names.add(name);
    },
  });
  return [...names];
}

function findIssue(expr: string, options: PromqlOptions): PromqlIssue | null {
  const tooBig = sizeIssue(expr);
  if (tooBig) return tooBig;
  if (isBlank(expr)) return { message: 'expression is empty', from: 0, to: expr.length };
  const tree = parsePromqlTree(expr);
  const tooDeep = depthIssue(tree, expr);
  if (tooDeep) return tooDeep;
  // The checker navigates the tree it is given and reads text through the state, so a bare
  // state (no language extension: nothing parsed twice, no time budget) is all it needs.
  const state = EditorState.create({ doc: expr });

  // Parser.analyze() would check the first top-level node even when it is a comment, and
  // ignores errors at the very end of the text (it is built for an editor, where the user is
  // still typing); checkAST on the expression itself, with our own error-node walk, has
  // neither gap.
  const checker = new Parser(state);
  const root = topExpression(tree);
  const type = checker.checkAST(root);
  const diagnostics = checker.getDiagnostics().filter((d) => d.severity === 'error');

  const syntax = firstSyntaxError(tree, expr);
  if (syntax) {
    // The checker words a broken offset better than an error node can.
    const offset = syntax.node.parent?.name === 'OffsetExpr' ? syntax.node.parent : null;
    const targeted = offset && diagnostics.find((d) => d.from === offset.from && d.to === offset.to);
    return targeted ? toIssue(targeted) : syntax.issue;
  }
  const parseTime = firstLiteralError(tree, expr) ?? firstStructureError(tree, expr);
  if (parseTime) return parseTime;
  const first = diagnostics[0];
  if (first) return toIssue(first);
  if (options.forRule && root && type !== ValueType.vector && type !== ValueType.scalar) {
    return { message: `a rule must evaluate to an instant vector or a scalar, got ${typeName(type)}`, from: root.from, to: root.to };
  }
  return null;
}

function topExpression(tree: Tree): SyntaxNode | null {
  let node = tree.topNode.firstChild;
  while (node && (node.name === 'LineComment' || node.type.isError)) node = node.nextSibling;
  return node;
}

function toIssue(d: { message: string; from: number; to: number }): PromqlIssue {
  const message = d.message
    .replace(/\b(type|got) (matrix|vector)\b/g, (_m, word: string, type: string) => `${word} ${typeName(type)}`)
    .replace(' in SubqueryExpr instead', ' instead');
  return { message, from: d.from, to: d.to };
}

// The checker says "matrix" and "vector" where Prometheus and its docs say these.
function typeName(type: string): string {
  return type === 'matrix' ? 'range vector' : type === 'vector' ? 'instant vector' : type;
}

function selectedName(selector: SyntaxNode, text: string): string | null {
  const slice = (n: SyntaxNode): string => text.slice(n.from, n.to);
  const identifier = selector.getChild('Identifier');
  if (identifier) return slice(identifier);
  const matchers = selector.getChild('LabelMatchers');
  // `{"my.metric"}`: a quoted name alone is the metric name.
  const quoted = matchers?.getChild('QuotedLabelName')?.getChild('StringLiteral');
  const nameMatcher = matchers
    ?.getChildren('UnquotedLabelMatcher')
    .find((m) => slice(m.getChild('LabelName') ?? m) === '__name__' && m.getChild('MatchOp')?.firstChild?.name === 'EqlSingle');
  const literal = quoted ?? nameMatcher?.getChild('StringLiteral');
  if (!literal) return null;
  const decoded = decodeStringLiteral(slice(literal));
  return 'value' in decoded ? decoded.value : null;
}
