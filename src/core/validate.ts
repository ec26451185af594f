import { z } from 'zod';
import { invalid, type FieldIssue } from './errors';

/** zod issue path → `instances[2].port` */
export function issuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || '(root)';
}

/**
 * Parse input against a schema at the edge; on failure throw a `validation_failed` AppError
 * whose message names the first bad field and whose details list them all.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what = 'input'): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issues: FieldIssue[] = r.error.issues.map((i) => ({ path: issuePath(i.path), message: i.message }));
  const first = issues[0];
  throw invalid(first ? `invalid ${what}: ${first.path}: ${first.message}` : `invalid ${what}`, issues);
}
