import type { SyntaxNode, Tree } from '@lezer/common';
import type { PromqlIssue } from './promql-syntax';

/**
 * Checks Prometheus' parser makes on what a range, a subquery, `offset` or `@` may follow,
 * which the codemirror checker leaves out. The Lezer grammar also gives these postfixes the
 * lowest precedence (`a / b[5m:]` parses as `(a / b)[5m:]`) where Prometheus binds them to the
 * operand right before them (`a / (b[5m:])`), so the checks read the tree Prometheus' way.
 */
export function firstStructureError(tree: Tree, text: string): PromqlIssue | null {
  let issue: PromqlIssue | null = null;
  tree.iterate({
    enter: (n) => {
      if (issue) return false;
      issue = check(n.node, text);
      return undefined;
    },
  });
  return issue;
}

const SELECTORS = new Set(['VectorSelector', 'MatrixSelector', 'SubqueryExpr']);
const MODIFIERS: Record<string, string> = { OffsetExpr: 'offset', StepInvariantExpr: '@' };

function check(node: SyntaxNode, text: string): PromqlIssue | null {
  if (node.name !== 'MatrixSelector' && node.name !== 'SubqueryExpr' && !MODIFIERS[node.name]) return null;
  const inner = expression(node.firstChild);
  if (!inner) return null;
  const span = { from: node.from, to: node.to };
  if (node.name === 'MatrixSelector' || node.name === 'SubqueryExpr') {
    if (inner.name === 'BinaryExpr' || inner.name === 'UnaryExpr') return precedence(node, inner, text);
    if (node.name === 'SubqueryExpr' || inner.name === 'VectorSelector') return null;
    const modifier = MODIFIERS[inner.name];
    if (modifier) return { message: `no ${modifier} modifiers allowed before range`, ...span };
    const range = text.slice(inner.to, node.to).trim();
    const subquery = `${shorten(text.slice(inner.from, inner.to))}${range.slice(0, -1)}:]`;
    return { message: `ranges only allowed for vector selectors; for an expression use a subquery, like ${subquery}`, ...span };
  }
  const modifier = MODIFIERS[node.name];
  if (!modifier) return null;
  // A modifier applies to the last operand; `up @ 1 offset 5m` sets both on the same selector.
  const seen = new Set([node.name]);
  let target = lastOperand(inner);
  for (let m = MODIFIERS[target.name]; m; m = MODIFIERS[target.name]) {
    if (seen.has(target.name)) return { message: `${m} may not be set multiple times`, ...span };
    seen.add(target.name);
    target = lastOperand(expression(target.firstChild) ?? target);
  }
  if (SELECTORS.has(target.name)) return null;
  return { message: `${modifier} modifier must be preceded by an instant vector selector or range vector selector or a subquery`, ...span };
}

function precedence(node: SyntaxNode, operation: SyntaxNode, text: string): PromqlIssue {
  const operand = lastOperand(operation);
  const postfix = text.slice(operation.to, node.to).trim();
  // Only a selector takes a range; anything in parentheses needs a subquery.
  const fix = node.name === 'MatrixSelector' ? `${postfix.slice(0, -1)}:]` : postfix;
  const kind = operation.name === 'BinaryExpr' ? 'binary' : 'unary';
  return {
    message:
      `range vector in a ${kind} expression: ${postfix} applies to ${shorten(text.slice(operand.from, operand.to))} alone, ` +
      `as it binds tighter than any operator; for the whole expression write (${shorten(text.slice(operation.from, operation.to))})${fix}`,
    from: operand.from,
    to: node.to,
  };
}

/** The operand Prometheus attaches a postfix to: the right-most one of an operator chain. */
function lastOperand(node: SyntaxNode): SyntaxNode {
  let n = node;
  while (n.name === 'BinaryExpr' || n.name === 'UnaryExpr') {
    let last = n.lastChild;
    while (last?.name === 'LineComment') last = last.prevSibling;
    if (!last) break;
    n = last;
  }
  return n;
}

function expression(node: SyntaxNode | null): SyntaxNode | null {
  let n = node;
  while (n?.name === 'LineComment') n = n.nextSibling;
  return n;
}

function shorten(s: string): string {
  const oneLine = s.replace(/\s+/g, ' ').trim();
  return oneLine.length > 40 ? `${oneLine.slice(0, 40)}…` : oneLine;
}
