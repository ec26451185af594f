import { z } from 'zod';
import { AppError, type FieldIssue, type Say } from './errors';

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
  const issueSays: Record<string, Say> = {};
  r.error.issues.forEach((i, n) => {
    const say = i.code === 'custom' ? sayOf(i.params) : undefined;
    if (say) issueSays[issues[n]!.path] ??= say;
  });
  const first = issues[0];
  const message = first ? `invalid ${what}: ${first.path}: ${first.message}` : `invalid ${what}`;
  const say = first && issueSays[first.path];
  throw new AppError('validation_failed', message, issues, { issueSays, ...(say ? { say } : {}) });
}

/** The catalogue message a custom issue carries (src/i18n/errors.ts customIssue), if any. */
function sayOf(params: Record<string, unknown> | undefined): Say | undefined {
  const say = params?.say as Partial<Say> | undefined;
  return typeof say?.key === 'string' && say.params && typeof say.params === 'object' ? (say as Say) : undefined;
}
