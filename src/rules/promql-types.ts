import type { SyntaxNode, Tree } from '@lezer/common';
import {
  AggregateExpr,
  AnchoredExpr,
  BinaryExpr,
  FunctionCall,
  MatrixSelector,
  NumberDurationLiteral,
  OffsetExpr,
  ParenExpr,
  SmoothedExpr,
  StepInvariantExpr,
  StringLiteral,
  SubqueryExpr,
  UnaryExpr,
  VectorSelector,
} from '@prometheus-io/lezer-promql';
import { getFunction, ValueType } from '@prometheus-io/codemirror-promql/dist/cjs/types';

type GetType = (node: SyntaxNode | null) => ValueType;

/**
 * codemirror-promql's checker asks for the type of every node it checks, and its `getType`
 * walks the whole subtree below the node each time (a binary expression asks both operands,
 * which ask theirs): O(size × depth) per expression. Measured on a 16 KB expression nested 272
 * levels deep: 270 ms in `getType` alone. This is the same function (parser/type.ts of
 * codemirror-promql 0.314, checked against it node by node in test/unit/promql.test.ts) with
 * each node's type remembered, so the checker is linear. It replaces the library's export,
 * which the checker looks up at every call; that needs the live exports object, not the copy
 * an `import` makes.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the live module object is what the checker calls through
const checkerTypes = require('@prometheus-io/codemirror-promql/dist/cjs/parser/type') as { getType: GetType };

/** The library's own function, for the test that keeps the two in step. */
export const libraryGetType: GetType = checkerTypes.getType;

// Trees are parsed without buffers (see promql-parse.ts), so every node has its own Tree object.
const known = new WeakMap<Tree, ValueType>();

export const rememberedGetType: GetType = (node) => {
  const tree = node?.tree;
  if (!node || !tree) return typeOf(node);
  let type = known.get(tree);
  if (type === undefined) {
    type = typeOf(node);
    known.set(tree, type);
  }
  return type;
};

function typeOf(node: SyntaxNode | null): ValueType {
  if (!node) return ValueType.none;
  switch (node.type.id) {
    case AggregateExpr:
    case VectorSelector:
      return ValueType.vector;
    case StringLiteral:
      return ValueType.string;
    case NumberDurationLiteral:
      return ValueType.scalar;
    case MatrixSelector:
    case SubqueryExpr:
      return ValueType.matrix;
    case OffsetExpr:
    case SmoothedExpr:
    case AnchoredExpr:
      return rememberedGetType(node.firstChild);
    case ParenExpr:
    case UnaryExpr:
    case StepInvariantExpr:
      return rememberedGetType(node.getChild('Expr'));
    case BinaryExpr: {
      const both = rememberedGetType(node.firstChild) === ValueType.scalar && rememberedGetType(node.lastChild) === ValueType.scalar;
      return both ? ValueType.scalar : ValueType.vector;
    }
    case FunctionCall: {
      const id = node.firstChild?.firstChild;
      return id ? getFunction(id.type.id).returnType : ValueType.none;
    }
    default:
      return ValueType.none;
  }
}

checkerTypes.getType = rememberedGetType;
