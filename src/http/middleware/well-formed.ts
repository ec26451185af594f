import type { Context, Next } from 'koa';
import { invalidField } from '../../core/errors';
import { issuePath } from '../../core/validate';

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * JSON may spell a lone UTF-16 surrogate (`"\ud800"`), which no UTF-8 column can store:
 * MariaDB refuses it in a JSON column (a 500 for an annotation) and the driver silently turns
 * it into U+FFFD elsewhere. Refused up front, naming the field.
 */
export async function wellFormedBody(ctx: Context, next: Next): Promise<void> {
  const bad = loneSurrogateAt(ctx.request.body);
  if (bad) throw invalidField(issuePath(bad), 'must be well-formed Unicode text (it holds a lone UTF-16 surrogate)');
  await next();
}

interface Visit {
  v: unknown;
  key: PropertyKey | null;
  parent: Visit | null;
}

/**
 * The path of the first string (value or key) holding a lone surrogate. Iterative, with each
 * step pointing at its parent (a path copied per step made a body nested 100,000 deep take
 * minutes), as bodies may nest as deep as JSON.parse allows.
 */
function loneSurrogateAt(body: unknown): PropertyKey[] | null {
  const stack: Visit[] = [{ v: body, key: null, parent: null }];
  while (stack.length) {
    const visit = stack.pop()!;
    const { v, key } = visit;
    if ((typeof key === 'string' && LONE_SURROGATE.test(key)) || (typeof v === 'string' && LONE_SURROGATE.test(v))) return pathOf(visit);
    if (v && typeof v === 'object') {
      const entries = Array.isArray(v) ? v.map((item, i) => [i, item] as const) : Object.entries(v);
      // Reversed onto the stack, so the first bad field in reading order is the one named.
      for (let i = entries.length - 1; i >= 0; i--) stack.push({ v: entries[i]![1], key: entries[i]![0], parent: visit });
    }
  }
  return null;
}

function pathOf(visit: Visit): PropertyKey[] {
  const path: PropertyKey[] = [];
  for (let at: Visit | null = visit; at && at.key !== null; at = at.parent) path.push(at.key);
  return path.reverse();
}
